import { describe, expect, it } from 'vitest';
import { newRecordId, RECORD_ID } from '../src/store/records';

describe('newRecordId', () => {
  it('makes valid 32-hex-digit ids in the layout of a UUID version 7, ordered by creation time', () => {
    const ids = Array.from({ length: 200 }, (_, i) => newRecordId(1_764_590_000_000 + i * 1000));
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{12}7[0-9a-f]{3}[89ab][0-9a-f]{15}$/);
      expect(RECORD_ID.test(id)).toBe(true);
    }
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(Array.from({ length: 1000 }, () => newRecordId(0))).size).toBe(1000);
    expect(newRecordId(0x0123456789ab).slice(0, 12)).toBe('0123456789ab');
  });
});
