import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testdir, type TestDir } from '@provd/test-utils';
import { TemplateHelper } from './template-helper';

let dir: TestDir;
let n = 0;

beforeAll(async () => {
  dir = await testdir({ 'templates/.keep': '' });
});
afterAll(() => dir.cleanup());

/** Renders template source `src` with `ctx` through a fresh template file. */
async function render(src: string, ctx: object = {}, escape?: 'xml' | 'none'): Promise<string> {
  const name = `t${n++}.tpl`;
  const { writeFile } = await import('node:fs/promises');
  await writeFile(dir.join('templates', name), src);
  const helper = new TemplateHelper(dir.path);
  return helper.render(name, ctx, escape ? { escape } : {});
}

describe('Jinja2 defaults (contract §11.10)', () => {
  it('renders missing values as empty, dict keys by attribute and item', async () => {
    expect(await render('a={{ a }}|{% if x %}X{% endif %}|{{ d.k }}|{{ d["k"] }}|{{ d.missing }}\n', { d: { k: 'v' } })).toBe('a=||v|v|');
  });
  it('does not escape by default and drops exactly one trailing newline', async () => {
    expect(await render('{{ x }}\n\n', { x: '<&>' })).toBe('<&>\n');
    expect(await render('x\n')).toBe('x');
  });
  it('keeps newlines around for-loop tags', async () => {
    expect(await render('{% for i in l %}\n{{ i }}\n{% endfor %}\n', { l: [1, 2] })).toBe('\n1\n\n2\n');
  });
  it('treats a null key of the context as absent, so it renders as empty, never None', async () => {
    expect(await render('[{{ n }}|{{ d.k }}|{{ d.k|d("x") }}|{{ l }}]', { n: null, d: { k: null }, l: [null] })).toBe('[||x|[None]]');
  });
  it('raises for an attribute of an undefined value, as Jinja2 does', async () => {
    await expect(render('[{{ u.x }}]')).rejects.toMatchObject({ code: 'PROVD_TEMPLATE_RENDER_FAILED' });
  });
});

