/**
 * The people of the simulated Zoom account: agents (from the scenario's directory, or a stable
 * generated roster), evaluators and the administrator who assigns manual evaluations. Stable per
 * seed, so the same agent id always has the same name across requests and runs.
 */
import { createRandom, stableZoomId } from '../random.ts';
import { firstNames, lastNames } from './corpus.ts';

export interface Person {
  readonly userId: string;
  readonly displayName: string;
  readonly email: string;
}

function generatedPerson(seed: number | string, role: string, index: number): Person {
  const random = createRandom(seed, 'person', role, index);
  const first = random.pick(firstNames);
  const last = random.pick(lastNames);
  return {
    userId: stableZoomId(seed, 'person', role, index),
    displayName: `${first} ${last}`,
    email: `${first}.${last}@example.com`
      .toLowerCase()
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, ''),
  };
}

/** The roster used for interactions that name no agent and for background interactions. */
export function generatedAgents(seed: number | string): Person[] {
  return Array.from({ length: 8 }, (_, index) => generatedPerson(seed, 'agent', index));
}

export function evaluators(seed: number | string): Person[] {
  return Array.from({ length: 3 }, (_, index) => generatedPerson(seed, 'evaluator', index));
}

export function administrator(seed: number | string): Person {
  return generatedPerson(seed, 'administrator', 0);
}

/**
 * An agent named only by id or email in a POST, when no directory is configured: any agent is
 * accepted, and gets a stable name derived from what was given.
 */
export function agentFromReference(
  seed: number | string,
  agentId: string | undefined,
  agentEmail: string | undefined,
): Person {
  const reference = agentId ?? agentEmail ?? '';
  const random = createRandom(seed, 'agent-reference', reference);
  const displayName =
    agentEmail === undefined
      ? `${random.pick(firstNames)} ${random.pick(lastNames)}`
      : agentEmail
          .split('@')[0]
          ?.split(/[._-]+/)
          .filter((part) => part !== '')
          .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
          .join(' ') || 'Agent';
  return {
    userId: agentId ?? stableZoomId(seed, 'agent-email', agentEmail ?? ''),
    displayName,
    email: agentEmail ?? `${displayName.replace(/\s+/g, '.').toLowerCase()}@example.com`,
  };
}
