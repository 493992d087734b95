/**
 * What Zoom's analysis produces for an interaction: transcript, speakers, events, metrics,
 * summary and AI analysis. Generated on demand from the interaction's own seeded stream, so it is
 * identical on every request without being stored (a 450 KB transcript is not kept per
 * interaction), and internally consistent: the duration follows from the transcript, events fall
 * inside it, metrics name the transcript's speakers.
 */

import type { InteractionRecord } from '../interactions.ts';
import { createRandom, type Random, stableZoomId } from '../random.ts';
import {
  customerLines,
  discoveredTopics,
  goodQuestions,
  indicators,
  nextSteps,
  predefinedTopics,
  repLines,
} from './corpus.ts';

export interface Speaker {
  readonly speakerId: string;
  readonly userId: string;
  readonly username: string;
  /** Undefined for external users (the customer), whom Zoom knows no address for. */
  readonly email: string | undefined;
  readonly role: 'rep' | 'customer';
}

export interface TranscriptItem {
  readonly itemId: string;
  readonly speaker: Speaker;
  readonly startTime: string;
  readonly endTime: string;
  readonly text: string;
  readonly comments: string | undefined;
}

export interface TimedEvent {
  readonly startTime: string;
  readonly endTime: string;
}

export interface SpeakerMetric {
  readonly userId: string;
  readonly value: number;
}

export interface InteractionContent extends InteractionAnalysis {
  readonly language: string;
  readonly durationMinutes: number;
  readonly meetingId: string;
  readonly recordingStart: number;
  readonly recordingEnd: number;
  readonly speakers: readonly Speaker[];
  readonly items: readonly TranscriptItem[];
  readonly silenceEvents: readonly TimedEvent[];
  readonly crosstalkEvents: readonly TimedEvent[];
  readonly holdEvents: readonly TimedEvent[];
  readonly metrics: {
    readonly talkToListenRatio: readonly SpeakerMetric[];
    readonly longestMonolog: readonly SpeakerMetric[];
    readonly talkSpeed: readonly SpeakerMetric[];
    readonly fillerWords: readonly SpeakerMetric[];
    readonly patience: readonly SpeakerMetric[];
  };
  readonly summaryText: string;
  readonly associatedIds: readonly string[];
  readonly screenRecording: {
    readonly status: 'UNAVAILABLE' | 'AVAILABLE' | 'DELETED';
    readonly fileIds: readonly string[];
  };
  readonly recordingFileId: string;
}

/** Zoom's transcript holds at most 2000 items (the schema's maxItems). */
const maxItems = 2000;
/** The JSON of one item without its text: keys, ids, times, email. */
const itemOverheadBytes = 190;
const wordsPerMinute = 150;

export interface InteractionAnalysis {
  readonly sentimentScore: number;
  readonly engagementScore: number;
  readonly topics: ReadonlyArray<{ readonly name: string; readonly type: 'predefined' | 'discovered' }>;
  readonly indicators: readonly string[];
  readonly nextSteps: readonly string[];
  readonly goodQuestions: readonly string[];
  readonly summaryTopic: string;
}

/**
 * The AI analysis alone, from its own stream: cheap, so list filters on topics need not generate
 * a transcript.
 */
export function interactionAnalysis(seed: number | string, record: InteractionRecord): InteractionAnalysis {
  const random = createRandom(seed, 'analysis', record.sequence);
  const topicCount = random.int(1, 4);
  return {
    sentimentScore: round(random.next() * 100, 2),
    engagementScore: round(random.next() * 10, 4),
    topics: Array.from({ length: topicCount }, (_, index) =>
      index % 2 === 0
        ? { name: random.pick(predefinedTopics), type: 'predefined' as const }
        : { name: random.pick(discoveredTopics), type: 'discovered' as const },
    ),
    indicators: distinct(random, indicators, random.int(1, 4)),
    nextSteps: distinct(random, nextSteps, random.int(1, 3)),
    goodQuestions: distinct(random, goodQuestions, random.int(1, 3)),
    summaryTopic: random.pick(predefinedTopics).toLowerCase(),
  };
}

/** The language Zoom reports: the posted one, else what its detection finds (always en-US here). */
export function interactionLanguage(record: InteractionRecord): string {
  return record.input.primaryLanguage ?? 'en-US';
}