describe('features used by the plugins (survey §6.2)', () => {
  it('iterates dict.items() with line numbers through |int', async () => {
    const ctx = { sip_lines: { '1': { username: 'a' }, '2': { username: 'b' } } };
    const src = '{% for line_no, line in sip_lines.items() %}{{ line_no|int - 1 }}={{ line.username }};{% endfor %}';
    expect(await render(src, ctx)).toBe('0=a;1=b;');
  });
  it('supports .values(), .keys(), .get(), .zfill() and .format()', async () => {
    expect(await render('{% for v in d.values() %}{{ v }}{% endfor %}|{{ d.keys()|join(",") }}|{{ d.get("x", "z") }}', { d: { a: 1, b: 2 } })).toBe('12|a,b|z');
    expect(await render('{{ "7".zfill(3) }} {{ "-7".zfill(4) }} {{ "{}-{}".format(a, b) }} {{ "{0:02d}".format(5) }}', { a: 'x', b: 1 })).toBe('007 -007 x-1 05');
  });
  it('applies |d / |default to missing and null values', async () => {
    expect(await render('{{ a|d("x") }} {{ b|default(5060) }} {{ c|d("y") }} {{ e|d("z", true) }}', { b: null, c: 'set', e: '' })).toBe('x 5060 set z');
  });
  it('applies |int like Python', async () => {
    expect(await render('{{ "08"|int }} {{ "1.9"|int }} {{ "x"|int }} {{ t|int }} {{ 3.7|int }}', { t: true })).toBe('8 1 0 1 3');
  });
  it('applies |format printf-style', async () => {
    expect(await render('{{ "%02d:%s"|format(7, "a") }} {{ "%x"|format(255) }} {{ "%-4s|"|format("ab") }} {{ "%.2f"|format(1.005) }}')).toBe('07:a ff ab  | 1.00');
  });
  it('applies |string, |e, |dictsort, |first, |sort', async () => {
    expect(await render('{{ n|string }}|{{ s|e }}|{% for k, v in d|dictsort %}{{ k }}{{ v }}{% endfor %}|{{ l|first }}|{{ l|sort|join }}', {
      n: 5,
      s: `<a href="x">'&'</a>`,
      d: { b: 2, A: 1, c: 3 },
      l: [3, 1, 2],
    })).toBe('5|&lt;a href=&#34;x&#34;&gt;&#39;&amp;&#39;&lt;/a&gt;|A1b2c3|3|123');
  });
  it('sorts items() pairs as Python tuples', async () => {
    const ctx = { funckeys: { '10': { v: 'j' }, '2': { v: 'b' }, '1': { v: 'a' } } };
    expect(await render('{% for k, f in funckeys.items()|sort %}{{ k }}{{ f.v }},{% endfor %}', ctx)).toBe('1a,10j,2b,');
  });
  it('evaluates defined tests', async () => {
    expect(await render('{% if a is defined %}A{% endif %}{% if b is not defined %}B{% endif %}{% if n is defined %}N{% endif %}', { a: 1, n: null })).toBe('AB');
  });
  it('uses Python truthiness for empty lists and dicts', async () => {
    expect(await render('{% if l %}L{% endif %}{% if d %}D{% endif %}{% if not d %}!D{% endif %}{{ "y" if d else "n" }}{{ d or "fallback" }}{{ x and "both" }}', { l: [], d: {}, x: [1] })).toBe('!Dnfallbackboth');
  });
  it('supports in, ==, !=, arithmetic and ** with missing right operands', async () => {
    expect(await render('{% if "a" in l %}1{% endif %}{% if "k" in d %}2{% endif %}{% if "x" in missing %}3{% endif %}{% if "ell" in s %}4{% endif %}{{ 2 ** 3 }}{{ 7 - 2 * 3 }}', { l: ['a'], d: { k: 1 }, s: 'hello' })).toBe('12481');
  });
  it('offers loop.index, index0, first, last, previtem, nextitem and range()', async () => {
    expect(await render('{% for i in range(3) %}{{ loop.index }}{{ loop.index0 }}{{ loop.previtem|d("-") }}{{ loop.nextitem|d("-") }}{% if loop.last %}L{% endif %};{% endfor %}')).toBe('10-1;2102;321-L;');
  });
  it('trims whitespace with -%} and {%- like Jinja', async () => {
    expect(await render('<a>\n  {%- if x -%}\n    X\n  {%- endif -%}\n</a>', { x: true })).toBe('<a>X</a>');
    expect(await render('{% for i in l -%}\n  {{ i }}\n{% endfor -%}\nend', { l: [1, 2] })).toBe('1\n2\nend');
  });
  it('supports set, elif, else, macro and comments', async () => {
    const src = '{# c #}{% set x = 2 %}{% macro m(v) %}<{{ v }}>{% endmacro %}{% if x == 1 %}one{% elif x == 2 %}two{% else %}other{% endif %}{{ m("a") }}';
    expect(await render(src)).toBe('two<a>');
  });
  it('normalises CRLF line breaks in templates to LF', async () => {
    expect(await render('a\r\nb\r\n')).toBe('a\nb');
  });
  it('keeps non-ASCII text (templates are UTF-8)', async () => {
    expect(await render('é{{ v }}', { v: '€' })).toBe('é€');
  });
});

describe('XML escaping', () => {
  it('escapes & < > " \' in output values when asked, and only there', async () => {
    expect(await render('<a v="{{ p }}">&amp;</a>', { p: `a&b<c>"d'` }, 'xml')).toBe('<a v="a&amp;b&lt;c&gt;&#34;d&#39;">&amp;</a>');
  });
  it('does not escape twice with |e, and |safe opts out', async () => {
    expect(await render('{{ p|e }}|{{ p|safe }}', { p: '<&>' }, 'xml')).toBe('&lt;&amp;&gt;|<&>');
  });
  it('renders a missing value as empty with escaping too', async () => {
    expect(await render('[{{ nothing }}]', {}, 'xml')).toBe('[]');
  });
});

