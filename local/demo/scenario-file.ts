import { fileURLToPath } from 'node:url';

/**
 * The demo's simulator scenario: short fixed timings, each recording's fate chosen by its key, and
 * a directory of the demo's agents and queues (so an unknown agent is refused, as Zoom refuses it).
 */
export const DEMO_SCENARIO_FILE = fileURLToPath(new URL('./scenario.json', import.meta.url));
