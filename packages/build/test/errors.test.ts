import { errorDocsProblems } from '@provd/test-utils';
import { describe, expect, it } from 'vitest';
import { buildErrors } from '../src/index';

describe('error catalog of buildErrors', () => {
  it('documents every code in docs/errors.md under its package, and no other code there', () => {
    expect(errorDocsProblems(buildErrors)).toEqual({ undocumented: [], unknown: [] });
  });
});
