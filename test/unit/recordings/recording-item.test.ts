import { describe, expect, it } from 'vitest';
import { parseRecording, RECORDING_SCHEMA_VERSION } from '../../../shared/recordings/recording.ts';
import { recordingIndexAttributes, toRecordingItem } from '../../../shared/recordings/recording-item.ts';
import { agentKeyOf } from '../../../shared/table/keys.ts';
import { aRecording } from './recording-fixtures.ts';

describe('recording index attributes', () => {
  it("puts a new recording in the status, agent and account indexes, and in the stuck sweep's watch", () => {
    // Prepare
    const recording = aRecording();

    // Act
    const attributes = recordingIndexAttributes(recording);

    // Assess
    expect(Object.keys(attributes.set).sort()).toEqual([
      'gsi2pk',
      'gsi2sk',
      'gsi3pk',
      'gsi3sk',
      'gsi4pk',
      'gsi4sk',
      'gsi5pk',
      'gsi5sk',
    ]);
    expect(attributes.set['gsi5pk']).toMatch(/^WATCH#\d$/);
    expect(attributes.remove).toEqual(['gsi1pk', 'gsi1sk']);
  });

  it('adds the interaction and the due poll while SUBMITTED with a poll scheduled', () => {
    // Prepare
    const recording = aRecording({
      status: 'SUBMITTED',
      interactionId: 'IX-1',
      poll: { pollSeq: 2, attempts: 0, nextPollDueAt: Date.parse('2026-11-24T10:00:00Z'), deadlineAt: 9e12 },
    });

    // Act
    const attributes = recordingIndexAttributes(recording);

    // Assess
    expect(attributes.set).toMatchObject({
      gsi1pk: 'INTERACTION#acct-1#IX-1',
      gsi5sk: '2026-11-24T10:00:00.000Z#rec-0001',
    });
    expect(attributes.remove).toEqual([]);
  });

  it('keeps a finished recording out of the due-poll index', () => {
    // Prepare
    const recording = aRecording({
      status: 'EVALUATED',
      interactionId: 'IX-1',
      poll: { pollSeq: 3, attempts: 4, nextPollDueAt: 5_000 },
    });

    // Act
    const attributes = recordingIndexAttributes(recording);

    // Assess
    expect(attributes.remove).toEqual(['gsi5pk', 'gsi5sk']);
  });

  it('indexes the agent by hashed email, by the call start time', () => {
    // Prepare
    const recording = aRecording();

    // Act
    const attributes = recordingIndexAttributes(recording);

    // Assess
    expect(attributes.set).toMatchObject({
      gsi3pk: `AGENT#${agentKeyOf({ email: 'jane.doe@example.com' })}`,
      gsi3sk: '2026-11-24T09:30:00.000Z#rec-0001',
    });
    expect(JSON.stringify(attributes.set)).not.toContain('jane');
  });

  it('falls back to the Zoom user id and the drop time', () => {
    // Prepare
    const recording = aRecording({ metadata: { agentId: 'user-42' }, receivedAt: 0 });

    // Act
    const attributes = recordingIndexAttributes(recording);

    // Assess
    expect(attributes.set).toMatchObject({
      gsi3pk: `AGENT#${agentKeyOf({ id: 'user-42' })}`,
      gsi3sk: '1970-01-01T00:00:00.000Z#rec-0001',
    });
  });

  it('leaves a recording without a known agent out of the agent index', () => {
    // Prepare
    const recording = aRecording({ metadata: {} });

    // Act
    const attributes = recordingIndexAttributes(recording);

    // Assess
    expect(attributes.remove).toContain('gsi3pk');
  });
});

describe('recording items', () => {
  it('round-trips through the schema', () => {
    // Prepare
    const recording = aRecording({
      results: { revision: 1, updatedAt: 5, location: { kind: 'item', sk: 'RESULT' } },
    });

    // Act
    const parsed = parseRecording(toRecordingItem(recording));

    // Assess
    expect(parsed).toEqual(recording);
  });

  it('refuses an item that does not match, naming the fields but not their values', () => {
    // Prepare
    const item = { ...toRecordingItem(aRecording()), status: 'LOST', size: 'secret-value' };

    // Act
    const attempt = () => parseRecording(item);

    // Assess
    expect(attempt).toThrow('Recording rec-0001 does not match its schema: size: ');
    expect(attempt).toThrow(/; status: /);
    expect(attempt).not.toThrow(/secret-value/);
  });

  it('reads an item of schema version 1 (before ingest kept a record of its work) as it is', () => {
    // Prepare
    const { ingestWork: _none, ...item } = toRecordingItem(aRecording({ status: 'SUBMITTING' }));

    // Act
    const parsed = parseRecording({ ...item, schemaVersion: 1 });

    // Assess
    expect(parsed).toMatchObject({ schemaVersion: 1, status: 'SUBMITTING' });
    expect(parsed.ingestWork).toBeUndefined();
  });

  it("round-trips ingest's record of its work", () => {
    // Prepare
    const recording = aRecording({
      ingestWork: {
        ownerDelivery: 'm-1',
        mayHavePosted: false,
        waiting: { until: 9, cause: 'rate-limited' },
      },
    });

    // Act
    const parsed = parseRecording(toRecordingItem(recording));

    // Assess
    expect(parsed.ingestWork).toEqual(recording.ingestWork);
  });

  it('refuses an item written by a newer release with a hint to upgrade', () => {
    // Prepare
    const item = { ...toRecordingItem(aRecording()), schemaVersion: RECORDING_SCHEMA_VERSION + 1 };

    // Act
    const attempt = () => parseRecording(item);

    // Assess
    expect(attempt).toThrow(
      `Recording rec-0001 has schema version ${RECORDING_SCHEMA_VERSION + 1}; this release reads up to ${RECORDING_SCHEMA_VERSION}: upgrade`,
    );
  });
});
