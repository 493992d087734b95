import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { LOCAL_ACCOUNT_ID } from '../constants.ts';
import type { QueueSender } from '../queue-sender.ts';
import { handleJsonRequest, type JsonOperation, jsonOperation } from './aws-json.ts';
import { DeliveryChain } from './delivery-chain.ts';
import {
  type DeliveringServerOptions,
  type RunningEmulator,
  startPublishingServer,
} from './emulator-server.ts';
import { type Json, matchesEventPattern, parseEventPattern } from './event-pattern.ts';
import { PublishedLog } from './published-log.ts';
import { AwsServiceError } from './service-error.ts';
import { jsonStateFile, type StateFile } from './state-file.ts';

/**
 * EventBridge, emulated for the calls the project makes, over awsJson1_1 like the real service:
 * PutEvents, PutRule (event patterns), PutTargets (SQS queues, with Input or InputPath) and
 * CreateEventBus. AWS services put their events on the default bus in-process (the local S3's
 * EventBridge notifications, through {@link EventBridgeEmulator.putEvent}). Matching events are sent to the target queues as the EventBridge event JSON;
 * every event put is recorded with the rules it matched and each delivery's outcome.
 * Rules with a ScheduleExpression are stored but not fired here: scheduled Lambda invocations are
 * the trigger runner's job (local/triggers).
 */

/** The event as EventBridge delivers it to targets. */
export interface EventBridgeEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Json;
}

export interface EventBridgeDeliveryRecord {
  readonly ruleArn: string;
  readonly targetId: string;
  readonly targetArn: string;
  readonly status: 'delivered' | 'failed';
  readonly error?: string;
}

/** One event accepted by PutEvents, as recorded for tests and the local runtime. */
export interface EventBridgeEventRecord {
  readonly eventBusName: string;
  readonly event: EventBridgeEvent;
  readonly matchedRules: readonly string[];
  readonly deliveries: EventBridgeDeliveryRecord[];
}

interface Target {
  readonly id: string;
  readonly arn: string;
  readonly input?: string | undefined;
  readonly inputPath?: string | undefined;
}

interface Rule {
  readonly name: string;
  readonly arn: string;
  readonly eventBusName: string;
  readonly eventPattern?: string | undefined;
  readonly scheduleExpression?: string | undefined;
  readonly state: 'ENABLED' | 'DISABLED';
  readonly description?: string | undefined;
  targets: Target[];
}

interface EventBridgeState {
  readonly buses: string[];
  readonly rules: Rule[];
}

const DEFAULT_BUS = 'default';
const NAME = z
  .string()
  .regex(/^[.\-_A-Za-z0-9]{1,64}$/, 'must be 1-64 letters, digits, dots, hyphens or underscores');
const BUS_NAME = z.string().min(1).max(1600).optional();

const putEventsInput = z.object({
  Entries: z
    .array(
      z.object({
        Time: z.number().optional(),
        Source: z.string().optional(),
        Resources: z.array(z.string()).optional(),
        DetailType: z.string().optional(),
        Detail: z.string().optional(),
        EventBusName: BUS_NAME,
        TraceHeader: z.string().optional(),
      }),
    )
    .min(1)
    .max(10),
});
/** One entry of PutEvents. */
export type PutEventsEntry = z.infer<typeof putEventsInput>['Entries'][number];
const putRuleInput = z.object({
  Name: NAME,
  EventPattern: z.string().max(4096).optional(),
  ScheduleExpression: z.string().max(256).optional(),
  State: z.enum(['ENABLED', 'DISABLED']).optional(),
  Description: z.string().max(512).optional(),
  EventBusName: BUS_NAME,
});
const putTargetsInput = z.object({
  Rule: NAME,
  EventBusName: BUS_NAME,
  Targets: z
    .array(
      z.looseObject({
        Id: z.string().regex(/^[.\-_A-Za-z0-9]{1,64}$/),
        Arn: z.string().min(1),
        Input: z.string().optional(),
        InputPath: z.string().optional(),
      }),
    )
    .min(1)
    .max(10),
});
const createEventBusInput = z.object({ Name: z.string().regex(/^[/.\-_A-Za-z0-9]{1,256}$/) });

export class EventBridgeEmulator {
  readonly #region: string;
  readonly #state: StateFile<EventBridgeState>;
  readonly #queues: QueueSender | undefined;
  readonly #log: (message: string) => void;
  readonly #buses: string[];
  readonly #rules: Rule[];
  readonly #published = new PublishedLog<EventBridgeEventRecord>();
  readonly #deliveries: DeliveryChain;

