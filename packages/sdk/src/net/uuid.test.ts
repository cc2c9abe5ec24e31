import { describe, expect, it } from 'vitest';
import { isNormedUuid, normUuid } from './uuid';

describe('normUuid', () => {
  it('lower-cases a UUID (contract §11.1)', () => {
    expect(normUuid('550E8400-E29B-41D4-A716-446655440000')).toBe('550e8400-e29b-41d4-a716-446655440000');
    expect(normUuid('550e8400-e29b-41d4-a716-446655440000')).toBe('550e8400-e29b-41d4-a716-446655440000');
  });

  it.each(['550e8400e29b41d4a716446655440000', 'foo', '', ' 550e8400-e29b-41d4-a716-446655440000'])(
    'rejects %j with PROVD_INVALID_UUID',
    (input) => {
      expect(() => normUuid(input)).toThrow(expect.objectContaining({ code: 'PROVD_INVALID_UUID' }));
    },
  );

  it('rejects a trailing newline (stricter than the established host)', () => {
    expect(() => normUuid('550e8400-e29b-41d4-a716-446655440000\n')).toThrow(
      expect.objectContaining({ code: 'PROVD_INVALID_UUID' }),
    );
  });

  it('names the value in the error', () => {
    expect(() => normUuid('foo')).toThrow('"foo" is not a UUID');
  });
});

describe('isNormedUuid', () => {
  it.each([
    ['550e8400-e29b-41d4-a716-446655440000', true],
    ['foo', false],
    ['550E8400-E29B-41D4-A716-446655440000', false],
    ['550e8400e29b41d4a716446655440000', false],
  ])('%j → %s', (input, expected) => {
    expect(isNormedUuid(input)).toBe(expected);
  });
});
