import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildErrors } from '@provd/build';
import { coreErrors } from '@provd/core';
import { createErrors } from 'create-provd-plugin';
import { firmwareErrors } from '@provd/firmware';
import { hostErrors } from '@provd/host';
import { sdkErrors } from '@provd/sdk';
import { testingErrors } from '@provd/testing';
import { repoRoot } from '@provd/test-utils';
import { describe, expect, it } from 'vitest';
import { publishedPackages } from '../src/index';

/** Every published package's error catalog, in the order of docs/errors.md. */
const catalogs = [sdkErrors, coreErrors, firmwareErrors, buildErrors, hostErrors, createErrors, testingErrors];

describe('the error catalogs of the published packages', () => {
  it('are one per published package, each with its own section of docs/errors.md, in that order', () => {
    expect(catalogs.map((c) => c.owner).sort()).toEqual(publishedPackages(repoRoot).map((p) => p.name).sort());
    const doc = readFileSync(join(repoRoot, 'docs', 'errors.md'), 'utf8');
    expect([...doc.matchAll(/^## (\S+)$/gm)].map((m) => m[1])).toEqual(catalogs.map((c) => c.owner));
  });

  it('define each code in one package only, and docs/errors.md documents no code that no package defines', () => {
    const all = catalogs.flatMap((c) => c.codes as readonly string[]);
    expect(all.filter((code, i) => all.indexOf(code) !== i)).toEqual([]);
    const doc = readFileSync(join(repoRoot, 'docs', 'errors.md'), 'utf8');
    const documented = [...doc.matchAll(/^### (PROVD_[A-Z0-9_]+)$/gm)].map((m) => m[1] as string);
    expect(documented.filter((code) => !all.includes(code))).toEqual([]);
  });
});
