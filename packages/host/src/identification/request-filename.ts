import type { AnyRequest, RequestType } from '@provd/sdk';

/**
 * The file name a request asks for (contract §3.8): the last segment of the HTTP path or TFTP file name, or
 * `undefined` for DHCP or an empty name.
 */
export function requestFilename(request: AnyRequest, type: RequestType): string | undefined {
  let path: string;
  if (type === 'http') path = (request as { path: string }).path;
  else if (type === 'tftp') path = (request as { filename: string }).filename;
  else return undefined;
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (type === 'http' && name.includes('%')) {
    try {
      return decodeURIComponent(name) || undefined;
    } catch {
      return name || undefined;
    }
  }
  return name || undefined;
}

/**
 * The path a request asks for, relative to the served folder (no leading `/`, percent-decoded for HTTP), or
 * `undefined` for DHCP or an empty path: what plugins whose sensitive-file pattern includes a folder match.
 */
export function requestPath(request: AnyRequest, type: RequestType): string | undefined {
  let path: string;
  if (type === 'http') {
    path = (request as { path: string }).path;
    try {
      if (path.includes('%')) path = decodeURIComponent(path);
    } catch {
      // keep it as sent
    }
  } else if (type === 'tftp') path = (request as { filename: string }).filename;
  else return undefined;
  let start = 0;
  while (path.charCodeAt(start) === 0x2f) start++; // the leading slashes
  return (start === 0 ? path : path.slice(start)) || undefined;
}
