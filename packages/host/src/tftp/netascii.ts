/**
 * Converts bytes to netascii (RFC 764): LF becomes CR LF and a bare CR becomes CR NUL. Each input byte converts on
 * its own, so a file can be converted chunk by chunk as it is read (a transfer never holds the converted file).
 */
export function toNetascii(data: Uint8Array): Buffer {
  let extra = 0;
  for (let i = data.indexOf(0x0a); i >= 0; i = data.indexOf(0x0a, i + 1)) extra++;
  for (let i = data.indexOf(0x0d); i >= 0; i = data.indexOf(0x0d, i + 1)) extra++;
  const input = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (extra === 0) return input;
  const out = Buffer.allocUnsafe(data.length + extra);
  let o = 0;
  let start = 0;
  for (let i = 0; i < input.length; i++) {
    const b = input[i]!;
    if (b !== 0x0a && b !== 0x0d) continue;
    o += input.copy(out, o, start, i);
    out[o++] = 0x0d;
    out[o++] = b === 0x0a ? 0x0a : 0x00;
    start = i + 1;
  }
  input.copy(out, o, start);
  return out;
}