  constructor(options: {
    readonly region: string;
    readonly state: StateFile<EventBridgeState>;
    readonly queues: QueueSender | undefined;
    readonly log: (message: string) => void;
  }) {
    this.#region = options.region;
    this.#state = options.state;
    this.#queues = options.queues;
    this.#log = options.log;
    this.#deliveries = new DeliveryChain((error) =>
      options.log(`[local-aws] EventBridge delivery failed: ${String(error)}`),
    );
    const saved = options.state.load();
    this.#buses = saved?.buses ?? [DEFAULT_BUS];
    this.#rules = saved?.rules ?? [];
  }

  readonly operations: Readonly<Record<string, JsonOperation>> = {
    PutEvents: jsonOperation(putEventsInput, (input) => this.#putEvents(input)),
    PutRule: jsonOperation(putRuleInput, (input) => this.#putRule(input)),
    PutTargets: jsonOperation(putTargetsInput, (input) => this.#putTargets(input)),
    CreateEventBus: jsonOperation(createEventBusInput, (input) => this.#createEventBus(input)),
  };

  /**
   * Puts one event as PutEvents does (on the default bus unless the entry names another), for the
   * local services that send their events to EventBridge. Returns the event id; throws an
   * AwsServiceError for an entry PutEvents would refuse.
   */
  putEvent(entry: PutEventsEntry): string {
    return this.#acceptEvent(entry);
  }

  /** Every event put so far, oldest first. */
  published(): EventBridgeEventRecord[] {
    return this.#published.list();
  }

  /** Resolves once every delivery started so far has finished. */
  flush(): Promise<void> {
    return this.#deliveries.settled();
  }

  #putEvents(input: z.infer<typeof putEventsInput>) {
    const entries = input.Entries.map((entry) => {
      try {
        return { EventId: this.#acceptEvent(entry) };
      } catch (error) {
        if (!(error instanceof AwsServiceError)) throw error;
        return { ErrorCode: error.code, ErrorMessage: error.message };
      }
    });
    return { FailedEntryCount: entries.filter((entry) => 'ErrorCode' in entry).length, Entries: entries };
  }

  #acceptEvent(entry: PutEventsEntry): string {
    for (const [name, value] of [
      ['Source', entry.Source],
      ['DetailType', entry.DetailType],
      ['Detail', entry.Detail],
    ] as const) {
      if (value === undefined || value === '') {
        throw new AwsServiceError(
          'InvalidArgument',
          `Parameter ${name} is not valid. Reason: ${name} is a required argument.`,
        );
      }
    }
    let detail: Json;
    try {
      detail = JSON.parse(entry.Detail ?? '') as Json;
    } catch {
      throw new AwsServiceError('MalformedDetail', 'Detail is malformed.');
    }
    if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
      throw new AwsServiceError('MalformedDetail', 'Detail is malformed.');
    }
    const busName = this.#busName(entry.EventBusName);
    const event: EventBridgeEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType ?? '',
      source: entry.Source ?? '',
      account: LOCAL_ACCOUNT_ID,
      time: new Date(entry.Time === undefined ? Date.now() : entry.Time * 1000)
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z'),
      region: this.#region,
      resources: entry.Resources ?? [],
      detail,
    };
    const matched = this.#rules.filter(
      (rule) =>
        rule.eventBusName === busName &&
        rule.state === 'ENABLED' &&
        rule.eventPattern !== undefined &&
        matchesEventPattern(parseEventPattern(rule.eventPattern), event as unknown as Json),
    );
    const record: EventBridgeEventRecord = {
      eventBusName: busName,
      event,
      matchedRules: matched.map((rule) => rule.arn),
      deliveries: [],
    };
    this.#published.add(record);
    for (const rule of matched) {
      for (const target of rule.targets) this.#deliveries.schedule(() => this.#deliver(record, rule, target));
    }
    return event.id;
  }

  #putRule(input: z.infer<typeof putRuleInput>) {
    const busName = this.#busName(input.EventBusName);
    if (input.EventPattern === undefined && input.ScheduleExpression === undefined) {
      throw new AwsServiceError(
        'ValidationException',
        'Parameter(s) EventPattern or ScheduleExpression must be specified.',
      );
    }
    if (input.EventPattern !== undefined) parseEventPattern(input.EventPattern);
    const existing = this.#rules.findIndex(
      (rule) => rule.name === input.Name && rule.eventBusName === busName,
    );
    const rule: Rule = {
      name: input.Name,
      arn: `arn:aws:events:${this.#region}:${LOCAL_ACCOUNT_ID}:rule/${busName === DEFAULT_BUS ? '' : `${busName}/`}${input.Name}`,
      eventBusName: busName,
      eventPattern: input.EventPattern,
      scheduleExpression: input.ScheduleExpression,
      state: input.State ?? 'ENABLED',
      description: input.Description,
      targets: existing === -1 ? [] : (this.#rules[existing]?.targets ?? []),
    };
    if (existing === -1) this.#rules.push(rule);
    else this.#rules[existing] = rule;
    this.#save();
    return { RuleArn: rule.arn };
  }

  #putTargets(input: z.infer<typeof putTargetsInput>) {
    const busName = this.#busName(input.EventBusName);
    const rule = this.#rules.find(
      (candidate) => candidate.name === input.Rule && candidate.eventBusName === busName,
    );
    if (rule === undefined) {
      throw new AwsServiceError(
        'ResourceNotFoundException',
        `Rule ${input.Rule} does not exist on EventBus ${busName}.`,
      );
    }
    const failed: { TargetId: string; ErrorCode: string; ErrorMessage: string }[] = [];
    for (const target of input.Targets) {
      const problem = targetProblem(target);
      if (problem !== undefined) {
        failed.push({ TargetId: target.Id, ErrorCode: 'ValidationException', ErrorMessage: problem });
        continue;
      }
      rule.targets = [
        ...rule.targets.filter((existing) => existing.id !== target.Id),
        { id: target.Id, arn: target.Arn, input: target.Input, inputPath: target.InputPath },
      ];
    }
    this.#save();
    return { FailedEntryCount: failed.length, FailedEntries: failed };
  }

  #createEventBus(input: z.infer<typeof createEventBusInput>) {
    if (this.#buses.includes(input.Name)) {
      throw new AwsServiceError('ResourceAlreadyExistsException', `Event bus ${input.Name} already exists.`);
    }
    this.#buses.push(input.Name);
    this.#save();
    return { EventBusArn: busArn(this.#region, input.Name) };
  }

  async #deliver(record: EventBridgeEventRecord, rule: Rule, target: Target): Promise<void> {
    const outcome = { ruleArn: rule.arn, targetId: target.id, targetArn: target.arn };
    try {
      if (this.#queues === undefined) throw new Error('the local stack runs without SQS');
      await this.#queues.send(target.arn, targetInput(record.event, target));
      record.deliveries.push({ ...outcome, status: 'delivered' });
    } catch (error) {
      record.deliveries.push({ ...outcome, status: 'failed', error: String(error) });
      this.#log(
        `[local-aws] EventBridge event ${record.event.id} was not delivered to ${target.arn}: ${String(error)}`,
      );
    }
  }

  /** The bus named by name or ARN (default when absent); an unknown bus is an error, as on AWS. */
  #busName(nameOrArn: string | undefined): string {
    const name = nameOrArn === undefined ? DEFAULT_BUS : (nameOrArn.split(':event-bus/')[1] ?? nameOrArn);
    if (!this.#buses.includes(name))
      throw new AwsServiceError('ResourceNotFoundException', `Event bus ${name} does not exist.`);
    return name;
  }

  #save(): void {
    this.#state.save({ buses: this.#buses, rules: this.#rules });
  }
}

