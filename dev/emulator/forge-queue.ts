import { randomUUID } from 'node:crypto';
import { InvocationLimitError, jsonBytes, type InvocationClock } from './invocation';

/**
 * Forge's async events (`@forge/events` Queue) for the emulator: the real SDK's push reaches
 * `__forge_fetch__` (remote `stargate`, `/webhook/queue/publish/…`) and lands here; `drain`
 * delivers the events one at a time as `consumer` invocations under the function's
 * `timeoutSeconds`, and retries them as Forge documents. Sources and the choices made where the
 * documentation is silent: docs/emulator-queue.md.
 */

/** Async events limits (https://developer.atlassian.com/platform/forge/limits-async-events). */
export const QUEUE_LIMITS = {
  eventsPerPush: 50,
  pushBytes: 200 * 1024,
  /** One event, for a consumer whose function runs longer than 55 s. */
  longRunningEventBytes: 100 * 1024,
  retryDataBytes: 4 * 1024,
  maxDelaySeconds: 900,
  maxRetryAfterSeconds: 900,
  /** The retention window: 24 h from the push (async-events-api, "Delivery guarantees"). */
  retentionMs: 24 * 3_600_000,
} as const;

/** Consumer functions run 55 s unless `timeoutSeconds` says otherwise (limits-invocation). */
const DEFAULT_CONSUMER_SECONDS = 55;

export interface ConsumerDefinition {
  queue: string;
  functionKey: string;
  /** The export of src/index.ts the function's `handler: index.<name>` names. */
  exportName: string;
  timeoutSeconds: number | undefined;
}

export type ConsumerHandler = (event: unknown, context: unknown) => Promise<unknown>;

interface QueuedEvent {
  eventId: string;
  jobId: string;
  queueName: string;
  body: Record<string, unknown>;
  /** Site-clock milliseconds: when it may be delivered, and when it was pushed. */
  dueMs: number;
  pushedMs: number;
  retry?: { retryCount: number; retryReason: string; retryData: unknown };
}

export type DeliveryOutcome = 'ok' | 'retry-requested' | 'timed-out' | 'failed' | 'dropped';

export interface Delivery {
  queueName: string;
  eventId: string;
  body: Record<string, unknown>;
  retryCount: number;
  outcome: DeliveryOutcome;
  /** Virtual milliseconds the invocation ran; the limit it ran under. */
  virtualMs: number;
  limitMs: number;
  /** For a retry: the seconds until the next delivery. */
  retryAfter?: number;
  detail?: string;
}

/** The consumers manifest.yml declares, with their functions' handlers and timeouts. */
export function consumersOfManifest(manifest: unknown): ConsumerDefinition[] {
  const modules = (manifest as { modules?: Record<string, unknown> }).modules ?? {};
  const consumers = Array.isArray(modules['consumer']) ? modules['consumer'] : [];
  const functions = Array.isArray(modules['function']) ? modules['function'] : [];
  return consumers.map((c: { queue?: unknown; function?: unknown }) => {
    const fn = functions.find((f: { key?: unknown }) => f.key === c.function) as
      { handler?: unknown; timeoutSeconds?: unknown } | undefined;
    const handler = typeof fn?.handler === 'string' ? fn.handler : '';
    const [file, exportName] = handler.split('.');
    if (typeof c.queue !== 'string' || file !== 'index' || !exportName) {
      throw new Error(`manifest.yml: consumer of queue ${String(c.queue)} has no index.* function`);
    }
    return {
      queue: c.queue,
      functionKey: String(c.function),
      exportName,
      timeoutSeconds: typeof fn?.timeoutSeconds === 'number' ? fn.timeoutSeconds : undefined,
    };
  });
}

const PushEventsSchemaGuard = (
  value: unknown,
): value is { queueName: string; payload: unknown[] } =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { queueName?: unknown }).queueName === 'string' &&
  Array.isArray((value as { payload?: unknown }).payload);

export class ForgeQueueEmulator {
  readonly pending: QueuedEvent[] = [];
  /** Every delivery, in order. */
  readonly deliveries: Delivery[] = [];
  /** Site-clock milliseconds the queue has waited for delayed and retried events. */
  waitedMs = 0;
  private handlers: Readonly<Record<string, unknown>> = {};
  private draining: Promise<void> | undefined;
  /** Real milliseconds between two deliveries (the preview, so that progress can be seen). */
  private pauseMs = 0;

  constructor(
    readonly consumers: readonly ConsumerDefinition[],
    private readonly clock: InvocationClock,
    /** The site clock now (ms), and a wait on it (rate-limit windows pass while events wait). */
    private readonly site: { now: () => number; advance: (ms: number) => void },
    private readonly violation: (message: string) => void,
  ) {}

