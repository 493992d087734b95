import { StateTableIndex } from '../table/definition.ts';
import {
  type AgentReference,
  accountIndexEntry,
  agentIndexEntry,
  agentKeyOf,
  duePollIndexEntry,
  type IndexEntry,
  ItemType,
  indexKeyAttributes,
  interactionIndexEntry,
  lateCheckIndexEntry,
  recordingKey,
  statusIndexEntry,
  stuckWatchIndexEntry,
} from '../table/keys.ts';
import { lastSignOfLife } from './ingest-work.ts';
import type { Recording, RecordingMetadata } from './recording.ts';
import { isBeforeSubmission, isTerminal } from './state-machine.ts';

/**
 * How a recording maps onto its item and its index entries. Index entries are derived from the
 * recording's fields every time it is written, so an entry can never disagree with its item.
 */

type RecordingIndex = (typeof StateTableIndex)[keyof typeof StateTableIndex];

/** The index entries a recording has now; an index it is absent from maps to undefined (sparse). */
export function recordingIndexEntries(recording: Recording): Record<RecordingIndex, IndexEntry | undefined> {
  const agent = agentOf(recording.metadata);
  const nextPollDueAt = recording.poll.nextPollDueAt;
  return {
    [StateTableIndex.byInteraction]:
      recording.interactionId === undefined
        ? undefined
        : interactionIndexEntry(recording.zoomAccountId, recording.interactionId, recording.recordingId),
    [StateTableIndex.byStatus]: statusIndexEntry(
      recording.status,
      recording.statusChangedAt,
      recording.recordingId,
    ),
    [StateTableIndex.byAgent]:
      agent === undefined
        ? undefined
        : agentIndexEntry(agentKeyOf(agent), agentTimeOf(recording), recording.recordingId),
    [StateTableIndex.byAccount]: accountIndexEntry(
      recording.zoomAccountId,
      recording.receivedAt,
      recording.recordingId,
    ),
    [StateTableIndex.work]: workIndexEntryOf(recording, nextPollDueAt),
  };
}

/**
 * The one piece of work a recording is waiting for, in the sparse work index: its next poll while
 * SUBMITTED; the stuck sweep's watch while it is not yet submitted; once it is final, its next
 * check for late manual evaluations, if it has one.
 */
function workIndexEntryOf(recording: Recording, nextPollDueAt: number | undefined): IndexEntry | undefined {
  if (recording.status === 'SUBMITTED') {
    return nextPollDueAt === undefined ? undefined : duePollIndexEntry(recording.recordingId, nextPollDueAt);
  }
  if (isBeforeSubmission(recording.status)) {
    return stuckWatchIndexEntry(recording.recordingId, lastSignOfLife(recording));
  }
  const check = recording.lateEvaluationCheck;
  return isTerminal(recording.status) && check !== undefined
    ? lateCheckIndexEntry(recording.recordingId, check.nextAt)
    : undefined;
}

/** The index key attributes to set, and those to remove, for a recording as it is now. */
export function recordingIndexAttributes(recording: Recording): {
  readonly set: Record<string, string>;
  readonly remove: string[];
} {
  const set: Record<string, string> = {};
  const remove: string[] = [];
  for (const [indexName, entry] of Object.entries(recordingIndexEntries(recording))) {
    const attributes = indexKeyAttributes(indexName);
    if (entry === undefined) {
      remove.push(attributes.partitionKey, attributes.sortKey);
    } else {
      set[attributes.partitionKey] = entry.partitionKey;
      set[attributes.sortKey] = entry.sortKey;
    }
  }
  return { set, remove };
}

/**
 * The work index attributes of a recording as it is now (what a new poll schedule or a new record
 * of ingest's work rewrites); none when it waits for nothing.
 */
export function workIndexAttributes(recording: Recording): Record<string, string> {
  const entry = recordingIndexEntries(recording)[StateTableIndex.work];
  if (entry === undefined) {
    return {};
  }
  const attributes = indexKeyAttributes(StateTableIndex.work);
  return { [attributes.partitionKey]: entry.partitionKey, [attributes.sortKey]: entry.sortKey };
}

/** The whole item of a new recording. */
export function toRecordingItem(recording: Recording): Record<string, unknown> {
  return {
    ...recordingKey(recording.recordingId),
    type: ItemType.recording,
    ...recording,
    ...recordingIndexAttributes(recording).set,
  };
}

/** The agent a recording is indexed by: the email when known (what operators search by), else the Zoom user id. */
export function agentOf(metadata: RecordingMetadata): AgentReference | undefined {
  if (metadata.agentEmail !== undefined) {
    return { email: metadata.agentEmail };
  }
  if (metadata.agentId !== undefined) {
    return { id: metadata.agentId };
  }
  return undefined;
}

/** The by-agent index orders by the call's start when known, otherwise by when it was dropped. */
export function agentTimeOf(recording: Recording): number {
  const startTime = recording.metadata.startTime;
  const start = startTime === undefined ? Number.NaN : Date.parse(startTime);
  return Number.isNaN(start) || start < 0 ? recording.receivedAt : start;
}
