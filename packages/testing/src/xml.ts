import { AssertionError } from 'node:assert';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** Where a check failed, for messages: a file name, when the text came from one. */
const where = (name: string | undefined, line?: number, col?: number): string =>
  `${name ?? 'the text'}${line !== undefined ? `:${line}${col !== undefined ? `:${col}` : ''}` : ''}`;

/**
 * Asserts that `text` is one well-formed XML document (one root element, matched and properly nested tags, quoted
 * attributes, escaped `&` and `<`); throws an `AssertionError` naming the line and column otherwise.
 *
 * @param name - The file the text came from, for the message.
 * @example
 * ```ts
 * assertWellFormedXml(file.text, 'acme/00005e005301.xml');
 * ```
 */
export function assertWellFormedXml(text: string, name?: string): void {
  const result = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (result !== true) {
    const { line, col, msg } = result.err;
    throw new AssertionError({ message: `${where(name, line, col)}: not well-formed XML: ${msg}` });
  }
}

/**
 * Parses well-formed XML into plain objects (attributes as `@_name`, text as `#text` when an element has
 * attributes), after {@link assertWellFormedXml}; handy to assert on values rather than on whole text.
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
