import api, { route } from '@forge/api';
import { z } from 'zod';
import { JiraError } from './errors';
import { sleep } from '../runtime/wait';

/**
 * The only code in the app that calls Jira. Every method says whether it acts as the user or as
 * the app, builds its path with `route`, asks only for the fields it needs, and parses the answer
 * with a zod schema; failures become `JiraError`s.
 */

export type Actor = { kind: 'user'; accountId?: string | undefined } | { kind: 'app' };

export interface RetryPolicy {
  /** Further tries after a 429. */
  maxRetries: number;
  /** Longest single wait we accept; a longer Retry-After is handed to the caller instead. */
  maxWaitSeconds: number;
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxRetries: 2,
  maxWaitSeconds: 5,
  sleep: (ms) => sleep(ms),
};

/** Operations ("GET /rest/api/3/issue/DT-1") sent and not yet answered, for deadline messages. */
export type InFlight = string[];

type Route = ReturnType<typeof route>;

interface RequestInit {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
}

export const ISSUE_KEY = /^[A-Z][A-Z0-9_]{0,254}-[1-9][0-9]{0,17}$/;

/** The project part of an issue key ("DT" of "DT-12"); undefined for what is not a key. */
export const projectOfIssueKey = (key: string): string | undefined =>
  ISSUE_KEY.test(key) ? key.slice(0, key.lastIndexOf('-')) : undefined;
export const ISSUE_ID = /^[1-9][0-9]{0,17}$/;

/** Accepts what Jira accepts as an issue id or key; anything else is refused before any call. */
export const IssueIdOrKeySchema = z
  .string()
  .trim()
  .refine((v) => ISSUE_KEY.test(v) || ISSUE_ID.test(v), {
    message: 'must be a Jira issue key like "DT-12" or a numeric issue id',
  });

const JiraErrorBodySchema = z
  .object({
    errorMessages: z.array(z.string()).optional(),
    errors: z.record(z.string(), z.string()).optional(),
  })
  .passthrough();

function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(value);
  if (Number.isFinite(date)) return Math.max(0, Math.ceil((date - nowMs) / 1000));
  return undefined;
}

const HOUR_MS = 3_600_000;

/**
 * How long a 429 asks us to wait, and why: `Retry-After` (seconds, or an HTTP date), else the
 * `X-RateLimit-Reset` timestamp (ISO 8601, `yyyy-MM-ddTHH:mmZ`); `RateLimit-Reason` names the
 * limit (https://developer.atlassian.com/cloud/jira/platform/rate-limiting/). With neither
 * header, an hourly quota (`jira-quota-…`) waits for the top of the UTC hour, when it resets;
 * anything else 1 s.
 */
function throttleOf(headers: Headers): { wait: number; reason: string | undefined } {
  const now = Date.now();
  const reason = headers.get('RateLimit-Reason') ?? undefined;
  const untilNextHour = Math.ceil((HOUR_MS - (now % HOUR_MS)) / 1000);
  const wait =
    parseRetryAfter(headers.get('Retry-After'), now) ??
    parseRetryAfter(headers.get('X-RateLimit-Reset'), now) ??
    (reason?.startsWith('jira-quota-') ? untilNextHour : 1);
  return { wait: Math.max(1, wait), reason };
}

async function errorDetail(
  response: Response,
): Promise<{ text: string; fieldErrors: Record<string, string> }> {
  const text = await response.text().catch(() => '');
  try {
    const parsed = JiraErrorBodySchema.safeParse(JSON.parse(text));
    if (parsed.success) {
      const fieldErrors = parsed.data.errors ?? {};
      const parts = [
        ...(parsed.data.errorMessages ?? []),
        ...Object.entries(fieldErrors).map(([k, v]) => `${k}: ${v}`),
      ];
      if (parts.length > 0) return { text: parts.join('; '), fieldErrors };
    }
  } catch {
    // not JSON: fall through to the status text
  }
  return { text: response.statusText || `HTTP ${response.status}`, fieldErrors: {} };
}

function kindOf(status: number): JiraError['kind'] {
  if (status === 404) return 'not-found';
  if (status === 403) return 'forbidden';
  if (status === 401) return 'unauthorized';
  if (status === 429) return 'rate-limited';
  if (status >= 500) return 'server-error';
  return 'bad-request';
}

export class JiraGateway {
  constructor(
    readonly actor: Actor,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
    private readonly inFlight: InFlight = [],
  ) {}

  private requester() {
    return this.actor.kind === 'app' ? api.asApp() : api.asUser(this.actor.accountId);
  }

