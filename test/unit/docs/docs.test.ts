import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configReference, withReference } from '../../../cli/config-reference.ts';

/**
 * The documentation cannot drift: every relative link in README.md and docs/ reaches a file (and
 * a heading, for a `#anchor`), and the configuration reference is what the schemas generate.
 */

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const MARKDOWN_FILES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs')).map((name) => join('docs', name)),
].filter((file) => file.endsWith('.md'));

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsIn(file: string): Set<string> {
  const text = readFileSync(join(ROOT, file), 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((match) => anchorOf(match[1] ?? '')));
}

/** The relative links of a Markdown file, code blocks left out. */
function relativeLinksIn(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8').replace(/```[\s\S]*?```/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1] ?? '')
    .filter((url) => !/^[a-z]+:/.test(url));
}

describe('the documentation', () => {
  it.each(MARKDOWN_FILES)('%s: every relative link resolves', (file) => {
    // Act
    const broken = relativeLinksIn(file).filter((url) => {
      const [path = '', anchor] = url.split('#');
      const target = path === '' ? file : join(dirname(file), path);
      if (!existsSync(resolve(ROOT, target))) return true;
      return anchor !== undefined && target.endsWith('.md') && !anchorsIn(target).has(anchor);
    });

    // Assess
    expect(broken).toEqual([]);
  });

  it('docs/configuration.md holds the reference the schemas generate', () => {
    // Prepare
    const current = readFileSync(join(ROOT, 'docs/configuration.md'), 'utf8');

    // Act
    const regenerated = withReference(current, configReference());

    // Assess
    expect(regenerated).toBe(current);
  });

  it('the configuration reference names every setting with its default', () => {
    // Act
    const reference = configReference();

    // Assess
    expect(reference).toContain(
      '| `settings.ingest.maxAgeBeforeSubmissionSeconds` | integer | ≥ 3600, ≤ 7776000 | `1209600` |',
    );
    expect(reference).toContain(
      '| `settings.zoomProfiles[].honoursIdempotencyKey` | boolean | — | `false` |',
    );
    expect(reference).toContain(
      '| `settings.name` | string | matches `^[a-z][a-z0-9-]{0,19}$` | **required** |',
    );
  });
});
