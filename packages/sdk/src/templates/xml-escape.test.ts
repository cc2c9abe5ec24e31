import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { escapeXml } from './xml-escape';

describe('escapeXml', () => {
  it('escapes the five XML special characters like Jinja', () => {
    expect(escapeXml(`a"b & <c> 'd'`)).toBe('a&#34;b &amp; &lt;c&gt; &#39;d&#39;');
  });

  it('keeps tab, line feed and carriage return as character references', () => {
    expect(escapeXml('a\tb\nc\rd')).toBe('a&#9;b&#10;c&#13;d');
  });

  it('drops characters XML 1.0 forbids, keeping valid surrogate pairs', () => {
    expect(escapeXml('a\u0000b\u0007c\u001fd\ufffee\uffff')).toBe('abcde');
    expect(escapeXml('x\ud800y\udc00z')).toBe('xyz');
    expect(escapeXml('😀 ☎')).toBe('😀 ☎');
  });

  it('always yields a well-formed attribute value', () => {
    const nasty = Array.from({ length: 0x40 }, (_, i) => String.fromCharCode(i)).join('') + '"\'<&>\ud800';
    const doc = `<r a="${escapeXml(nasty)}">${escapeXml(nasty)}</r>`;
    expect(XMLValidator.validate(doc)).toBe(true);
  });
});
