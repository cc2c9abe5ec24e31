import { randomBytes } from 'node:crypto';

/** What goes into one NOTIFY request. */
export interface NotifyRequest {
  /** The Request-URI, e.g. `sip:anonymous@10.0.0.5:5060`. */
  uri: string;
  /** The `Event` header value, e.g. `check-sync` or `check-sync;reboot=true`. */
  event: string;
  /** Local address and port, for the Via and Contact headers. */
  local: { host: string; port: number };
  /** Extra headers as `Name: value` (or AMI-style `Name=value`); `Content=...` entries form the body. */
  extraHeaders?: readonly string[];
}

/** A built NOTIFY with the identifiers its response must carry. */
export interface BuiltNotify {
  /** The datagram to send. */
  text: string;
  /** The Via branch. */
  branch: string;
  /** The Call-ID. */
  callId: string;
}

const token = (): string => randomBytes(8).toString('hex');
const hostPart = (host: string): string => (host.includes(':') ? `[${host}]` : host);

/** Builds a SIP NOTIFY request (RFC 3265 out-of-dialog, `Subscription-State: terminated`), as phones expect for check-sync. */
export function buildNotify(request: NotifyRequest): BuiltNotify {
  const branch = `z9hG4bK${token()}`;
  const callId = `${token()}@provd`;
  const local = `${hostPart(request.local.host)}:${request.local.port}`;
  const headers: string[] = [];
  const body: string[] = [];
  let contentType: string | undefined;
  for (const entry of request.extraHeaders ?? []) {
    const m = /^([A-Za-z][A-Za-z0-9-]*)\s*[:=]\s*(.*)$/.exec(entry);
    if (!m) continue;
    const [, name, value] = m as unknown as [string, string, string];
    if (/[\r\n]/.test(value)) continue;
    if (name.toLowerCase() === 'content') body.push(value);
    else if (name.toLowerCase() === 'content-type') contentType = value;
    else headers.push(`${name}: ${value}`);
  }
  const content = body.length > 0 ? `${body.join('\r\n')}\r\n` : '';
  const to = request.uri.replace(/:\d+$/, '');
  const lines = [
    `NOTIFY ${request.uri} SIP/2.0`,
    `Via: SIP/2.0/UDP ${local};branch=${branch};rport`,
    'Max-Forwards: 70',
    `From: <sip:provd@${hostPart(request.local.host)}>;tag=${token()}`,
    `To: <${to}>`,
    `Call-ID: ${callId}`,
    'CSeq: 1 NOTIFY',
    `Contact: <sip:provd@${local}>`,
    `Event: ${request.event.replace(/[\r\n]/g, '')}`,
    'Subscription-State: terminated',
    'User-Agent: provd',
    ...headers,
    ...(content ? [`Content-Type: ${contentType ?? 'text/plain'}`] : []),
    `Content-Length: ${Buffer.byteLength(content)}`,
  ];
  return { text: `${lines.join('\r\n')}\r\n\r\n${content}`, branch, callId };
}

/** The parts of a SIP response the sender checks. */
export interface SipResponse {
  /** The status code. */
  status: number;
  /** The reason phrase. */
  reason: string;
  /** The Call-ID header. */
  callId?: string;
  /** The branch of the top Via. */
  branch?: string;
}

/** Parses a SIP response datagram, or returns `undefined` for anything else. */
export function parseSipResponse(text: string): SipResponse | undefined {
  const [first, ...rest] = text.split(/\r?\n/);
  const m = /^SIP\/2\.0 (\d{3}) ?(.*)$/.exec(first ?? '');
  if (!m) return undefined;
  const response: SipResponse = { status: Number(m[1]), reason: m[2] ?? '' };
  for (const line of rest) {
    if (line === '') break;
    const h = /^([^:]+):\s*(.*)$/.exec(line);
    if (!h) continue;
    const name = h[1]!.trim().toLowerCase();
    if ((name === 'call-id' || name === 'i') && response.callId === undefined) response.callId = h[2]!.trim();
    if ((name === 'via' || name === 'v') && response.branch === undefined) response.branch = /;branch=([^;,\s]+)/.exec(h[2]!)?.[1];
  }
  return response;
}
