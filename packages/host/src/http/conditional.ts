/** The request headers the answer of a served file depends on (an `IncomingMessage`'s headers are some). */
export interface ConditionalHeaders {
  /** `If-None-Match`. */
  'if-none-match'?: string | undefined;
  /** `If-Modified-Since`. */
  'if-modified-since'?: string | undefined;
  /** `Range`. */
  range?: string | undefined;
  /** `If-Range`. */
  'if-range'?: string | undefined;
}

/** Whether `etag` is in an `If-None-Match` list (weak comparison, RFC 9110 §13.1.2): `*` matches any. */
export function etagMatches(header: string, etag: string): boolean {
  const bare = etag.startsWith('W/') ? etag.slice(2) : etag;
  for (const raw of header.split(',')) {
    const tag = raw.trim();
    if (tag === '*') return true;
    if ((tag.startsWith('W/') ? tag.slice(2) : tag) === bare) return true;
  }
  return false;
}

/**
 * Whether a GET or HEAD of a file with `etag` and modification time `mtime` is answered `304 Not Modified`
 * (RFC 9110 §13.2.2): by `If-None-Match` when the request has one, otherwise by `If-Modified-Since` (the file not
 * modified after that date, at the second precision of HTTP dates). An unparsable date is ignored.
 */
export function notModified(headers: ConditionalHeaders, etag: string, mtime: Date): boolean {
  const inm = headers['if-none-match'];
  if (inm !== undefined) return etagMatches(inm, etag);
  const ims = headers['if-modified-since'];
  if (ims === undefined) return false;
  const since = Date.parse(ims);
  return Number.isFinite(since) && Math.floor(mtime.getTime() / 1000) * 1000 <= since;
}

/**
 * Whether a `Range` applies under `If-Range` (RFC 9110 §13.1.5): without `If-Range` always; with one, only when it
 * is the file's strong `etag` or exactly its `Last-Modified` date.
 */
export function rangeApplies(headers: ConditionalHeaders, etag: string, lastModified: string): boolean {
  const ifRange = headers['if-range'];
  if (ifRange === undefined) return true;
  const value = String(ifRange).trim();
  return value.startsWith('"') || value.startsWith('W/') ? value === etag : value === lastModified;
}
