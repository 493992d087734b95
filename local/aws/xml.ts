/**
 * Just enough XML for the local servers: reading the small request documents the SDK sends
 * (S3 NotificationConfiguration and Delete) and escaping text in the responses they build. Not a
 * general parser: no DTDs (rejected, so no entity expansion), attributes are skipped, namespace
 * prefixes are dropped from element names.
 */

/** An element: its local name, its own text (entities decoded) and its child elements in order. */
export interface XmlElement {
  readonly name: string;
  readonly text: string;
  readonly children: readonly XmlElement[];
}

/** The document could not be read; the message says where. */
export class XmlSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlSyntaxError';
  }
}

const TOKEN =
  /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[([\s\S]*?)\]\]>|<!([^>]*)>|<(\/?)([A-Za-z_][\w.:-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>|([^<]+)|</g;

interface OpenElement {
  name: string;
  text: string;
  children: XmlElement[];
}

/** Parses a document and returns its root element. */
export function parseXml(xml: string): XmlElement {
  const stack: OpenElement[] = [];
  let root: XmlElement | undefined;
  for (const match of xml.matchAll(TOKEN)) {
    const [token, cdata, declaration, closing, rawName, , selfClosing, text] = match;
    const current = stack.at(-1);
    if (cdata !== undefined) {
      if (current === undefined) throw new XmlSyntaxError('Character data outside the root element');
      current.text += cdata;
    } else if (declaration !== undefined) {
      throw new XmlSyntaxError('Document type declarations are not accepted');
    } else if (rawName !== undefined) {
      const name = rawName.slice(rawName.indexOf(':') + 1);
      if (closing === '/') {
        if (current?.name !== name) throw new XmlSyntaxError(`Unexpected closing tag </${name}>`);
        stack.pop();
        const element: XmlElement = { name, text: current.text, children: current.children };
        const parent = stack.at(-1);
        if (parent === undefined) root = element;
        else parent.children.push(element);
      } else {
        if (root !== undefined) throw new XmlSyntaxError('Content after the root element');
        const element: OpenElement = { name, text: '', children: [] };
        if (selfClosing === '/') {
          const parent = stack.at(-1);
          if (parent === undefined) root = element;
          else parent.children.push(element);
        } else {
          stack.push(element);
        }
      }
    } else if (text !== undefined) {
      if (current !== undefined) current.text += decodeEntities(text);
      else if (text.trim() !== '') throw new XmlSyntaxError('Text outside the root element');
    } else if (token === '<') {
      throw new XmlSyntaxError('A "<" that starts no tag');
    }
  }
  if (stack.length > 0) throw new XmlSyntaxError(`Unclosed element <${stack.at(-1)?.name}>`);
  if (root === undefined) throw new XmlSyntaxError('No root element');
  return root;
}

/** The child elements called `name`. */
export function childElements(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.name === name);
}

/** The text of the first child called `name`, if there is one. */
export function childText(element: XmlElement, name: string): string | undefined {
  return element.children.find((child) => child.name === name)?.text;
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (entity, body: string) => {
    if (body.startsWith('#x')) return String.fromCodePoint(Number.parseInt(body.slice(2), 16));
    if (body.startsWith('#')) return String.fromCodePoint(Number.parseInt(body.slice(1), 10));
    const named = NAMED_ENTITIES[body];
    if (named === undefined) throw new XmlSyntaxError(`Unknown entity ${entity}`);
    return named;
  });
}

/** Escapes text for an XML element or attribute value. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&${ENTITY_NAMES[character]};`);
}

const ENTITY_NAMES: Readonly<Record<string, string>> = {
  '&': 'amp',
  '<': 'lt',
  '>': 'gt',
  '"': 'quot',
  "'": 'apos',
};
