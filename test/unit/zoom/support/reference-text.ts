import { readFileSync } from 'node:fs';

/**
 * Zoom's reference text (test/fixtures/zoom/zoom-qm-api.txt) as the tests read it: each operation's
 * method, path and documented rate-limit label, and the JSON examples it gives, split into request
 * examples (before its "Responses" heading) and response examples, extracted from the text.
 */

export const referenceText = readFileSync(
  new URL('../../../fixtures/zoom/zoom-qm-api.txt', import.meta.url),
  'utf8',
);

export interface ReferenceOperation {
  readonly method: string;
  readonly path: string;
  readonly rateLimitLabel: string | undefined;
  readonly requestExamples: readonly unknown[];
  readonly responseExamples: readonly unknown[];
}

const OPERATION_HEADER = /^- Method:\n(GET|POST|PUT|PATCH|DELETE) - Path:\n(\S+)/gm;

export function referenceOperations(): ReferenceOperation[] {
  const headers = [...referenceText.matchAll(OPERATION_HEADER)];
  return headers.map((header, index) => {
    const start = header.index;
    const end = headers[index + 1]?.index ?? referenceText.length;
    const section = referenceText.slice(start, end);
    const responsesAt = section.search(/^Responses$/m);
    const examples = examplesIn(section);
    return {
      method: header[1] ?? '',
      path: header[2] ?? '',
      rateLimitLabel: /^Rate Limit Label: (\S+)$/m.exec(section)?.[1],
      requestExamples: examples
        .filter((example) => responsesAt !== -1 && example.offset < responsesAt)
        .map((e) => e.json),
      responseExamples: examples
        .filter((example) => responsesAt === -1 || example.offset > responsesAt)
        .map((e) => e.json),
    };
  });
}

/** Every `Example:` followed by a JSON document, parsed; the document ends at its balancing brace. */
function examplesIn(section: string): { readonly offset: number; readonly json: unknown }[] {
  const found: { offset: number; json: unknown }[] = [];
  for (const marker of section.matchAll(/^Example:\n/gm)) {
    const start = marker.index + marker[0].length;
    found.push({ offset: marker.index, json: JSON.parse(section.slice(start, endOfJson(section, start))) });
  }
  return found;
}

function endOfJson(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index += 1) {
    const character = text[index];
    if (inString) {
      if (character === '\\') {
        index += 1;
      } else if (character === '"') {
        inString = false;
      }
    } else if (character === '"') {
      inString = true;
    } else if (character === '{' || character === '[') {
      depth += 1;
    } else if (character === '}' || character === ']') {
      depth -= 1;
      if (depth === 0) {
        return index + 1;
      }
    }
  }
  throw new Error(`Unbalanced JSON example at offset ${start}`);
}
