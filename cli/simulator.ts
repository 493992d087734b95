/**
 * `qm-ingest simulator`: runs the Zoom QM simulator on 127.0.0.1 until SIGINT or SIGTERM, for a
 * newcomer's first run (no Zoom account needed) and for tests in other processes.
 */
import { parseArgs } from 'node:util';
import { QmIngestError } from '../shared/errors.ts';

const usage = `Usage: qm-ingest simulator [--port <port>] [--scenario <file-or-name>]

Runs a local Zoom Quality Management API (OAuth + the six QM operations) until Ctrl+C.

Options:
  --port <port>        port on 127.0.0.1 (default 4010; 0 lets the OS choose)
  --scenario <file>    a scenario JSON file, or the name of a bundled one
                       (default, strict, ...; see local/zoom-simulator/README.md).
                       Default: the bundled "default" scenario.
  -h, --help           show this help`;

export async function run(args: readonly string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    console.error(
      `qm-ingest simulator: ${error instanceof Error ? error.message : String(error)}\n\n${usage}`,
    );
    return 2;
  }
  if (parsed.values.help === true) {
    console.log(usage);
    return 0;
  }
  const port = Number(parsed.values.port ?? '4010');
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error(`qm-ingest simulator: --port must be an integer from 0 to 65535\n\n${usage}`);
    return 2;
  }

  // Loaded here so `qm-ingest simulator --help` stays instant.
  const { startZoomSimulator } = await import('../local/zoom-simulator/index.ts');
  let simulator: Awaited<ReturnType<typeof startZoomSimulator>>;
  try {
    simulator = await startZoomSimulator({ port, scenario: parsed.values.scenario ?? 'default' });
  } catch (error) {
    if (error instanceof QmIngestError || isAddressInUse(error)) {
      console.error(`qm-ingest simulator: ${error.message}`);
      return 1;
    }
    throw error;
  }

  const { credentials } = simulator;
  // Listening before saying so: a Ctrl-C sent as soon as the line below is read must stop it cleanly.
  const stopSignal = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  console.log(
    [
      `Zoom QM simulator listening on ${simulator.origin}`,
      `  scenario:       ${simulator.scenario.description ?? parsed.values.scenario ?? 'default'}`,
      `  API base URL:   ${simulator.apiBaseUrl}`,
      `  OAuth URL:      ${simulator.oauthUrl}`,
      `  inspection:     ${simulator.controlUrl}/inspect`,
      '  test credentials (local use only):',
      `    account ID:     ${credentials.accountId}`,
      `    client ID:      ${credentials.clientId}`,
      `    client secret:  ${credentials.clientSecret}`,
      'Press Ctrl+C to stop.',
    ].join('\n'),
  );

  const signal = await stopSignal;
  console.log(`\n${signal} received, stopping the simulator...`);
  await simulator.stop();
  console.log('Stopped.');
  return 0;
}

function parse(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    options: {
      port: { type: 'string' },
      scenario: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: false,
    strict: true,
  });
}

function isAddressInUse(error: unknown): error is Error {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
}
