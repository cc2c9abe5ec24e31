import { describe, expect, it } from 'vitest';
import { globMatcher } from './glob';

describe('globMatcher', () => {
  it.each([
    ['templates/*.tpl', 'templates/base.tpl', true],
    ['templates/*.tpl', 'templates/sub/base.tpl', false],
    ['templates/*', 'templates/x', true],
    ['*.btpl', 'templates/common/a.btpl', true],
    ['*.btpl', 'a.btpl', true],
    ['/x.md', 'a/x.md', false],
    ['/x.md', 'x.md', true],
    ['tests', 'a/tests', true],
    ['**/*.md', 'a/b/c.md', true],
    ['**/*.md', 'c.md', true],
    ['docs/**', 'docs/a/b', true],
    ['templates/68?.tpl', 'templates/680.tpl', true],
    ['templates/68?.tpl', 'templates/6800.tpl', false],
    ['a.b', 'axb', false],
  ])('%s on %s is %s', (pattern, path, expected) => {
    expect(globMatcher(pattern)(path)).toBe(expected);
  });
});
