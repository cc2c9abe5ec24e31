import { join } from 'node:path';
import { repoRoot } from '@provd/test-utils';
import { describe, expect, it } from 'vitest';
import { categoryOf } from '../../typedoc/categories.mjs';
import { sourceFiles } from '../src/index';

// The API site (`pnpm run docs`) groups every exported symbol by the category of its source folder.

describe('the categories of the API site', () => {
  it('gives every SDK source a category of the plugin author\'s topics', () => {
    const topics = ['Plugin contract', 'Identification', 'Templates', 'Firmware', 'Types', 'Errors'];
    const files = sourceFiles(join(repoRoot, 'packages', 'sdk', 'src')).filter((f) => !f.endsWith('index.ts'));
    const uncategorised = files.filter((f) => !topics.includes(categoryOf(f, repoRoot) ?? ''));
    expect(uncategorised).toEqual([]);
    expect(categoryOf(join(repoRoot, 'packages/sdk/src/plugin/base-plugin.ts'), repoRoot)).toBe('Plugin contract');
    expect(categoryOf(join(repoRoot, 'packages/sdk/src/errors/define-errors.ts'), repoRoot)).toBe('Errors');
    expect(categoryOf(join(repoRoot, 'packages/host/src/errors.ts'), repoRoot)).toBe('Errors');
  });

  it('gives every source of the other packages a category too', () => {
    const files = ['core', 'firmware', 'build', 'host', 'testing', 'create-provd-plugin'].flatMap((p) => sourceFiles(join(repoRoot, 'packages', p, 'src')));
    expect(files.filter((f) => !f.endsWith('index.ts') && categoryOf(f, repoRoot) === undefined)).toEqual([]);
  });
});