  /** The exports of src/index.ts: where `handler: index.<name>` leads. */
  useEntryPoints(exports: Readonly<Record<string, unknown>>): this {
    this.handlers = exports;
    return this;
  }

  /** Answers the SDK's push (`POST /webhook/queue/publish/…`), as the platform would. */
  handle(path: string, init: RequestInit | undefined): { status: number; body: unknown } {
    if (!path.startsWith('/webhook/queue/publish/')) {
      this.violation(`queue: ${path} is not emulated (only push is)`);
      return { status: 404, body: { message: 'not emulated' } };
    }
    const request: unknown = JSON.parse(typeof init?.body === 'string' ? init.body : 'null');
    if (!PushEventsSchemaGuard(request)) return refuse(400, 'The push request is malformed.');
    const consumer = this.consumers.find((c) => c.queue === request.queueName);
    if (!consumer) {
      this.violation(`queue ${request.queueName}: no consumer module in manifest.yml`);
      return refuse(400, `No consumer for queue ${request.queueName}.`);
    }
    const refusal = checkPush(request.payload, consumer);
    if (refusal) return refuse(413, refusal);
    const now = this.site.now();
    const jobId = (request as { jobId?: unknown }).jobId;
    for (const raw of request.payload as Array<{
      body: Record<string, unknown>;
      delayInSeconds?: number;
    }>) {
      this.pending.push({
        eventId: randomUUID(),
        jobId: typeof jobId === 'string' ? jobId : randomUUID(),
        queueName: request.queueName,
        body: raw.body,
        dueMs: now + (raw.delayInSeconds ?? 0) * 1000,
        pushedMs: now,
      });
    }
    return { status: 201, body: {} };
  }

  /**
   * Delivers pending events, earliest due first, until none is left or `maxDeliveries` were made
   * (a guard against a consumer that pushes forever). Concurrent calls share one run.
   */
  drain(options: { maxDeliveries?: number; pauseMs?: number } = {}): Promise<void> {
    this.pauseMs = options.pauseMs ?? 0;
    this.draining ??= this.deliverAll(
      options.maxDeliveries ?? 500,
      options.maxDeliveries === undefined,
    ).finally(() => {
      this.draining = undefined;
    });
    return this.draining;
  }

  private async deliverAll(max: number, mustEmpty: boolean): Promise<void> {
    for (let n = 0; n < max; n += 1) {
      if (n > 0 && this.pauseMs > 0) {
        await new Promise((resolve) => setTimeout(resolve, this.pauseMs));
      }
      const next = this.takeNext();
      if (!next) return;
      await this.deliver(next);
    }
    if (mustEmpty && this.pending.length > 0) {
      this.violation(`queue: still ${this.pending.length} event(s) after ${max} deliveries`);
    }
  }

  private takeNext(): QueuedEvent | undefined {
    this.pending.sort((a, b) => a.dueMs - b.dueMs);
    const next = this.pending.shift();
    if (!next) return undefined;
    const wait = next.dueMs - this.site.now();
    if (wait > 0) {
      this.waitedMs += wait;
      this.site.advance(wait);
    }
    return next;
  }

  private async deliver(event: QueuedEvent): Promise<void> {
    const consumer = this.consumers.find((c) => c.queue === event.queueName);
    const handler = consumer ? this.handlers[consumer.exportName] : undefined;
    if (!consumer || typeof handler !== 'function') {
      this.violation(`queue ${event.queueName}: no handler export (call useEntryPoints)`);
      return;
    }
    const asyncEvent = {
      queueName: event.queueName,
      jobId: event.jobId,
      eventId: event.eventId,
      body: event.body,
      ...(event.retry ? { retryContext: this.retryContextOf(event) } : {}),
    };
    const seconds = consumer.timeoutSeconds ?? DEFAULT_CONSUMER_SECONDS;
    const before = this.clock.log.length;
    let outcome: { kind: DeliveryOutcome; retryAfter?: number; reason?: string; data?: unknown };
    let detail: string | undefined;
    try {
      const answer = await this.clock.run(
        'consumer',
        consumer.exportName,
        () => (handler as ConsumerHandler)(asyncEvent, { installContext: 'emulated' }),
        { timeoutSeconds: seconds, retriedByPlatform: true },
      );
      outcome = retryRequestOf(answer) ?? { kind: 'ok' };
    } catch (error) {
      const timedOut = error instanceof InvocationLimitError;
      detail = error instanceof Error ? error.message : String(error);
      outcome = {
        kind: timedOut ? 'timed-out' : 'failed',
        retryAfter: backoffSeconds(event.retry?.retryCount ?? 0),
        reason: timedOut ? 'FUNCTION_TIME_OUT' : 'FUNCTION_RUNTIME_ERROR',
      };
    }
    const record = this.clock.log[before];
    const delivery: Delivery = {
      queueName: event.queueName,
      eventId: event.eventId,
      body: event.body,
      retryCount: event.retry?.retryCount ?? 0,
      outcome: outcome.kind,
      virtualMs: record?.virtualMs ?? 0,
      limitMs: seconds * 1000,
      ...(detail === undefined ? {} : { detail }),
    };
    this.deliveries.push(delivery);
    if (outcome.kind !== 'ok') this.requeue(event, delivery, outcome);
  }

