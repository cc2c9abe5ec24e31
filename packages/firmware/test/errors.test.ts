import { errorDocsProblems } from '@provd/test-utils';
import { describe, expect, it } from 'vitest';
import { firmwareErrors } from '../src/index';

describe('error catalog of firmwareErrors', () => {
  it('documents every code in docs/errors.md under its package, and no other code there', () => {
    expect(errorDocsProblems(firmwareErrors)).toEqual({ undocumented: [], unknown: [] });
  });
});
