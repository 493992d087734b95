/**
 * Who an interaction involves: the agent and queue a POST names, checked against the scenario's
 * directory when there is one (an unknown agent or queue is Zoom's 404), accepted as given when
 * there is none, and a stable roster agent when the POST names nobody.
 */
import { queueNames } from './content/corpus.ts';
import { agentFromReference, generatedAgents, type Person } from './content/people.ts';
import type { Queue } from './interactions.ts';
import type { PostedInteraction } from './post-validation.ts';
import { createRandom, stableZoomId } from './random.ts';
import type { Scenario } from './scenario.ts';
import { type JsonResponse, zoomErrors } from './zoom-errors.ts';

export type Resolution =
  | { readonly agent: Person; readonly queue: Queue | undefined }
  | { readonly response: JsonResponse };

export class Participants {
  readonly #seed: number | string;
  readonly #directory: Scenario['directory'];
  readonly roster: readonly Person[];

  constructor(scenario: Scenario) {
    this.#seed = scenario.seed;
    this.#directory = scenario.directory;
    this.roster = generatedAgents(scenario.seed);
  }

  resolve(posted: PostedInteraction): Resolution {
    const directory = this.#directory;
    if (directory === undefined) {
      const agent =
        posted.agentId === undefined && posted.agentEmail === undefined
          ? this.#rosterAgent(posted.downloadUrl)
          : agentFromReference(this.#seed, posted.agentId, posted.agentEmail);
      return { agent, queue: posted.queueId === undefined ? undefined : this.queueWithId(posted.queueId) };
    }
    let agent: Person | undefined;
    if (posted.agentId !== undefined) {
      const entry = directory.agents.find((candidate) => candidate.id === posted.agentId);
      if (entry === undefined) return { response: zoomErrors.userNotFound(posted.agentId) };
      agent = { userId: entry.id, displayName: entry.displayName, email: entry.email };
    }
    if (posted.agentEmail !== undefined) {
      const email = posted.agentEmail.toLowerCase();
      const entry = directory.agents.find((candidate) => candidate.email.toLowerCase() === email);
      if (entry === undefined) return { response: zoomErrors.userNotFound(posted.agentEmail) };
      agent ??= { userId: entry.id, displayName: entry.displayName, email: entry.email };
    }
    let queue: Queue | undefined;
    if (posted.queueId !== undefined) {
      const entry = directory.queues.find((candidate) => candidate.id === posted.queueId);
      if (entry === undefined) return { response: zoomErrors.queueNotFound(posted.queueId) };
      queue = { id: entry.id, name: entry.name };
    }
    return { agent: agent ?? this.#rosterAgent(posted.downloadUrl), queue };
  }

  /** A queue known by id only: its name is stable per id. */
  queueWithId(id: string): Queue {
    return { id, name: createRandom(this.#seed, 'queue-name', id).pick(queueNames) };
  }

  /** A queue known by name only: its id is stable per name. */
  queueNamed(name: string): Queue {
    return { id: stableZoomId(this.#seed, 'queue', name), name };
  }

  /** An interaction naming no agent is attributed to a roster agent, stable per URL. */
  #rosterAgent(downloadUrl: string): Person {
    return createRandom(this.#seed, 'roster', downloadUrl).pick(this.roster);
  }
}