  /** Sends one request (retrying 429s within the policy) and parses the JSON answer. */
  async request<S extends z.ZodType>(
    schema: S,
    path: Route,
    init: RequestInit = {},
  ): Promise<z.infer<S>> {
    const method = init.method ?? 'GET';
    const operation = `${method} ${path.value.split('?')[0] ?? ''}`;
    this.inFlight.push(operation);
    try {
      return await this.send(schema, path, init, method, operation);
    } finally {
      this.inFlight.splice(this.inFlight.indexOf(operation), 1);
    }
  }

  private async send<S extends z.ZodType>(
    schema: S,
    path: Route,
    init: RequestInit,
    method: NonNullable<RequestInit['method']>,
    operation: string,
  ): Promise<z.infer<S>> {
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = (await this.requester().requestJira(path, {
          method,
          headers: {
            Accept: 'application/json',
            ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }),
          },
          ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        })) as unknown as Response;
      } catch (cause) {
        throw new JiraError({
          kind: 'network',
          operation,
          message: `${operation} failed before Jira answered: ${cause instanceof Error ? cause.message : String(cause)}`,
        });
      }

      if (response.status === 429) {
        const { wait, reason } = throttleOf(response.headers);
        await response.text().catch(() => '');
        if (attempt < this.retry.maxRetries && wait <= this.retry.maxWaitSeconds) {
          await this.retry.sleep(wait * 1000);
          continue;
        }
        // Longer than this invocation should wait: the caller decides (a trigger reschedules,
        // a resolver says when to try again, a validator refuses with the reason).
        throw new JiraError({
          kind: 'rate-limited',
          status: 429,
          operation,
          retryAfterSeconds: wait,
          rateLimitReason: reason,
          message: `${operation} was throttled by Jira (${reason ?? 'no reason given'}, Retry-After ${wait} s) after ${attempt + 1} tries`,
        });
      }

      if (!response.ok) {
        const detail = await errorDetail(response);
        throw new JiraError({
          kind: kindOf(response.status),
          status: response.status,
          operation,
          message: `${operation} answered ${response.status}: ${detail.text}`,
          fieldErrors: detail.fieldErrors,
        });
      }

      return parseAnswer(schema, response, operation);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Issues

  /** One issue with only the named fields. */
  async getIssue(issueIdOrKey: string, fields: readonly string[]): Promise<RawIssue> {
    const key = IssueIdOrKeySchema.parse(issueIdOrKey);
    return this.request(RawIssueSchema, route`/rest/api/3/issue/${key}?fields=${fields.join(',')}`);
  }

  /** Every field of the site (system and custom); used to find the app's own field ids. */
  async listFields(): Promise<FieldInfo[]> {
    return this.request(z.array(FieldInfoSchema), route`/rest/api/3/field`);
  }
}

export const RawIssueSchema = z
  .object({
    id: z.string(),
    key: z.string(),
    fields: z.record(z.string(), z.unknown()),
  })
  .passthrough();
export type RawIssue = z.infer<typeof RawIssueSchema>;

export const FieldInfoSchema = z
  .object({
    id: z.string(),
    key: z.string().optional(),
    name: z.string(),
    custom: z.boolean().optional(),
    schema: z.object({ type: z.string(), custom: z.string().optional() }).passthrough().optional(),
  })
  .passthrough();
export type FieldInfo = z.infer<typeof FieldInfoSchema>;

export function jiraAsUser(accountId?: string, retry?: RetryPolicy): JiraGateway {
  return new JiraGateway({ kind: 'user', accountId }, retry);
}

export function jiraAsApp(retry?: RetryPolicy, inFlight?: InFlight): JiraGateway {
  return new JiraGateway({ kind: 'app' }, retry, inFlight);
}

/** The answer's body as JSON, checked against the endpoint's schema. */
async function parseAnswer<S extends z.ZodType>(
  schema: S,
  response: Response,
  operation: string,
): Promise<z.infer<S>> {
  const text = await response.text();
  let json: unknown = undefined;
  if (text.length > 0) {
    try {
      json = JSON.parse(text);
    } catch {
      throw new JiraError({
        kind: 'bad-response',
        status: response.status,
        operation,
        message: `${operation} answered with a body that is not JSON`,
      });
    }
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new JiraError({
      kind: 'bad-response',
      status: response.status,
      operation,
      message: `${operation} answered with an unexpected shape${
        first ? ` at ${first.path.join('.') || '(root)'}: ${first.message}` : ''
      }`,
    });
  }
  return parsed.data;
}
