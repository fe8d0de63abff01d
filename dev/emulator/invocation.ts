import { AsyncLocalStorage } from 'node:async_hooks';
import { REAL_WAITER, type Waiter } from '../../src/runtime/wait';

/**
 * Forge invocations on a virtual clock: each resolver, trigger and validator call runs in its own
 * context whose clock advances by the emulated latency of the Jira and storage requests it makes
 * (concurrent requests overlap). Past its kind's time limit the invocation is stopped and the
 * caller gets no result. Limits: https://developer.atlassian.com/platform/forge/limits-invocation/
 * Payload limits and what is not modelled: docs/emulator-limits.md.
 */

export type InvocationKind = 'resolver' | 'trigger' | 'validator' | 'consumer' | 'automation';

/** Runtime seconds by kind (limits-invocation: 25 s for user, UI and product-event invocations). */
export const TIME_LIMIT_SECONDS: Readonly<Record<InvocationKind, number>> = {
  resolver: 25,
  trigger: 25,
  validator: 25,
  // Automation actions are functions invoked by the platform: the same 25 s.
  automation: 25,
  // Functions referenced only by a consumer or scheduled trigger: 55 s unless `timeoutSeconds`.
  consumer: 55,
};
export const MAX_TIMEOUT_SECONDS = 900;

const KIND_NAMES: Readonly<Record<InvocationKind, string>> = {
  resolver: 'UI resolvers',
  trigger: 'product-event triggers',
  validator: 'workflow validators',
  automation: 'Automation actions',
  consumer: 'queue consumers',
};

/** `invoke` request and response sizes (see docs/emulator-limits.md for the sources). */
export const MAX_INVOKE_REQUEST_BYTES = 500 * 1024;
export const MAX_INVOKE_RESPONSE_BYTES = 5 * 1024 * 1024;

/**
 * The latency of one request. Jira: the bench's 100 ms per request (dev/bench/bench.ts) plus a
 * per-issue part for what the answer returns (the issues dev/bench/cost-model.ts counts as
 * points). Storage: a chosen 10 ms; Atlassian documents no latency for either.
 */
export interface LatencyModel {
  jiraRequestMs: number;
  perReturnedIssueMs: number;
  storageRequestMs: number;
}
export const DEFAULT_LATENCY: LatencyModel = {
  jiraRequestMs: 100,
  perReturnedIssueMs: 1,
  storageRequestMs: 10,
};

export interface InvocationRecord {
  kind: InvocationKind;
  name: string;
  /** Virtual milliseconds from start to answer (or to the stop at the limit). */
  virtualMs: number;
  limitMs: number;
  jiraRequests: number;
  storageRequests: number;
  exceeded: boolean;
}

/** The invocation was stopped at its time limit, as Forge stops it: there is no answer. */
export class InvocationLimitError extends Error {
  constructor(readonly record: InvocationRecord) {
    super(describeStop(record));
    this.name = 'InvocationLimitError';
  }
}

/** A payload over one of Forge's size limits: the platform refuses it, the app never sees it. */
export class PayloadLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadLimitError';
  }
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function describeStop(r: InvocationRecord): string {
  return `${r.kind} ${r.name} exceeded the ${r.limitMs / 1000} s limit for ${KIND_NAMES[r.kind]}: stopped at ${seconds(r.virtualMs)} of virtual time after ${r.jiraRequests} Jira and ${r.storageRequests} storage requests`;
}

interface Timer {
  at: number;
  seq: number;
  fire: () => void;
}

/** One running invocation: its virtual clock and the requests it is waiting for. */
export class Invocation {
  now = 0;
  jiraRequests = 0;
  storageRequests = 0;
  ended = false;
  private readonly timers: Timer[] = [];
  private seq = 0;
  private stepping = false;

  constructor(
    readonly kind: InvocationKind,
    readonly name: string,
    readonly limitMs: number,
    private readonly onLimit: () => void,
  ) {}

  /** Resolves when the virtual clock reaches now + ms; never, once the invocation has ended. */
  wait(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.ended || signal?.aborted) return;
      const timer: Timer = { at: this.now + Math.max(0, ms), seq: this.seq++, fire: resolve };
      this.timers.push(timer);
      signal?.addEventListener(
        'abort',
        () => {
          const i = this.timers.indexOf(timer);
          if (i >= 0) this.timers.splice(i, 1);
        },
        { once: true },
      );
      this.schedule();
    });
  }

  record(): InvocationRecord {
    return {
      kind: this.kind,
      name: this.name,
      virtualMs: this.now,
      limitMs: this.limitMs,
      jiraRequests: this.jiraRequests,
      storageRequests: this.storageRequests,
      exceeded: this.now > this.limitMs,
    };
  }

  end(): void {
    this.ended = true;
    this.timers.length = 0;
  }

  // Timers fire one at a time, earliest first, each after the app's reactions to the previous
  // one have run (setImmediate comes after the microtasks): discrete events in virtual time.
  private schedule(): void {
    if (this.stepping) return;
    this.stepping = true;
    setImmediate(() => this.step());
  }

  private step(): void {
    this.stepping = false;
    if (this.ended || this.timers.length === 0) return;
    this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const next = this.timers.shift() as Timer;
    if (next.at > this.limitMs) {
      this.now = next.at;
      this.onLimit();
      return;
    }
    this.now = next.at;
    next.fire();
    if (this.timers.length > 0) this.schedule();
  }
}

const SETUP = 'setup' as const;

