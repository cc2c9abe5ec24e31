import { extname } from 'node:path';

const TYPES: Readonly<Record<string, string>> = {
  '.cfg': 'text/plain; charset=utf-8',
  '.conf': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.ini': 'text/plain; charset=utf-8',
  '.inf': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.cnf': 'text/plain; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.bmp': 'image/bmp',
  '.wav': 'audio/wav',
  '.zip': 'application/zip',
  '.gz': 'application/gzip',
  '.tgz': 'application/gzip',
  '.tar': 'application/x-tar',
  '.pem': 'application/x-pem-file',
  '.crt': 'application/x-x509-ca-cert',
};

/**
 * The `Content-Type` a provisioning file is served with, from its extension: text types for configuration files
 * (`.cfg`, `.xml`, `.txt`, ...) and `application/octet-stream` for everything else (firmware, unknown extensions),
 * never `text/html` by default.
 */
export function contentTypeOf(filename: string): string {
  return TYPES[extname(filename).toLowerCase()] ?? 'application/octet-stream';
}