describe('more Python semantics', () => {
  it('iterates the keys of a dict with one loop variable, entries with two', async () => {
    expect(await render('{% for k in d %}{{ k }}{% endfor %}|{% for k, v in d.items() %}{{ k }}{{ v }}{% endfor %}', { d: { a: 1, b: 2 } })).toBe('ab|a1b2');
    // As in Python, two variables over a dict unpack each key (here a one-letter string): an error.
    await expect(render('{% for k, v in d %}{% endfor %}', { d: { a: 1 } })).rejects.toMatchObject({ code: 'PROVD_TEMPLATE_RENDER_FAILED' });
  });
  it('nests loops over dicts and lists', async () => {
    expect(await render('{% for k in d %}{% for x in d[k] %}{{ k }}{{ x }}{% endfor %}{% endfor %}', { d: { a: [1, 2], b: [3] } })).toBe('a1a2b3');
  });
  it('concatenates lists with + and formats strings with %', async () => {
    expect(await render('{{ (a + b)|join(",") }} {{ 1 + 2 }} {{ "x" + "y" }} {{ "%s-%03d" % ("a", 7) }} {{ "%s!" % n }} {{ 7 % 3 }}', { a: [1], b: [2], n: 'hi' })).toBe('1,2 3 xy a-007 hi! 1');
  });
  it('shows loop variables to included templates', async () => {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(dir.join('templates', 'inc-line.tpl'), '[{{ line.u }}]\n');
    expect(await render('{% for line in l %}{% include "inc-line.tpl" %}{% endfor %}', { l: [{ u: 'a' }, { u: 'b' }] })).toBe('[a][b]');
  });
  it('renders blocks of a parent with super()', async () => {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(dir.join('templates', 'parent-s.tpl'), '<{% block b %}P{% endblock %}>\n');
    expect(await render("{% extends 'parent-s.tpl' %}{% block b %}{{ super() }}C{% endblock %}")).toBe('<PC>');
  });
  it('accepts macros with default arguments', async () => {
    expect(await render('{% macro key(n, label="none") -%}{{ n }}={{ label }};{%- endmacro %}{{ key(1) }}{{ key(2, label="x") }}')).toBe('1=none;2=x;');
  });
  it('does not let templates reach constructors', async () => {
    expect(await render('[{{ "".constructor }}][{{ d.constructor }}][{{ d["constructor"] }}][{{ d.toString }}]', { d: {} })).toBe('[][][][]');
    await expect(render('{{ d.__proto__ }}', { d: {} })).rejects.toMatchObject({ code: 'PROVD_TEMPLATE_SYNTAX' });
  });
});

describe('string methods and tests', () => {
  it('offers the Python string methods templates call', async () => {
    const src = '{{ s.strip() }}|{{ s.lstrip() }}|{{ s.rstrip() }}|{{ "a-b".split("-")|join("+") }}|{{ "a b  c".split()|length }}|{{ "aXa".replace("a", "o") }}|{{ ",".join(l) }}|{{ "ab".startswith("a") }}{{ "ab".endswith("a") }}|{{ "AbC".lower() }}';
    expect(await render(src, { s: '  x  ', l: ['1', '2'] })).toBe('x|x  |  x|a+b|3|oXo|1,2|TrueFalse|abc');
  });
  it('tests none and compares in chains', async () => {
    expect(await render('{% if n is none %}N{% endif %}{% if u is none %}U{% endif %}{% if 1 < x < 3 %}C{% endif %}{% if 1 < y < 3 %}D{% endif %}{% if l[0] is none %}L{% endif %}', { n: null, x: 2, y: 5, l: [null] })).toBe('CL');
  });
  it('prints booleans, lists and dicts as Python does', async () => {
    expect(await render('{{ t }} {{ f }} {{ l }} {{ d }}', { t: true, f: false, l: ['a', null, 1], d: { k: "it's" } })).toBe(`True False ['a', None, 1] {'k': "it's"}`);
  });
});
