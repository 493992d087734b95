import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyQuirks, quirks, quirksAt } from '../../../local/zoom-simulator/quirks.ts';

describe('zoom simulator: the quirks list', () => {
  it('rewrites only the documented places of a body', () => {
    // Prepare
    const body = {
      language: 'en-US',
      transcript_body: {
        language: 'en-GB',
        speakers: [
          { speaker_id: '0', role: 'rep', email_address: 'rep@example.com' },
          { speaker_id: '1', role: 'customer', email_address: '' },
        ],
        items: [{ item_id: '0', email: 'rep@example.com' }, { item_id: '1' }],
      },
      interaction_info: {
        evaluations: [
          { evaluation_type: 'Automated', evaluation_status_desc: 'COMPLETED' },
          { evaluation_type: 'Automated', evaluation_status_desc: 'FAILED' },
          { evaluation_type: 'Manual', evaluation_status_desc: 'Canceled' },
        ],
      },
      direction: 'en-US',
    };

    // Act
    applyQuirks('getInteraction', body);

    // Assess
    expect(body).toEqual({
      language: 'en',
      transcript_body: {
        language: 'en-GB',
        speakers: [
          { speaker_id: '0', role: 'rep', email_address: 'rep@example.com' },
          { speaker_id: '1', role: 'customer', email_address: null },
        ],
        items: [
          { item_id: '0', email: 'rep@example.com' },
          { item_id: '1', email: null },
        ],
      },
      interaction_info: {
        evaluations: [
          { evaluation_type: 'Automated', evaluation_status_desc: 'Completed' },
          { evaluation_type: 'Automated', evaluation_status_desc: 'FAILED' },
          { evaluation_type: 'Manual', evaluation_status_desc: 'Cancled' },
        ],
      },
      direction: 'en-US',
    });
  });

  it('leaves other operations alone', () => {
    // Prepare
    const body = {
      data: [{ status: 'Cancled', channel_type: 'AUDIO', acknowledgement_status: 'Auto Complete' }],
    };

    // Act
    applyQuirks('listAutomatedEvaluations', body);
    const untouched = structuredClone(body);
    applyQuirks('listEvaluations', body);

    // Assess
    expect(untouched).toEqual({
      data: [{ status: 'Cancled', channel_type: 'AUDIO', acknowledgement_status: 'Auto Complete' }],
    });
    expect(body).toEqual({
      data: [{ status: 'Canceled', channel_type: 'VOICE', acknowledgement_status: 'Auto complete' }],
    });
  });

  it('maps an instance path to the quirks that apply there', () => {
    // Act
    const matches = quirksAt(
      'listInteractions',
      '/interactions/12/interaction_info/evaluations/0/evaluation_type',
    );
    const none = quirksAt(
      'listInteractions',
      '/interactions/12/interaction_info/evaluations/0/evaluation_id',
    );

    // Assess
    expect(matches.map((quirk) => quirk.id)).toEqual(['list-interactions-evaluation-type-manual-scoring']);
    expect(none).toEqual([]);
  });

  it("lists every quirk in the simulator's README", () => {
    // Prepare
    const readme = readFileSync(new URL('../../../local/zoom-simulator/README.md', import.meta.url), 'utf8');

    // Act
    const undocumented = quirks.filter((quirk) => !new RegExp(`^\\| \`${quirk.id}\` +\\|`, 'm').test(readme));

    // Assess
    expect(undocumented.map((quirk) => quirk.id)).toEqual([]);
  });

  it('documents every quirk: unique id, description, source and at least one location', () => {
    // Act
    const ids = quirks.map((quirk) => quirk.id);

    // Assess
    expect(new Set(ids).size).toBe(ids.length);
    for (const quirk of quirks) {
      expect(quirk.description.length).toBeGreaterThan(20);
      expect(quirk.source).toMatch(/zoom-qm-(api\.txt|openapi\.json)/);
      expect(quirk.locations.length).toBeGreaterThan(0);
    }
  });
});
