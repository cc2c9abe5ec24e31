import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** An XML element reduced to what the phones read: name, attributes and child elements, in order. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
}

/** Shorthand to write expected trees. */
export const el = (name: string, attrs: Record<string, string> = {}, children: XmlElement[] = []): XmlElement => ({
  name,
  attrs,
  children,
});

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  htmlEntities: true,
});

/** A reference that XML 1.0 defines without a DTD. */
const REFERENCE = /^&(?:lt|gt|amp|quot|apos|#\d+|#x[\da-fA-F]+);/;
/** Characters XML 1.0 does not allow at all, even escaped. */
const NOT_XML_CHAR = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Checks that `text` is a well-formed XML document, more strictly than fast-xml-parser's validator (which lets a
 * raw `&` or `<` through inside attribute values): every `&` starts a reference, no attribute value holds `<`, and
 * no character is outside XML 1.0. Returns the problems found (empty when well-formed).
 */
export function xmlProblems(text: string): string[] {
  const problems: string[] = [];
  const validation = XMLValidator.validate(text);
  if (validation !== true) problems.push(`${validation.err.code}: ${validation.err.msg} (line ${validation.err.line})`);
  for (let at = text.indexOf('&'); at >= 0; at = text.indexOf('&', at + 1)) {
    if (!REFERENCE.test(text.slice(at, at + 12))) problems.push(`raw "&" at offset ${at}: ${text.slice(at, at + 20)}`);
  }
  for (const [, value] of text.matchAll(/=\s*"([^"]*)"/g)) {
    if (value?.includes('<')) problems.push(`raw "<" in attribute value ${JSON.stringify(value)}`);
  }
  const bad = NOT_XML_CHAR.exec(text);
  if (bad) problems.push(`character U+${bad[0].charCodeAt(0).toString(16)} is not allowed in XML`);
  if (!text.startsWith('<?xml version="1.0" encoding="UTF-8"?>')) problems.push('no UTF-8 XML declaration');
  return problems;
}

type Parsed = Record<string, unknown> & { ':@'?: Record<string, string> };

function toElement(node: Parsed): XmlElement | undefined {
  const name = Object.keys(node).find((key) => key !== ':@');
  if (name === undefined || name === '#text' || name === '#comment' || name.startsWith('?')) return undefined;
  const children = (node[name] as Parsed[]).map(toElement).filter((c): c is XmlElement => c !== undefined);
  return { name, attrs: { ...(node[':@'] ?? {}) }, children };
}

/** Parses a whole document into its root element, ignoring whitespace between elements. */
export function parseXml(text: string): XmlElement {
  const nodes = parser.parse(text) as Parsed[];
  const roots = nodes.map(toElement).filter((e): e is XmlElement => e !== undefined);
  if (roots.length !== 1) throw new Error(`expected one root element, got ${roots.length}`);
  return roots[0]!;
}

/** The text content (not elements) of a document, to check that nothing like `None` leaked between elements. */
export function strayText(text: string): string {
  return text
    .replace(/<\?xml[^?]*\?>/, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<[^>]*>/g, '')
    .trim();
}
