/** A key made of digits only, as the raw-config schema requires for `sip_lines` and `funckeys`. */
const DIGITS = /^\d+$/;

/**
 * The entries of a record keyed by number (`sip_lines`, `funckeys`, `sccp_call_managers`) as `[number, value]` pairs
 * in numeric order, so that line 2 comes before line 10 (a template's `sip_lines.items()|sort` orders keys as text:
 * `"10"` before `"2"`). Keys that are not made of digits are left out; `null` or `undefined` gives `[]`.
 *
 * @param record - The record, e.g. `rawConfig.sip_lines`.
 * @returns The pairs, sorted by number.
 * @example
 * ```ts
 * numericEntries({ '10': 'b', '2': 'a' }); // [[2, 'a'], [10, 'b']]
 * const XX_sip_lines = numericEntries(rawConfig.sip_lines); // {% for number, line in XX_sip_lines %}
 * ```
 */
export function numericEntries<T>(record: Readonly<Record<string, T>> | null | undefined): [number, T][] {
  if (record === null || record === undefined) return [];
  return Object.entries(record)
    .filter(([key]) => DIGITS.test(key))
    .map(([key, value]): [number, T] => [Number(key), value])
    .sort((a, b) => a[0] - b[0]);
}
