// Figures of interleaved rounds: median, spread, and the ratio of two sides measured in the same rounds.

/** The median of numbers. */
export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** `median (min–max, n rounds)` of `values`, each formatted by `fmt`. */
export function spread(values, fmt = (v) => v.toFixed(0)) {
  return `${fmt(median(values))} (${fmt(Math.min(...values))}–${fmt(Math.max(...values))} over ${values.length} rounds)`;
}

/** The per-round ratios a/b, and their median and spread as text. */
export function ratioLine(a, b, fmt = (r) => r.toFixed(2)) {
  const ratios = a.map((v, i) => v / b[i]);
  return { median: median(ratios), text: spread(ratios, fmt) };
}
