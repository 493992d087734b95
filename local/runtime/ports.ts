import { ConfigError } from '../../shared/errors.ts';
import { LOCAL_AWS_SERVICES, type LocalAwsService } from '../aws/index.ts';

/**
 * The local runtime's ports: one per local AWS server and one for the Zoom simulator. A person
 * running `npm start` gets the same ports every time (from a base, 4566 by default), so the
 * commands printed yesterday still work today; tests and the demo take free ports (0).
 */

export type LocalPortName = LocalAwsService | 'zoom';

/** The servers in the order `--ports <base>` numbers them. */
export const LOCAL_PORT_NAMES: readonly LocalPortName[] = [...LOCAL_AWS_SERVICES, 'zoom'];

export type LocalPorts = Partial<Readonly<Record<LocalPortName, number>>>;

/** The first port of an interactive run: the port LocalStack made familiar for a local AWS endpoint. */
export const DEFAULT_BASE_PORT = 4566;

/** Every server on consecutive ports from `base` (S3 on `base`); base 0 gives every server a free port. */
export function portsFromBase(base: number): LocalPorts {
  checkPort(base, '--ports');
  if (base !== 0 && base + LOCAL_PORT_NAMES.length - 1 > 65_535) {
    throw new ConfigError(`--ports ${base} leaves no room for ${LOCAL_PORT_NAMES.length} consecutive ports`);
  }
  return Object.fromEntries(LOCAL_PORT_NAMES.map((name, index) => [name, base === 0 ? 0 : base + index]));
}

/** The command-line option that fixes one server's port: `--port-s3`, `--port-secrets-manager`, `--port-zoom`... */
export function portOptionOf(name: LocalPortName): string {
  return `port-${name === 'eventBridge' ? 'eventbridge' : name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

/** Reads a port given on the command line: an integer from 0 (a free port) to 65535. */
export function parsePort(value: string, option: string): number {
  const port = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  checkPort(port, option);
  return port;
}

function checkPort(port: number, option: string): void {
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ConfigError(`${option} must be a port number from 0 (any free port) to 65535`);
  }
}

/** Two servers cannot share a port (0, a free port each, excepted). */
export function checkDistinctPorts(ports: LocalPorts): void {
  const byPort = new Map<number, LocalPortName>();
  for (const name of LOCAL_PORT_NAMES) {
    const port = ports[name];
    if (port === undefined || port === 0) {
      continue;
    }
    const other = byPort.get(port);
    if (other !== undefined) {
      throw new ConfigError(`--${portOptionOf(other)} and --${portOptionOf(name)} both ask for port ${port}`);
    }
    byPort.set(port, name);
  }
}
