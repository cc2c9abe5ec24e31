import { errorDocsProblems } from '@provd/test-utils';
import { describe, expect, it } from 'vitest';
import { coreErrors } from '../src/index';

describe('error catalog of coreErrors', () => {
  it('documents every code in docs/errors.md under its package, and no other code there', () => {
    expect(errorDocsProblems(coreErrors)).toEqual({ undocumented: [], unknown: [] });
  });
});
