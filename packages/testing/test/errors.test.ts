import { errorDocsProblems } from '@provd/test-utils';
import { describe, expect, it } from 'vitest';
import { testingErrors } from '../src/index';

describe('error catalog of testingErrors', () => {
  it('documents every code in docs/errors.md under its package, and no other code there', () => {
    expect(errorDocsProblems(testingErrors)).toEqual({ undocumented: [], unknown: [] });
  });
});
