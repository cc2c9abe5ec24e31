import { isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { hostError } from '../errors';

/** The media type of the established API. */
export const PROVD_MIME = 'application/vnd.proformatique.provd+json';

const JSON_TYPES = new Set([PROVD_MIME, 'application/json']);

/** The host name of a `Host` header (`[::1]:8666` → `::1`, `Example.org.` → `example.org`). */
export function hostName(header: string): string {
  const h = header.trim().toLowerCase();
  const name = h.startsWith('[') ? h.slice(1, h.indexOf(']')) : h.replace(/:\d*$/, '');
  return name.replace(/\.$/, '');
}

/**
 * Refuses requests a browser could be tricked into sending (issue 16): a `Host` that names a host the API does not
 * serve (DNS rebinding: an attacker's name resolving to this address; IP literals are always accepted, as a
 * rebinding needs a name), and cross-origin requests (an `Origin` other than the API's own, or
 * `Sec-Fetch-Site: cross-site`). Throws `PROVD_API_HOST_REFUSED` (421) or `PROVD_API_CROSS_ORIGIN` (403).
 */
export function checkBrowserSafety(req: IncomingMessage, allowedNames: ReadonlySet<string>): void {
  const host = req.headers.host;
  if (host !== undefined) {
    const name = hostName(host);
    if (isIP(name) === 0 && !allowedNames.has(name)) throw hostError('PROVD_API_HOST_REFUSED', { host, allowed: [...allowedNames].sort() });
  }
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== '') {
    let same = false;
    try {
      same = host !== undefined && new URL(origin).host.toLowerCase() === host.trim().toLowerCase();
    } catch {
      same = false;
    }
    if (!same) throw hostError('PROVD_API_CROSS_ORIGIN', { origin });
  }
  if (req.headers['sec-fetch-site'] === 'cross-site') throw hostError('PROVD_API_CROSS_ORIGIN', { origin: origin ?? '(Sec-Fetch-Site: cross-site)' });
}

/** Throws `PROVD_API_UNSUPPORTED_MEDIA_TYPE` (415) unless the request body is declared as JSON. */
export function checkJsonContentType(req: IncomingMessage): void {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (!JSON_TYPES.has(type)) throw hostError('PROVD_API_UNSUPPORTED_MEDIA_TYPE', { received: req.headers['content-type'] ?? '(none)' });
}

/** Throws `PROVD_API_NOT_ACCEPTABLE` (406) when the `Accept` header excludes JSON. */
export function checkAccept(req: IncomingMessage): void {
  const accept = req.headers.accept;
  if (accept === undefined || accept.trim() === '') return;
  const ok = accept.split(',').some((part) => {
    const [type = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    if (params.some((p) => /^q=0(\.0*)?$/.test(p))) return false;
    return type === '*/*' || type === 'application/*' || JSON_TYPES.has(type);
  });
  if (!ok) throw hostError('PROVD_API_NOT_ACCEPTABLE', { accept });
}
