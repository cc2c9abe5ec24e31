/**
 * A set of strings that only grows, held as 32-bit fingerprints in one open-addressing table: it tells for sure that
 * a string was never added (no fingerprint of it), and "maybe" otherwise (added, or another string of the same
 * fingerprint: about one look-up in 40,000 at 100,000 strings). Four bytes per slot, at most half of the slots used:
 * 100,000 strings take 1 MiB, where a `Set` of them takes several.
 *
 * The store keeps one per key the request pipeline looks devices up by (see `SqliteStore`): a new phone's look-ups
 * by MAC and IP, which find nothing, are then answered without a query.
 *
 * @example
 * ```ts
 * const macs = new FingerprintSet();
 * macs.add('00:0f:d3:01:02:03');
 * macs.mayHave('00:0f:d3:01:02:03'); // true
 * macs.mayHave('00:0f:d3:0a:0b:0c'); // false (unless its fingerprint is the same)
 * ```
 */
export class FingerprintSet {
  private slots = new Int32Array(1024);
  private used = 0;

  /** How many distinct fingerprints are held. */
  get size(): number {
    return this.used;
  }

  /** Adds `value`. */
  add(value: string): void {
    if (2 * (this.used + 1) > this.slots.length) this.grow();
    if (this.place(this.slots, fingerprintOf(value))) this.used++;
  }

  /** `false` when `value` was never added; `true` when it was, or another string of its fingerprint was. */
  mayHave(value: string): boolean {
    const slots = this.slots;
    const mask = slots.length - 1;
    const print = fingerprintOf(value);
    for (let i = print & mask; ; i = (i + 1) & mask) {
      const held = slots[i]!;
      if (held === print) return true;
      if (held === 0) return false;
    }
  }

  /** Puts `print` into `slots` (linear probing); whether it was not there yet. */
  private place(slots: Int32Array, print: number): boolean {
    const mask = slots.length - 1;
    for (let i = print & mask; ; i = (i + 1) & mask) {
      const held = slots[i]!;
      if (held === print) return false;
      if (held === 0) {
        slots[i] = print;
        return true;
      }
    }
  }

  /** Doubles the table (the fingerprints placed again: the strings are not needed). */
  private grow(): void {
    const old = this.slots;
    const slots = new Int32Array(old.length * 2);
    for (const print of old) if (print !== 0) this.place(slots, print);
    this.slots = slots;
  }
}

/** The 32-bit fingerprint of `value` (FNV-1a over its UTF-16 code units, then mixed), never 0 (the empty slot). */
function fingerprintOf(value: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193);
  // a final mix: FNV's low bits (the slot index) vary little between strings differing in their last characters
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return h === 0 ? 1 : h;
}
