import { readFile } from 'node:fs/promises';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { expectGolden, UPDATE_GOLDEN_ENV } from './golden';
import { assertKeyValue, parseKeyValue } from './key-value';
import { assertWellFormedXml, parseXml, parseXmlTree, strayXmlText, xmlElement, xmlProblems } from './xml';

let dir: TestDir | undefined;
afterEach(async () => {
  await dir?.cleanup();
  dir = undefined;
  delete process.env[UPDATE_GOLDEN_ENV];
});

describe('assertWellFormedXml', () => {
  it('accepts a well-formed document and parses its values', () => {
    const xml = '<?xml version="1.0"?>\n<config model="A10">\n  <line number="1"><username>1001</username></line>\n</config>';
    expect(() => assertWellFormedXml(xml)).not.toThrow();
    expect(parseXml(xml).config.line).toEqual({ '@_number': '1', username: '1001' });
  });

  it.each([
    ['an unclosed tag', '<config>\n  <line>\n</config>', /line 3, column \d+: /],
    ['an unescaped & in text', '<config>\n<name>Alice & Bob</name>\n</config>', /line 2: raw "&" in text/],
    ['an unescaped & in an attribute value (which lenient validators accept)', '<config>\n\n<a v="Alice & Bob"/></config>', /line 3: raw "&" in an attribute value/],
    ['a raw < in an attribute value', '<config v="a<b"/>', /line 1: raw "<" in an attribute value/],
    ['a character XML forbids', '<config v="\u0001"/>', /line 1: the character U\+0001 is not allowed/],
    ['an unquoted attribute', '<config model=A10></config>', /line 1, column \d+: /],
  ])('names the line of %s', (_what, xml, message) => {
    expect(() => assertWellFormedXml(xml, 'a.xml')).toThrow(/^a\.xml is not well-formed XML:/);
    expect(xmlProblems(xml).join('\n')).toMatch(message);
  });

  it('accepts references, comments, CDATA and quotes of the other kind, and can require the UTF-8 declaration', () => {
    const xml = '<?xml version="1.0" encoding="UTF-8"?>\n<!-- a & b < c --><c a=\'say "hi" &amp; go\' b="&#x41;&lt;"><![CDATA[x & y < z]]></c>';
    expect(xmlProblems(xml, { utf8Declaration: true })).toEqual([]);
    expect(xmlProblems('<c/>', { utf8Declaration: true })).toEqual(['line 1: no <?xml version="1.0" encoding="UTF-8"?> declaration']);
  });

  it('parses a document into its ordered element tree, and finds stray text between elements', () => {
    const xml = '<?xml version="1.0"?>\n<config>\n  <setting id="a" value="1 &amp; 2"/>\n  <accounts><account index="0"/></accounts>\n</config>';
    expect(parseXmlTree(xml)).toEqual(xmlElement('config', {}, [xmlElement('setting', { id: 'a', value: '1 & 2' }), xmlElement('accounts', {}, [xmlElement('account', { index: '0' })])]));
    expect(strayXmlText(xml)).toBe('');
    expect(strayXmlText('<config>None<a/></config>')).toBe('None');
  });
});

describe('parseKeyValue and assertKeyValue', () => {
  it('reads keys in order, skipping comments and empty lines, trimming spaces', () => {
    expect(parseKeyValue('# header\n\nline1.username = 1001\n; other comment\nntp.server=10.0.0.2 \n')).toEqual({ 'line1.username': '1001', 'ntp.server': '10.0.0.2' });
    expect(parseKeyValue('a: 1\nb: 2', { separator: ':' })).toEqual({ a: '1', b: '2' });
  });

  it('names every line that breaks the shape', () => {
    let message = '';
    try {
      parseKeyValue('a = 1\nno separator\na = 2\nbad key! = 3', {}, 'x.cfg');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('x.cfg:2: "no separator" is not "key = value"');
    expect(message).toContain('x.cfg:3: the key "a" is set twice');
    expect(message).toContain('x.cfg:4: the key "bad key!" does not match');
    expect(() => parseKeyValue('a = 1\na = 2', { allowDuplicates: true })).not.toThrow();
  });

  it('checks required keys', () => {
    expect(() => assertKeyValue('a = 1', { required: ['a'] })).not.toThrow();
    expect(() => assertKeyValue('a = 1', { required: ['a', 'b', 'c'] }, 'x.cfg')).toThrow('x.cfg: missing keys "b", "c"');
  });
});

describe('expectGolden', () => {
  it('passes on the same text and names the first differing line otherwise', async () => {
    dir = await testdir({ 'g.txt': 'one\ntwo\nthree' });
    await expectGolden('one\ntwo\nthree', dir.join('g.txt'));
    await expect(expectGolden('one\nTWO\nthree', dir.join('g.txt'))).rejects.toThrow(/at line 2: expected "two", got "TWO"/);
    await expect(expectGolden('one\ntwo\nthree\n', dir.join('g.txt'))).rejects.toThrow(/at line 4/);
  });

  it('never writes a missing golden file silently, and writes it when asked', async () => {
    dir = await testdir();
    await expect(expectGolden('x', dir.join('sub', 'g.txt'))).rejects.toThrow(/does not exist: run the tests once with PROVD_UPDATE_GOLDEN=1/);
    process.env[UPDATE_GOLDEN_ENV] = '1';
    await expectGolden(Buffer.from('new'), dir.join('sub', 'g.txt'));
    expect(await readFile(dir.join('sub', 'g.txt'), 'utf8')).toBe('new');
    delete process.env[UPDATE_GOLDEN_ENV];
    await expectGolden('new', dir.join('sub', 'g.txt'));
  });
});
