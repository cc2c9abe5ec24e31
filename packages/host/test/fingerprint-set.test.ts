import { describe, expect, it } from 'vitest';
import { FingerprintSet } from '../src/store/fingerprint-set';

const hex = (n: number) => n.toString(16).padStart(2, '0');
/** The MAC of device `i` (`00:0f:d3:` then its number), as a fleet's MACs differ: in their last bytes. */
const mac = (i: number) => `00:0f:d3:${hex((i >> 16) & 255)}:${hex((i >> 8) & 255)}:${hex(i & 255)}`;

describe('FingerprintSet', () => {
  it('finds every string added, through every growth of its table, and counts each once', () => {
    const set = new FingerprintSet();
    expect(set.mayHave('')).toBe(false);
    for (let i = 0; i < 50_000; i++) {
      set.add(mac(i));
      // the ones added just before and long before a growth alike
      if (i % 997 === 0) for (let j = 0; j <= i; j += 499) expect(set.mayHave(mac(j))).toBe(true);
    }
    for (let i = 0; i < 50_000; i++) expect(set.mayHave(mac(i))).toBe(true);
    set.add(mac(7));
    set.add('');
    expect(set.mayHave('')).toBe(true);
    // 50,000 MACs and the empty string (two strings of one fingerprint would count once: none here)
    expect(set.size).toBe(50_001);
  });

  it('tells that a string never added is absent, but for about one in 2^32 / size (a shared fingerprint)', () => {
    const set = new FingerprintSet();
    for (let i = 0; i < 50_000; i++) set.add(mac(i));
    let maybe = 0;
    // the next 50,000 MACs of the same vendor prefix, and IPs: at 50,000 fingerprints, ~0.6 expected in 50,000
    for (let i = 50_000; i < 100_000; i++) if (set.mayHave(mac(i))) maybe++;
    for (let i = 0; i < 50_000; i++) if (set.mayHave(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`)) maybe++;
    expect(maybe).toBeLessThanOrEqual(5);
  });

  it('tells strings of other case, length or characters apart', () => {
    const set = new FingerprintSet();
    for (const value of ['00:0F:D3:01:02:03', '10.0.0.1', 'é', '\u{1F4DE}']) set.add(value);
    expect(['00:0F:D3:01:02:03', '10.0.0.1', 'é', '\u{1F4DE}'].map((v) => set.mayHave(v))).toEqual([true, true, true, true]);
    expect(['00:0f:d3:01:02:03', '10.0.0.10', '10.0.0.', 'e', '\u{1F4DF}'].map((v) => set.mayHave(v))).toEqual([false, false, false, false, false]);
  });
});
