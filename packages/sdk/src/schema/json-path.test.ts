import { describe, expect, it } from 'vitest';
import { describeValue } from './describe-value';
import { formatPath, pointerToKeys } from './json-path';

describe('formatPath', () => {
  it('joins plain keys with dots and brackets the others as JSON strings', () => {
    expect(formatPath(['sip_lines', '1', 'proxy_port'])).toBe('sip_lines.1.proxy_port');
    expect(formatPath(['capabilities', 'Digium, D40, 1.4.0.0', 'lines'])).toBe(
      'capabilities["Digium, D40, 1.4.0.0"].lines',
    );
    expect(formatPath(['vendor.url'])).toBe('["vendor.url"]');
    expect(formatPath(['a', 'say "hi"'])).toBe('a["say \\"hi\\""]');
    expect(formatPath([])).toBe('(root)');
  });
});

describe('pointerToKeys', () => {
  it('splits and unescapes a JSON pointer', () => {
    expect(pointerToKeys('')).toEqual([]);
    expect(pointerToKeys('/sip_lines/1')).toEqual(['sip_lines', '1']);
    expect(pointerToKeys('/a~1b/c~0d/~01')).toEqual(['a/b', 'c~d', '~1']);
  });
});

describe('describeValue', () => {
  it('says what was received', () => {
    expect(describeValue('5060')).toBe('the string "5060"');
    expect(describeValue(4095)).toBe('4095');
    expect(describeValue(false)).toBe('false');
    expect(describeValue(null)).toBe('null');
    expect(describeValue([1])).toBe('an array');
    expect(describeValue({})).toBe('an object');
    expect(describeValue(undefined)).toBe('nothing');
    expect(describeValue('x'.repeat(100))).toBe(`the string "${'x'.repeat(60)}..."`);
  });
});
