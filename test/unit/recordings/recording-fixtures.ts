import { RECORDING_SCHEMA_VERSION, type Recording } from '../../../shared/recordings/recording.ts';

/** A recording as read from the table, in RECEIVED unless overridden. */
export function aRecording(overrides: Partial<Recording> = {}): Recording {
  return {
    schemaVersion: RECORDING_SCHEMA_VERSION,
    recordingId: 'rec-0001',
    zoomAccountId: 'acct-1',
    profile: 'default',
    bucket: 'recordings',
    key: 'calls/2026-11-24/jane.doe@example.com/inbound-123.mp3',
    contentIdentity: { kind: 'checksum', value: 'CRC64NVME:AAAAAAAAAAA=' },
    size: 1024,
    contentType: 'audio/mpeg',
    status: 'RECEIVED',
    submission: 1,
    autoResubmissions: 0,
    statusChangedAt: 1_000,
    receivedAt: 1_000,
    updatedAt: 1_000,
    metadata: { agentEmail: 'Jane.Doe@example.com', queueId: 'queue-7', startTime: '2026-11-24T09:30:00Z' },
    poll: { pollSeq: 0, attempts: 0 },
    reason: 'S3 ObjectCreated:Put',
    history: [{ at: 1_000, from: null, to: 'RECEIVED', reason: 'S3 ObjectCreated:Put', submission: 1 }],
    ...overrides,
  };
}
