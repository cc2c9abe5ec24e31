import { errorDocsProblems } from '@provd/test-utils';
import { describe, expect, it } from 'vitest';
import { createErrors } from '../src/index';

describe('error catalog of createErrors', () => {
  it('documents every code in docs/errors.md under its package, and no other code there', () => {
    expect(errorDocsProblems(createErrors)).toEqual({ undocumented: [], unknown: [] });
  });
});