  private requeue(
    event: QueuedEvent,
    delivery: Delivery,
    outcome: { retryAfter?: number; reason?: string; data?: unknown },
  ): void {
    const retryAfter = outcome.retryAfter ?? 1;
    if (outcome.data !== undefined && jsonBytes(outcome.data) > QUEUE_LIMITS.retryDataBytes) {
      this.violation(
        `queue ${event.queueName}: retryData over ${QUEUE_LIMITS.retryDataBytes} bytes`,
      );
    }
    const dueMs = this.site.now() + retryAfter * 1000;
    if (dueMs - event.pushedMs > QUEUE_LIMITS.retentionMs) {
      delivery.outcome = 'dropped';
      return;
    }
    delivery.retryAfter = retryAfter;
    this.pending.push({
      ...event,
      dueMs,
      retry: {
        retryCount: (event.retry?.retryCount ?? 0) + 1,
        retryReason: outcome.reason ?? 'FUNCTION_RETRY_REQUEST',
        retryData: outcome.data,
      },
    });
  }

  private retryContextOf(event: QueuedEvent) {
    const startTime = new Date(event.pushedMs).toISOString();
    const remainingTimeMs = Math.max(
      0,
      event.pushedMs + QUEUE_LIMITS.retentionMs - this.site.now(),
    );
    return { ...event.retry, retentionWindow: { startTime, remainingTimeMs } };
  }
}

function refuse(status: number, message: string) {
  return { status, body: { errorMessage: message } };
}

/** What the platform refuses of a push: too many events, too big, a delay out of range. */
function checkPush(events: readonly unknown[], consumer: ConsumerDefinition): string | undefined {
  if (events.length === 0 || events.length > QUEUE_LIMITS.eventsPerPush) {
    return `A push holds 1 to ${QUEUE_LIMITS.eventsPerPush} events, not ${events.length}.`;
  }
  if (jsonBytes(events) > QUEUE_LIMITS.pushBytes) {
    return `The events of one push are ${jsonBytes(events)} bytes, over 200 KB.`;
  }
  const longRunning = (consumer.timeoutSeconds ?? DEFAULT_CONSUMER_SECONDS) > 55;
  for (const e of events as Array<{ body?: unknown; delayInSeconds?: unknown }>) {
    if (typeof e.body !== 'object' || e.body === null || Array.isArray(e.body)) {
      return 'An event body must be an object.';
    }
    const delay = e.delayInSeconds ?? 0;
    if (typeof delay !== 'number' || delay < 0 || delay > QUEUE_LIMITS.maxDelaySeconds) {
      return `delayInSeconds must be 0 to ${QUEUE_LIMITS.maxDelaySeconds}.`;
    }
    if (longRunning && jsonBytes(e) > QUEUE_LIMITS.longRunningEventBytes) {
      return `An event for a consumer running over 55 s is ${jsonBytes(e)} bytes, over 100 KB.`;
    }
  }
  return undefined;
}

/** An InvocationError the consumer returned: the retry it asks for, `retryAfter` capped at 900. */
function retryRequestOf(
  answer: unknown,
): { kind: 'retry-requested'; retryAfter: number; reason: string; data: unknown } | undefined {
  if (typeof answer !== 'object' || answer === null || !('_retry' in answer)) return undefined;
  const options = (answer as { retryOptions?: Record<string, unknown> }).retryOptions ?? {};
  const asked = typeof options['retryAfter'] === 'number' ? options['retryAfter'] : 1;
  return {
    kind: 'retry-requested',
    retryAfter: Math.min(QUEUE_LIMITS.maxRetryAfterSeconds, Math.max(1, Math.ceil(asked))),
    reason:
      typeof options['retryReason'] === 'string'
        ? options['retryReason']
        : 'FUNCTION_RETRY_REQUEST',
    data: options['retryData'],
  };
}

/**
 * After an app-level error (a throw, a timeout) Forge retries "with exponential backoff, with
 * intervals reaching up to approximately 15 minutes"; the start and factor are not documented:
 * 30 s doubling, capped at 900 s, is the choice here.
 */
export function backoffSeconds(retryCount: number): number {
  return Math.min(QUEUE_LIMITS.maxRetryAfterSeconds, 30 * 2 ** retryCount);
}