export function interactionContent(seed: number | string, record: InteractionRecord): InteractionContent {
  const random = createRandom(seed, 'transcript', record.sequence);
  const analysis = interactionAnalysis(seed, record);
  const { input } = record;
  const rep: Speaker = {
    speakerId: '0',
    userId: input.agent.userId,
    username: input.agent.displayName,
    email: input.agent.email,
    role: 'rep',
  };
  const customer: Speaker = {
    speakerId: '1',
    userId: stableZoomId(seed, 'customer', record.sequence),
    username: input.consumerName ?? input.from ?? 'Customer',
    email: undefined,
    role: 'customer',
  };
  const { items, totalSeconds } = transcript(random, rep, customer, record.transcriptBytes);
  const recordingStart = input.startTime;
  const total = Math.max(totalSeconds, 1);
  const withScreen = input.channelType === 'VIDEO';
  const screenStatus = withScreen ? (random.chance(0.8) ? 'AVAILABLE' : 'DELETED') : 'UNAVAILABLE';
  return {
    ...analysis,
    language: interactionLanguage(record),
    durationMinutes: Math.round((total / 60) * 100) / 100,
    meetingId: stableZoomId(seed, 'meeting', record.sequence),
    recordingStart,
    recordingEnd: recordingStart + Math.round(total * 1000),
    speakers: [rep, customer],
    items,
    silenceEvents: events(random, total, random.int(1, 3)),
    crosstalkEvents: events(random, total, random.int(1, 3)),
    holdEvents: events(random, total, random.int(1, 2)),
    metrics: {
      talkToListenRatio: perSpeaker(random, [rep, customer], 0.3, 2.5, 3),
      longestMonolog: perSpeaker(random, [rep, customer], 4, 90, 2),
      talkSpeed: perSpeaker(random, [rep, customer], 100, 180, 1),
      fillerWords: perSpeaker(random, [rep, customer], 0, 6, 2),
      patience: perSpeaker(random, [rep, customer], 0.2, 3, 2),
    },
    summaryText: `${rep.username} helped ${customer.username} with ${analysis.summaryTopic}. The customer explained the problem, the agent verified the account and agreed on next steps before closing the call.`,
    associatedIds: random.chance(0.3)
      ? [record.id, stableZoomId(seed, 'associated', record.sequence)]
      : [record.id],
    screenRecording: {
      status: screenStatus,
      fileIds: screenStatus === 'AVAILABLE' ? [stableZoomId(seed, 'screen', record.sequence)] : [],
    },
    recordingFileId: stableZoomId(seed, 'recording', record.sequence),
  };
}

function transcript(
  random: Random,
  rep: Speaker,
  customer: Speaker,
  targetBytes: number,
): { items: TranscriptItem[]; totalSeconds: number } {
  const itemCount = Math.min(maxItems, Math.max(4, Math.round(targetBytes / 320)));
  const textLength = Math.max(24, Math.ceil(targetBytes / itemCount) - itemOverheadBytes);
  const items: TranscriptItem[] = [];
  let clock = random.int(1, 5) + random.next();
  for (let index = 0; index < itemCount; index += 1) {
    const speaker = index % 2 === 0 ? rep : customer;
    const text = utterance(
      random,
      speaker.role === 'rep' ? repLines : customerLines,
      textLength,
      rep.username,
    );
    const seconds = (text.split(' ').length / wordsPerMinute) * 60;
    const start = clock;
    const end = start + seconds;
    items.push({
      itemId: String(index),
      speaker,
      startTime: offset(start),
      endTime: offset(end),
      text,
      comments: index % 10 === 3 ? 'Flagged for coaching' : undefined,
    });
    clock = end + 0.3 + random.next() * 1.5;
  }
  return { items, totalSeconds: clock };
}

function utterance(random: Random, lines: readonly string[], length: number, agentName: string): string {
  let text = '';
  while (text.length < length) {
    text = `${text}${text === '' ? '' : ' '}${random.pick(lines).replace('{agent}', agentName)}`;
  }
  return text;
}

function events(random: Random, totalSeconds: number, count: number): TimedEvent[] {
  return Array.from({ length: count }, () => {
    const start = random.next() * Math.max(totalSeconds - 5, 0);
    return {
      startTime: offset(start),
      endTime: offset(Math.min(start + 1 + random.next() * 4, totalSeconds)),
    };
  }).sort((left, right) => left.startTime.localeCompare(right.startTime));
}

function perSpeaker(
  random: Random,
  speakers: readonly Speaker[],
  min: number,
  max: number,
  digits: number,
): SpeakerMetric[] {
  return speakers.map((speaker) => ({
    userId: speaker.userId,
    value: round(min + random.next() * (max - min), digits),
  }));
}

function distinct<T>(random: Random, pool: readonly T[], count: number): T[] {
  const remaining = [...pool];
  const chosen: T[] = [];
  while (chosen.length < count && remaining.length > 0) {
    const index = random.int(0, remaining.length - 1);
    chosen.push(...remaining.splice(index, 1));
  }
  return chosen;
}

/** "HH:MM:SS.mmm", the transcript's offset format. */
function offset(seconds: number): string {
  const totalMs = Math.round(seconds * 1000);
  const hours = Math.floor(totalMs / 3_600_000);
  const minutes = Math.floor((totalMs % 3_600_000) / 60_000);
  const secs = Math.floor((totalMs % 60_000) / 1000);
  const ms = totalMs % 1000;
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return `${pad(hours)}:${pad(minutes)}:${pad(secs)}.${pad(ms, 3)}`;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/**
 * Remembers the content of the most recently served interactions: a list page renders many of
 * them and a poller asks for the same ones again, while regenerating a 450 KB transcript each
 * time would dominate a benchmark. Bounded, so memory does not grow with the run.
 */
export function createContentCache(
  seed: number | string,
  capacity = 64,
): (record: InteractionRecord) => InteractionContent {
  const cache = new Map<InteractionRecord, InteractionContent>();
  return (record) => {
    const cached = cache.get(record);
    if (cached !== undefined) {
      cache.delete(record);
      cache.set(record, cached);
      return cached;
    }
    const content = interactionContent(seed, record);
    cache.set(record, content);
    if (cache.size > capacity) {
      const oldest = cache.keys().next();
      if (oldest.done !== true) cache.delete(oldest.value);
    }
    return content;
  };
}
