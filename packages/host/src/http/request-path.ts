/** A request target split into its raw path and decoded segments. */
export interface RequestPath {
  /** The raw path without the query string, e.g. `/Digium/000fd3054848.cfg`. */
  path: string;
  /** The percent-decoded segments (empty segments and `.` dropped). */
  segments: string[];
}

/** The longest request target accepted, in characters. */
export const MAX_URL_LENGTH = 2048;

/**
 * Parses an HTTP request target (`/a/b%20c?x=1`) into its raw path and percent-decoded segments. Returns `undefined`
 * for a target that is not an absolute path, has invalid percent-encoding, or whose decoded segments hold a `/`,
 * `\`, NUL, or `..` (traversal, encoded or not).
 */
export function parseRequestPath(target: string): RequestPath | undefined {
  if (!target.startsWith('/')) return undefined;
  const question = target.indexOf('?');
  const hash = target.indexOf('#');
  const q = question < 0 ? hash : hash < 0 ? question : Math.min(question, hash);
  const path = q < 0 ? target : target.slice(0, q);
  const segments: string[] = [];
  const encoded = path.includes('%');
  for (const raw of path.split('/')) {
    let segment = raw;
    if (encoded) {
      try {
        segment = decodeURIComponent(raw);
      } catch {
        return undefined;
      }
    }
    if (segment === '' || segment === '.') continue;
    if (segment === '..' || segment.includes('\\') || segment.includes('\0') || (encoded && segment.includes('/'))) return undefined;
    segments.push(segment);
  }
  return { path, segments };
}
