import { describe, expectTypeOf, it } from 'vitest';
import { definePackages, type InstallStepDeclaration } from '../index';

describe('definePackages', () => {
  it('checks file and graph ids and each verb arity', () => {
    definePackages({
      files: { fw: { url: 'http://x/fw.zip', size: 1, sha1: 'a'.repeat(40) } },
      installs: { g: { 'a-b': ['unzip', '$FILE1'], 'b-c': ['cp', '*.rom', 'firmware/'], 'b-d': ['null'] } },
      packages: { p: { description: 'd', version: '1', files: ['fw'], install: ['g', 'KX-UT113'] } },
    });
    definePackages({
      files: { fw: { size: 1, sha1: 'a'.repeat(40), filename: 'fw.zip' } },
      installs: { g: { 'a-b': ['unzip', '$FILE1'] } },
      // @ts-expect-error: "fx" is not a declared file
      packages: { p: { description: 'd', version: '1', files: ['fx'], install: 'g' } },
    });
    definePackages({
      files: { fw: { size: 1, sha1: 'a'.repeat(40), filename: 'fw.zip' } },
      installs: { g: { 'a-b': ['unzip', '$FILE1'] } },
      // @ts-expect-error: "h" is not a declared install graph
      packages: { p: { description: 'd', version: '1', files: ['fw'], install: 'h' } },
    });
    // @ts-expect-error: cp needs a source and a destination
    const tooFew: InstallStepDeclaration = ['cp', 'only'];
    // @ts-expect-error: unknown verb
    const unknown: InstallStepDeclaration = ['mv', 'a', 'b'];
    expectTypeOf<['unsign', string, string]>().toMatchTypeOf<InstallStepDeclaration>();
    void tooFew;
    void unknown;
  });
});
