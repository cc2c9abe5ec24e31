import { AssertionError } from 'node:assert';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** A reference that XML 1.0 defines without a DTD. */
const REFERENCE = /^&(?:lt|gt|amp|quot|apos|#\d+|#x[\da-fA-F]+);/;
/** Characters XML 1.0 does not allow at all, even escaped. */
const NOT_XML_CHAR = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Options of {@link xmlProblems} and {@link assertWellFormedXml}. */
export interface XmlCheckOptions {
  /** Also require the document to start with `<?xml version="1.0" encoding="UTF-8"?>`. @defaultValue false */
  utf8Declaration?: boolean;
}

/** The 1-based line of offset `at` in `text`. */
const lineOf = (text: string, at: number): number => text.slice(0, at).split('\n').length;

/**
 * Scans the markup of `text` for what a lenient validator lets through: every `&` outside comments, CDATA and
 * processing instructions must start a reference, and an attribute value must not hold a raw `<`.
 */
function lexicalProblems(text: string): string[] {
  const problems: string[] = [];
  const skip = (from: number, open: string, close: string): number | undefined => {
    if (!text.startsWith(open, from)) return undefined;
    const end = text.indexOf(close, from + open.length);
    return end < 0 ? text.length : end + close.length;
  };
  let at = 0;
  while (at < text.length) {
    const c = text[at];
    if (c === '<') {
      const skipped = skip(at, '<!--', '-->') ?? skip(at, '<![CDATA[', ']]>') ?? skip(at, '<?', '?>') ?? skip(at, '<!DOCTYPE', '>');
      if (skipped !== undefined) {
        at = skipped;
        continue;
      }
      // a tag: quoted attribute values up to the closing '>'
      let quote: string | undefined;
      at++;
      for (; at < text.length; at++) {
        const t = text[at];
        if (quote) {
          if (t === quote) quote = undefined;
          else if (t === '<') problems.push(`line ${lineOf(text, at)}: raw "<" in an attribute value`);
          else if (t === '&' && !REFERENCE.test(text.slice(at, at + 12))) problems.push(`line ${lineOf(text, at)}: raw "&" in an attribute value: ${JSON.stringify(text.slice(at, at + 20))}`);
        } else if (t === '"' || t === "'") quote = t;
        else if (t === '>') break;
      }
      at++;
      continue;
    }
    if (c === '&' && !REFERENCE.test(text.slice(at, at + 12))) problems.push(`line ${lineOf(text, at)}: raw "&" in text: ${JSON.stringify(text.slice(at, at + 20))}`);
    at++;
  }
  return problems;
}

/**
 * Lists what keeps `text` from being one well-formed XML 1.0 document (empty when it is one): one root element,
 * matched and properly nested tags, quoted attributes, every `&` starting a reference (also inside attribute
 * values, which lenient parsers accept), no raw `<` in an attribute value, no character XML 1.0 forbids.
 *
 * @example
 * ```ts
 * xmlProblems('<a x="1 & 2"/>'); // ['line 1: raw "&" in an attribute value: "& 2\"/>"']
 * ```
 */
export function xmlProblems(text: string, options: XmlCheckOptions = {}): string[] {
  const problems: string[] = [];
  const validation = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (validation !== true) problems.push(`line ${validation.err.line}, column ${validation.err.col}: ${validation.err.msg}`);
  problems.push(...lexicalProblems(text));
  const bad = NOT_XML_CHAR.exec(text);
  if (bad) problems.push(`line ${lineOf(text, bad.index)}: the character U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0')} is not allowed in XML`);
  if (options.utf8Declaration && !text.startsWith('<?xml version="1.0" encoding="UTF-8"?>')) problems.push('line 1: no <?xml version="1.0" encoding="UTF-8"?> declaration');
  return [...new Set(problems)];
}

/**
 * Asserts that `text` is one well-formed XML document ({@link xmlProblems}); throws an `AssertionError` listing
 * every problem, each with its line, otherwise.
 *
 * @param name - The file the text came from, for the message.
 * @example
 * ```ts
 * assertWellFormedXml(file.text, 'acme/00005e005301.xml');
 * ```
 */
export function assertWellFormedXml(text: string, name?: string, options: XmlCheckOptions = {}): void {
  const problems = xmlProblems(text, options);
  if (problems.length > 0) throw new AssertionError({ message: `${name ?? 'the text'} is not well-formed XML:\n  ${problems.join('\n  ')}` });
}

/**
 * Parses well-formed XML into plain objects (attributes as `@_name`, repeated elements as arrays), after
 * {@link assertWellFormedXml}; handy to assert on values rather than on whole text.
 *
 * @example
 * ```ts
 * expect(parseXml(file.text).config.line[0].username).toBe('1001');
 * ```
 */
export function parseXml(text: string, name?: string): Record<string, any> {
  assertWellFormedXml(text, name);
  return new XMLParser({ ignoreAttributes: false, parseTagValue: false, parseAttributeValue: false }).parse(text) as Record<string, any>;
}

/** An XML element reduced to what a phone reads: its name, attributes and child elements, in document order. */
export interface XmlElement {
  /** The element name. */
  name: string;
  /** Its attributes, values unescaped. */
  attrs: Record<string, string>;
  /** Its child elements (text, comments and processing instructions left out). */
  children: XmlElement[];
}

/**
 * Builds an {@link XmlElement}, to write expected trees short.
 *
 * @example
 * ```ts
 * expect(parseXmlTree(text)).toEqual(xmlElement('config', {}, [xmlElement('setting', { id: 'a', value: '1' })]));
 * ```
 */
export function xmlElement(name: string, attrs: Record<string, string> = {}, children: XmlElement[] = []): XmlElement {
  return { name, attrs, children };
}

const treeParser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  htmlEntities: true,
});

type Parsed = Record<string, unknown> & { ':@'?: Record<string, string> };

function toElement(node: Parsed): XmlElement | undefined {
  const name = Object.keys(node).find((key) => key !== ':@');
  if (name === undefined || name === '#text' || name === '#comment' || name.startsWith('?')) return undefined;
  const children = (node[name] as Parsed[]).map(toElement).filter((c): c is XmlElement => c !== undefined);
  return { name, attrs: { ...(node[':@'] ?? {}) }, children };
}

/**
 * Parses a whole document into its root {@link XmlElement} (element order kept, whitespace between elements
 * ignored), to compare element by element and attribute by attribute with an expected tree.
 *
 * @example
 * ```ts
 * expect(parseXmlTree(cfg).children.map((c) => c.name)).toEqual(['setting', 'accounts']);
 * ```
 */
export function parseXmlTree(text: string): XmlElement {
  const roots = (treeParser.parse(text) as Parsed[]).map(toElement).filter((e): e is XmlElement => e !== undefined);
  if (roots.length !== 1) throw new AssertionError({ message: `expected one root element, got ${roots.length}` });
  return roots[0] as XmlElement;
}

/**
 * The text between the elements of a document (comments and the declaration left out), trimmed: empty for a
 * document whose values are all in attributes, which shows a stray `None` or `undefined` at once.
 *
 * @example
 * ```ts
 * expect(strayXmlText(cfg)).toBe('');
 * ```
 */
export function strayXmlText(text: string): string {
  return text
    .replace(/<\?xml[^?]*\?>/, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<[^>]*>/g, '')
    .trim();
}
