/**
 * `qm-ingest redrive [--queue ingest|poll|delivery]`: moves the dead-letter queues' messages back to
 * their sources (shared/queue/message-move.ts), with counts.
 */
import { ConfigError } from '../shared/errors.ts';
import { countMessages, type MoveResult } from '../shared/queue/message-move.ts';
import { ACTION_OPTIONS, ACTION_OPTIONS_USAGE, confirm, startProgress } from './operator-io.ts';
import { openOperatorTarget } from './operator-target.ts';
import { runCommand } from './run-command.ts';
import type { TargetArgs } from './target-args.ts';

const USAGE = `Usage: qm-ingest redrive [options]

Moves the messages of the dead-letter queues back to the queues they came from: the ingest DLQ to
the ingest queue, the poll DLQ to the poll queue, and, on a deployed environment, the recording
events EventBridge could not deliver (in the delivery DLQ) to the ingest queue; the delivery DLQ's
other messages (alerts, schedule invocations) stay for you to inspect. A message that fails again
returns to its DLQ. On AWS this is SQS's message move task; on the local runtime the same move by
receive, send and delete.

Options:
  --queue <name[,name]>   only these DLQs: ingest, poll, delivery (default: every one)
${ACTION_OPTIONS_USAGE}`;

interface QueueReport extends MoveResult {
  readonly waiting: number;
}

export function run(args: readonly string[]): Promise<number> {
  return runCommand(
    'redrive',
    USAGE,
    args,
    {
      positionals: 0,
      extraOptions: { queue: { type: 'string' }, ...ACTION_OPTIONS },
    },
    async (parsed: TargetArgs) => {
      const target = await openOperatorTarget(parsed.target);
      try {
        const wanted = parsed.extra['queue']?.split(',').map((name) => name.trim());
        const known = target.deadLetterQueues.map((queue) => queue.move.name);
        const unknown = (wanted ?? []).filter((name) => !known.includes(name));
        if (unknown.length > 0) {
          throw new ConfigError(`--queue takes ${known.join(', ')} here; not ${unknown.join(', ')}`);
        }
        const queues = target.deadLetterQueues.filter(
          (queue) => wanted === undefined || wanted.includes(queue.move.name),
        );
        const waiting = await Promise.all(
          queues.map((queue) => countMessages(target.sqs, queue.move.deadLetterQueueUrl)),
        );
        const total = waiting.reduce((sum, count) => sum + count, 0);
        const summary = queues.map((queue, index) => `${queue.move.name} DLQ: ${waiting[index]}`).join(', ');
        const dryRun = parsed.flags['dry-run'] === true;
        if (dryRun || total === 0) {
          const reports = queues.map((queue, index) => ({
            name: queue.move.name,
            waiting: waiting[index] ?? 0,
            moved: 0,
            failed: 0,
          }));
          console.log(
            parsed.json
              ? JSON.stringify({ dryRun, queues: reports }, null, 2)
              : `Messages waiting in ${target.description}: ${summary}${total === 0 ? '; nothing to redrive' : ''}`,
          );
          return 0;
        }
        if (
          !(await confirm(
            `Move ${total} messages back to their queues in ${target.description} (${summary})?`,
            parsed.flags['yes'] === true,
          ))
        ) {
          console.error('qm-ingest redrive: nothing moved');
          return 1;
        }
        const reports: QueueReport[] = [];
        for (const [index, queue] of queues.entries()) {
          const count = waiting[index] ?? 0;
          if (count === 0) {
            reports.push({ name: queue.move.name, waiting: 0, moved: 0, failed: 0 });
            continue;
          }
          const progress = startProgress(`${queue.move.name} DLQ moved`, count);
          const result = await queue.mover.move(queue.move, (step) => progress.update(step.moved));
          progress.finish();
          reports.push({ ...result, waiting: count });
        }
        console.log(
          parsed.json
            ? JSON.stringify({ dryRun, queues: reports }, null, 2)
            : reports.map(describe).join('\n'),
        );
        return reports.every((report) => report.failed === 0) ? 0 : 1;
      } finally {
        await target.close();
      }
    },
  );
}

function describe(report: QueueReport): string {
  const parts = [`${report.moved} of ${report.waiting} moved back`];
  if (report.left !== undefined && report.left > 0) {
    parts.push(`${report.left} left in the DLQ (not recording events: inspect them in the SQS console)`);
  }
  if (report.failed > 0) {
    parts.push(
      `${report.failed} not moved${report.failure === undefined ? '' : ` (${report.failure})`}: run redrive again`,
    );
  }
  return `${report.name} DLQ: ${parts.join('; ')}`;
}
