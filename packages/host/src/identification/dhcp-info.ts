import { normIp, normMac, type DhcpRequest } from '@provd/sdk';

/** What the API receives from a DHCP server hook. */
export type DhcpInfo = { op: 'commit'; request: DhcpRequest } | { op: 'expiry' | 'release' };

/**
 * Reads the `dhcp_info` object posted to the API (contract §3.1): `op` (`commit`, `expiry`, `release`), `ip`, `mac`
 * and `options`, either the established list form (`"060" + "64.69.67..."`: a 3-digit option code then dot-separated
 * hex bytes) or an object of option code to latin-1 string. Returns the parsed info or a list of `path: message`
 * problems.
 */
export function parseDhcpInfo(body: unknown): DhcpInfo | { errors: string[] } {
  const info = (body as { dhcp_info?: unknown })?.dhcp_info ?? body;
  if (typeof info !== 'object' || info === null || Array.isArray(info)) return { errors: ['dhcp_info: must be an object'] };
  const { op, ip, mac, options } = info as Record<string, unknown>;
  if (op === 'expiry' || op === 'release') return { op };
  if (op !== 'commit') return { errors: [`dhcp_info.op: must be "commit", "expiry" or "release" (received ${JSON.stringify(op)})`] };
  const errors: string[] = [];
  let nIp = '';
  let nMac = '';
  try {
    nIp = normIp(String(ip ?? ''));
  } catch (err) {
    errors.push(`dhcp_info.ip: ${(err as Error).message}`);
  }
  try {
    nMac = normMac(String(mac ?? ''));
  } catch (err) {
    errors.push(`dhcp_info.mac: ${(err as Error).message}`);
  }
  const parsed: Record<number, string> = {};
  if (Array.isArray(options)) {
    options.forEach((entry, i) => {
      const m = typeof entry === 'string' ? /^(\d{3})([0-9a-fA-F]{1,2}(?:\.[0-9a-fA-F]{1,2})*)$/.exec(entry) : null;
      if (!m) {
        errors.push(`dhcp_info.options.${i}: must be a 3-digit option code followed by dot-separated hex bytes (received ${JSON.stringify(entry)})`);
        return;
      }
      parsed[Number(m[1])] = m[2]!.split('.').map((b) => String.fromCharCode(parseInt(b, 16))).join('');
    });
  } else if (typeof options === 'object' && options !== null) {
    for (const [code, value] of Object.entries(options)) {
      if (!/^\d{1,3}$/.test(code) || Number(code) > 255 || typeof value !== 'string') {
        errors.push(`dhcp_info.options.${code}: must map an option code 0-255 to a string`);
      } else parsed[Number(code)] = value;
    }
  } else if (options !== undefined) {
    errors.push('dhcp_info.options: must be a list or an object');
  }
  if (errors.length > 0) return { errors };
  return { op: 'commit', request: { ip: nIp, mac: nMac, options: parsed } };
}