/**
 * The invocations of one emulated site. `run` is the only way into a time-limited context;
 * `setup` marks a test's own requests before or after the invocations it checks (seeding through
 * the app's own store functions, reading back what Jira holds, probing the emulator's REST
 * contract), which are neither timed nor reported and are not the app's.
 */
export class InvocationClock {
  latency: LatencyModel = { ...DEFAULT_LATENCY };
  /** When true, a request outside `run` and `setup` is an emulator violation. */
  requireInvocation = false;
  /** Every finished invocation, in order. */
  readonly log: InvocationRecord[] = [];
  private readonly store = new AsyncLocalStorage<Invocation | typeof SETUP>();

  /** `onStop` hears of each invocation stopped at its limit (the emulator records a violation). */
  constructor(private readonly onStop: (error: InvocationLimitError) => void = () => undefined) {}

  current(): Invocation | undefined {
    const s = this.store.getStore();
    return s === SETUP ? undefined : s;
  }

  inSetup(): boolean {
    return this.store.getStore() === SETUP;
  }

  setup<T>(fn: () => Promise<T>): Promise<T> {
    return this.store.run(SETUP, fn);
  }

  /**
   * Runs one invocation under its kind's time limit (`timeoutSeconds` only for consumers, up to
   * 900; `retriedByPlatform`: a stop at the limit is the queue's to retry, not a violation).
   * Resolves with fn's answer, or rejects with InvocationLimitError once virtual time passes the
   * limit; fn's own failure passes through.
   */
  async run<T>(
    kind: InvocationKind,
    name: string,
    fn: () => Promise<T>,
    options: { timeoutSeconds?: number; retriedByPlatform?: boolean } = {},
  ): Promise<T> {
    const limitS = this.limitSeconds(kind, options.timeoutSeconds);
    let stop: (error: Error) => void = () => undefined;
    const stopped = new Promise<never>((_, reject) => {
      stop = reject;
    });
    const invocation = new Invocation(kind, name, limitS * 1000, () => {
      invocation.end();
      const record = invocation.record();
      this.log.push(record);
      const error = new InvocationLimitError(record);
      // A queue consumer stopped at its limit is retried by Forge (dev/emulator/forge-queue.ts):
      // an app-level error the queue records, not a breach of the emulator's contract.
      if (options.retriedByPlatform !== true) this.onStop(error);
      stop(error);
    });
    try {
      const answer = await Promise.race([this.store.run(invocation, fn), stopped]);
      invocation.end();
      this.log.push(invocation.record());
      return answer;
    } catch (error) {
      if (!(error instanceof InvocationLimitError)) {
        invocation.end();
        this.log.push(invocation.record());
      }
      throw error;
    }
  }

  /** The virtual cost of a Jira request that returned this many issues. */
  jiraLatency(returnedIssues: number): number {
    return this.latency.jiraRequestMs + this.latency.perReturnedIssueMs * returnedIssues;
  }

  /** Sleeps on the invocation's virtual clock inside `run`, on real timers elsewhere. */
  readonly waiter: Waiter = {
    sleep: (ms, signal) => {
      const invocation = this.current();
      return invocation ? invocation.wait(ms, signal) : REAL_WAITER.sleep(ms, signal);
    },
  };

  private limitSeconds(kind: InvocationKind, timeoutSeconds: number | undefined): number {
    if (timeoutSeconds === undefined) return TIME_LIMIT_SECONDS[kind];
    if (kind !== 'consumer') {
      throw new Error(
        `Emulator: timeoutSeconds applies only to consumer and scheduled trigger functions, not to ${KIND_NAMES[kind]}`,
      );
    }
    if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > 900) {
      throw new Error(
        `Emulator: timeoutSeconds must be a whole number from 1 to ${MAX_TIMEOUT_SECONDS}, not ${timeoutSeconds}`,
      );
    }
    return timeoutSeconds;
  }
}

/** Bytes of a value as JSON, the form in which Forge carries payloads. */
export function jsonBytes(value: unknown): number {
  return value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/** Refuses an `invoke` payload over 500 KB, naming the resolver and the size. */
export function checkInvokeRequest(key: string, payload: unknown): void {
  const bytes = jsonBytes(payload);
  if (bytes > MAX_INVOKE_REQUEST_BYTES) {
    throw new PayloadLimitError(
      `invoke ${key}: the request payload is ${bytes} bytes, over Forge's ${MAX_INVOKE_REQUEST_BYTES}-byte (500 KB) limit`,
    );
  }
}

/** Refuses a resolver answer over 5 MB: the platform drops it and the caller gets an error. */
export function checkInvokeResponse(key: string, answer: unknown): void {
  const bytes = jsonBytes(answer);
  if (bytes > MAX_INVOKE_RESPONSE_BYTES) {
    throw new PayloadLimitError(
      `resolver ${key}: the response is ${bytes} bytes, over Forge's ${MAX_INVOKE_RESPONSE_BYTES}-byte (5 MB) limit`,
    );
  }
}

/**
 * One resolver invocation as the platform runs it: the request payload checked, `fn` under the
 * resolver time limit, the answer checked. Used by test/helpers/invoke.ts and the preview.
 */
export async function runResolverInvocation<T>(
  em: { invocations: InvocationClock },
  key: string,
  payload: unknown,
  fn: () => Promise<T>,
): Promise<T> {
  checkInvokeRequest(key, payload);
  const answer = await em.invocations.run('resolver', key, fn);
  checkInvokeResponse(key, answer);
  return answer;
}
