import { describe, expect, it } from 'vitest';
import { comparePluginVersions } from './compare-versions';

// The vectors of the old tool's comparison (survey §1.6), with the answer a person expects.
describe('comparePluginVersions', () => {
  it.each([
    ['1.2.10', '1.2.9', 1],
    ['1.10', '1.9', 1],
    ['0.2.0', '0.10.0', -1],
    ['1.50.3', '1.5.3', 1],
    ['1.0', '1.0.0', 0],
    ['1.0', '1.0-dev', 1],
    ['1.0-dev', '1.0', -1],
    ['1.0-2', '1.0-10', -1],
    ['2.0-1', '10.0-1', -1],
    ['1.0-rc1', '1.0-dev1', 1],
    ['1.4.0.0', '1.4.0.1', -1],
    ['v1.2', '1.1', 1],
  ])('%s vs %s → %i', (a, b, expected) => {
    expect(Math.sign(comparePluginVersions(a, b))).toBe(expected);
    expect(Math.sign(comparePluginVersions(b, a))).toBe(-expected || 0);
  });

  it('falls back to numeric-aware text order for other versions', () => {
    expect(comparePluginVersions('beta10', 'beta9')).toBeGreaterThan(0);
  });
});
