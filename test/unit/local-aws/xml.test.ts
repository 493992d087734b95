import { describe, expect, it } from 'vitest';
import { childElements, childText, escapeXml, parseXml, XmlSyntaxError } from '../../../local/aws/xml.ts';

describe('parseXml', () => {
  it('reads nested elements, repeated children, entities and CDATA, ignoring attributes, prefixes and declarations', () => {
    // Prepare
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?>\n<!-- a comment -->' +
      '<s3:Delete xmlns:s3="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>a &amp; b &#233;&#x1F3A7;</Key></Object>' +
      '<Object><Key><![CDATA[<raw>]]></Key></Object><Quiet attr="x>y">true</Quiet><Empty/></s3:Delete>';
    // Act
    const root = parseXml(xml);
    // Assess
    expect(root.name).toBe('Delete');
    expect(childElements(root, 'Object').map((object) => childText(object, 'Key'))).toEqual([
      'a & b é🎧',
      '<raw>',
    ]);
    expect(childText(root, 'Quiet')).toBe('true');
    expect(childText(root, 'Empty')).toBe('');
  });

  it.each([
    ['an unclosed element', '<a><b></a>'],
    ['two roots', '<a/><b/>'],
    ['a document type declaration', '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'],
    ['an unknown entity', '<a>&nbsp;</a>'],
    ['no element at all', 'just text'],
  ])('refuses %s', (_, xml) => {
    // Prepare
    const document = xml;
    // Act
    const parse = () => parseXml(document);
    // Assess
    expect(parse).toThrow(XmlSyntaxError);
  });
});

describe('escapeXml', () => {
  it('escapes the five XML special characters', () => {
    // Prepare
    const text = `<a href="x">'Tom' & Jerry</a>`;
    // Act
    const escaped = escapeXml(text);
    // Assess
    expect(escaped).toBe('&lt;a href=&quot;x&quot;&gt;&apos;Tom&apos; &amp; Jerry&lt;/a&gt;');
    expect(parseXml(`<t>${escaped}</t>`).text).toBe(text);
  });
});
