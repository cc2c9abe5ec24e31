import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileTemplates } from './compile-templates';

const fixtures = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'templates');

describe('compileTemplates', () => {
  it('returns no error for a folder of valid templates (subfolders too), ignoring non-template files', async () => {
    expect(await compileTemplates(join(fixtures, 'good'))).toEqual([]);
    expect(await compileTemplates(join(fixtures, 'lookup', 'templates'))).toEqual([]);
  });

  it('returns one "path: message" per problem, sorted by file', async () => {
    const errors = await compileTemplates(join(fixtures, 'broken'));
    expect(errors).toHaveLength(7);
    expect(errors[0]).toMatch(/^escape\.tpl: line 1: template name "\.\.\/outside\.tpl" is not allowed/);
    expect(errors[1]).toMatch(/^expr\.tpl: line 1: /);
    expect(errors[2]).toBe("filter.tpl: line 1: No filter named 'nosuchfilter'.");
    expect(errors[3]).toBe('latin1.tpl: not valid UTF-8');
    expect(errors[4]).toBe('parent.tpl: line 1: extends of "missing.tpl", which is not in the folder');
    expect(errors[5]).toBe("test.tpl: line 1: No test named 'nosuchtest'.");
    expect(errors[6]).toMatch(/^unclosed\.tpl: line \d+: Unexpected end of template\. Jinja was looking for the following tags: 'elif' or 'else' or 'endif'/);
  });

  it('can leave references unchecked, for one layer of a plugin', async () => {
    const errors = await compileTemplates(join(fixtures, 'broken'), { references: false });
    expect(errors.some((e) => e.startsWith('parent.tpl'))).toBe(false);
    expect(errors.some((e) => e.startsWith('escape.tpl'))).toBe(false);
  });

  it('checks the files chosen by match', async () => {
    const errors = await compileTemplates(join(fixtures, 'good'), { match: (rel) => rel.endsWith('.cfg') });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBe("raw.cfg: line 1: unexpected end of template, expected 'end of print statement'");
  });

  it('returns no error for a missing folder', async () => {
    expect(await compileTemplates(join(fixtures, 'no-such-folder'))).toEqual([]);
  });
});