export type RunningEventBridge = RunningEmulator<EventBridgeEmulator>;

export function startEventBridgeServer(options: DeliveringServerOptions): Promise<RunningEventBridge> {
  const state = jsonStateFile<EventBridgeState>(options.dataDir, 'eventbridge.json');
  const emulator = new EventBridgeEmulator({ ...options, state });
  return startPublishingServer({
    name: 'EventBridge',
    port: options.port,
    emulator,
    handle: (request, response) => handleJsonRequest(request, response, 'AWSEvents', emulator.operations),
  });
}

function busArn(region: string, name: string): string {
  return `arn:aws:events:${region}:${LOCAL_ACCOUNT_ID}:event-bus/${name}`;
}

function targetProblem(target: z.infer<typeof putTargetsInput>['Targets'][number]): string | undefined {
  if (!/^arn:aws[a-z-]*:sqs:/.test(target.Arn))
    return `The local EventBridge delivers to SQS queues only, not ${target.Arn}`;
  if (target.Input !== undefined && target.InputPath !== undefined)
    return 'Only one of Input and InputPath may be set';
  if ('InputTransformer' in target) return 'InputTransformer is not supported by the local EventBridge';
  if (target.Input !== undefined) {
    try {
      JSON.parse(target.Input);
    } catch {
      return 'Input must be valid JSON';
    }
  }
  if (target.InputPath !== undefined && !/^\$(\.[A-Za-z0-9_-]+)*$/.test(target.InputPath)) {
    return 'InputPath must be a simple JSONPath such as $.detail';
  }
  return undefined;
}

/** What the target receives: the constant Input, the part InputPath selects, or the whole event. */
function targetInput(event: EventBridgeEvent, target: Target): string {
  if (target.input !== undefined) return target.input;
  if (target.inputPath === undefined) return JSON.stringify(event);
  let selected: unknown = event;
  for (const segment of target.inputPath.split('.').slice(1)) {
    selected =
      typeof selected === 'object' && selected !== null
        ? (selected as Record<string, unknown>)[segment]
        : undefined;
  }
  return JSON.stringify(selected ?? null);
}
