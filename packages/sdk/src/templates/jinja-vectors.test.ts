import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { testdir } from '@provd/test-utils';
import { describe, expect, it } from 'vitest';
import { TemplateHelper } from './template-helper';

interface Vector {
  files: Record<string, string>;
  render: string;
  context: Record<string, unknown>;
  /** What Jinja2 3.1.6 (Environment() defaults, FileSystemLoader) renders. */
  jinja: string;
  /** What provd renders where its context differs on purpose (a null key is absent), and why. */
  provd?: string;
  why?: string;
}

const fixtures = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'templates');
const vectors = JSON.parse(await readFile(join(fixtures, 'jinja-vectors.json'), 'utf8')) as Vector[];

describe('renders like Jinja2 3.1.6 (vectors recorded from Jinja2 itself)', () => {
  it.each(vectors.map((v, i) => [i, Object.values(v.files).join(' ⏎ ').slice(0, 70), v] as const))('#%i %s', async (_i, _label, v) => {
    const dir = await testdir(Object.fromEntries(Object.entries(v.files).map(([name, src]) => [`templates/${name}`, src])));
    try {
      await mkdir(dir.join('var', 'templates'), { recursive: true });
      const render = (): string => new TemplateHelper(dir.path).render(v.render, v.context);
      const expected = v.provd ?? v.jinja;
      if (expected.startsWith('ERROR')) expect(render).toThrow();
      else expect(render()).toBe(expected);
    } finally {
      await dir.cleanup();
    }
  });

  it('documents every deliberate difference', () => {
    for (const v of vectors.filter((x) => x.provd !== undefined)) expect(v.why).toBeTruthy();
  });
});

describe('contract §11.10 vectors', () => {
  it('dump of "é{{ v }}" with v="€" writes c3 a9 e2 82 ac', async () => {
    const dir = await testdir({ 'templates/e.tpl': 'é{{ v }}' });
    try {
      await new TemplateHelper(dir.path).dump('e.tpl', { v: '€' }, dir.join('out.cfg'));
      expect((await readFile(dir.join('out.cfg'))).toString('hex')).toBe('c3a9e282ac');
    } finally {
      await dir.cleanup();
    }
  });

  it('renders the Jinja-defaults examples', async () => {
    const dir = await testdir({
      'templates/a.tpl': 'a={{ a }}|{% if x %}X{% endif %}|{{ d.k }}|{{ d["k"] }}|{{ d.missing }}\n',
      'templates/b.tpl': '{{ x }}\n\n',
      'templates/c.tpl': '{% for i in l %}\n{{ i }}\n{% endfor %}\n',
      'templates/n.tpl': '{{ n }}',
    });
    try {
      const h = new TemplateHelper(dir.path);
      expect(h.render('a.tpl', { d: { k: 'v' } })).toBe('a=||v|v|');
      expect(h.render('b.tpl', { x: '<&>' })).toBe('<&>\n');
      expect(h.render('c.tpl', { l: [1, 2] })).toBe('\n1\n\n2\n');
      // A null key of the context is absent for provd (Jinja2 would print "None" for the null).
      expect(h.render('n.tpl', { n: null })).toBe('');
      await writeFile(dir.join('templates/u.tpl'), '[{{ u.x }}]');
      // Jinja raises UndefinedError, and so does provd.
      expect(() => h.render('u.tpl', {})).toThrow(/undefined/);
    } finally {
      await dir.cleanup();
    }
  });
});
