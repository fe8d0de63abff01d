/**
 * Jira Cloud's rate limits for apps, as Atlassian documents them
 * (https://developer.atlassian.com/cloud/jira/platform/rate-limiting/, enforced since 2 Mar 2026;
 * https://developer.atlassian.com/cloud/jira/platform/build-an-app-that-respects-rate-limits/):
 * a points quota per UTC hour, a per-second request limit per endpoint and method, and a write
 * limit per issue. Off unless a test installs it (`em.rateLimits = new RateLimitLedger(...)`).
 * What the documentation leaves open, and the answer chosen here: docs/emulator-rate-limits.md.
 */

/** The app's points of one hour: Atlassian's Tier 1 "Global Pool" or a Tier 2 per-tenant pool. */
export type QuotaPool = 'global' | 'tenant';

/** Why Jira refused, as the `RateLimit-Reason` header names it (rate-limiting page). */
export type RateLimitReason =
  | 'jira-quota-global-based'
  | 'jira-quota-tenant-based'
  | 'jira-burst-based'
  | 'jira-per-issue-on-write';

export interface RateLimitConfig {
  /** Points per UTC hour; the documented default Global Pool is 65,000. */
  hourlyQuota: number;
  pool: QuotaPool;
  /**
   * Steady requests per second per endpoint (method + path template); documented defaults GET
   * and POST 100, PUT and DELETE 50. The bucket holds one second of them (undocumented).
   */
  burstPerSecond: Readonly<Record<string, number>>;
  /** Per-operation overrides of the burst rate (documented: GET issue 150, approximate count 150). */
  burstOverrides: Readonly<Record<string, number>>;
  /** Writes to one issue: at most `short` in 2 s and `long` in 30 s (documented 20 and 100). */
  perIssueWrites: { short: number; long: number };
  /** The site clock's start (ISO), so a test decides how far the next top of the hour is. */
  startAt: string;
}

export const DEFAULT_RATE_LIMITS: RateLimitConfig = {
  hourlyQuota: 65_000,
  pool: 'global',
  burstPerSecond: { GET: 100, POST: 100, PUT: 50, DELETE: 50 },
  burstOverrides: { getIssue: 150, countIssues: 150 },
  perIssueWrites: { short: 20, long: 100 },
  startAt: '2026-11-02T09:00:00.000Z',
};

/**
 * Objects an answer returns, by the kind the points model charges them as: "core" objects
 * (issues, projects) 1 point each, "identity" objects (users, groups, permissions) 2 each.
 * Other lists (fields, issue types, boards, sprints, statuses) are not in a documented category
 * and cost only the request's base point here.
 */
type ObjectCounter = (body: Record<string, unknown>) => { core: number; identity: number };

const lengthOf = (value: unknown): number => (Array.isArray(value) ? value.length : 0);
const issues: ObjectCounter = (b) => ({ core: lengthOf(b['issues']), identity: 0 });

const OBJECTS: Readonly<Record<string, ObjectCounter>> = {
  getIssue: (b) => ({ core: 'key' in b ? 1 : 0, identity: 0 }),
  bulkFetchIssues: issues,
  searchAndReconsileIssuesUsingJqlPost: issues,
  getIssuesForSprint: issues,
  // Changelogs are returned per issue; each issue's changelog is counted as that issue.
  getBulkChangelogs: (b) => ({ core: lengthOf(b['issueChangeLogs']), identity: 0 }),
  getProject: (b) => ({ core: 'key' in b ? 1 : 0, identity: 0 }),
  searchProjects: (b) => ({ core: lengthOf(b['values']), identity: 0 }),
  getMyPermissions: (b) => ({
    core: 0,
    identity: Object.keys((b['permissions'] as Record<string, unknown> | undefined) ?? {}).length,
  }),
  bulkGetUsers: (b) => ({ core: 0, identity: lengthOf(b['values']) }),
};

/** Operations that read although they are POSTs (search, bulk fetch, count). */
const POST_READS = new Set([
  'searchAndReconsileIssuesUsingJqlPost',
  'bulkFetchIssues',
  'getBulkChangelogs',
  'countIssues',
]);

/** Whether a request only reads: every GET, and the POSTs that search, fetch or count. */
export const isRead = (method: string, operationId: string | undefined): boolean =>
  method === 'GET' || (operationId !== undefined && POST_READS.has(operationId));

/** Writes to one issue named in the path, for the per-issue write limit. */
const ISSUE_WRITES = new Set(['editIssue', 'addComment']);

/**
 * Points one answered request costs: 1, plus 1 per core object and 2 per identity object a
 * successful read returns ("Write requests are charged only the base cost").
 */
export function pointsOf(
  operationId: string | undefined,
  method: string,
  status: number,
  body: unknown,
): number {
  if (
    !isRead(method, operationId) ||
    status >= 300 ||
    typeof body !== 'object' ||
    body === null ||
    !operationId
  )
    return 1;
  const count = OBJECTS[operationId];
  if (!count) return 1;
  const objects = count(body as Record<string, unknown>);
  return 1 + objects.core + 2 * objects.identity;
}

export interface RateLimitRequest {
  method: string;
  template: string;
  operationId: string;
  /** The issue a write is to (path parameter), for the per-issue limit. */
  issue: string | undefined;
}

export type Admission =
  | { ok: true }
  | { ok: false; reason: RateLimitReason; retryAfter: number; headers: Record<string, string> };

const HOUR_MS = 3_600_000;

/** `X-RateLimit-Reset` as documented: ISO 8601, `yyyy-MM-ddTHH:mmZ`. */
function resetStamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16)}Z`;
}

/**
 * The site's ledger: points spent in the current UTC hour, request buckets per endpoint, recent
 * writes per issue. Its clock is the site's (`now` from the emulator: the start, plus the time
 * advanced by tests, plus the virtual time of invocations).
 */
export class RateLimitLedger {
  readonly config: RateLimitConfig;
  private hour = -1;
  private spentThisHour = 0;
  private advancedMs = 0;
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly writes = new Map<string, number[]>();
  private elapsed: () => number = () => 0;
  private exhaustion: { operationId: string; skip: number } | undefined = undefined;
  /** Every point charged, by hour start (ISO), for budgets and tests. */
  readonly spentByHour = new Map<string, number>();

  constructor(config: Partial<RateLimitConfig> = {}) {
    this.config = { ...DEFAULT_RATE_LIMITS, ...config };
  }

  /** For the emulator: the virtual milliseconds that have passed on the site's invocations. */
  attach(elapsed: () => number): this {
    this.elapsed = elapsed;
    return this;
  }

  /** Milliseconds since the epoch on the site clock. */
  now(): number {
    return Date.parse(this.config.startAt) + this.advancedMs + this.elapsed();
  }

  /** Time passes between invocations (a retry delivered `seconds` later, say). */
  advance(seconds: number): void {
    this.advancedMs += seconds * 1000;
  }

  /** Points left this hour (never below 0). */
  remaining(): number {
    this.roll();
    return Math.max(0, this.config.hourlyQuota - this.spentThisHour);
  }

  /** Spends points as other work of the app would (another tenant, another user's page). */
  spend(points: number): void {
    this.roll();
    this.spentThisHour += points;
    const key = new Date(this.hour * HOUR_MS).toISOString();
    this.spentByHour.set(key, (this.spentByHour.get(key) ?? 0) + points);
  }

  /**
   * The quota runs out just as the app sends its (`skip` + 1)th `operationId` request from now:
   * the rest of the hour's points are spent first (by other work of the app), so that request
   * and every one after it until the top of the hour get the quota's 429. For tests that stop
   * an operation part-way on a real quota.
   */
  exhaustOn(operationId: string, options: { skip?: number } = {}): void {
    this.exhaustion = { operationId, skip: options.skip ?? 0 };
  }

  /** Whether the request may be served now; a refusal carries the 429's headers. */
  admit(request: RateLimitRequest): Admission {
    this.roll();
    if (this.exhaustion?.operationId === request.operationId) {
      if (this.exhaustion.skip > 0) this.exhaustion.skip -= 1;
      else {
        this.exhaustion = undefined;
        this.spend(this.remaining());
      }
    }
    const now = this.now();
    if (this.spentThisHour >= this.config.hourlyQuota) {
      const reset = (this.hour + 1) * HOUR_MS;
      const reason =
        this.config.pool === 'global' ? 'jira-quota-global-based' : 'jira-quota-tenant-based';
      return this.refusal(reason, reset - now, this.config.hourlyQuota, reset);
    }
    const burst = this.takeToken(request, now);
    if (burst) return burst;
    return this.recordWrite(request, now) ?? { ok: true };
  }

  /** Charges an answered request and returns the headers of a normal answer. */
  charge(points: number): Record<string, string> {
    this.spend(points);
    const left = this.remaining();
    // "Returns true when less than 20% of capacity remains."
    return left < this.config.hourlyQuota * 0.2 ? { 'X-RateLimit-NearLimit': 'true' } : {};
  }

  private roll(): void {
    const hour = Math.floor(this.now() / HOUR_MS);
    if (hour !== this.hour) {
      this.hour = hour;
      this.spentThisHour = 0;
    }
  }

  private takeToken(request: RateLimitRequest, now: number): Admission | undefined {
    const rate =
      this.config.burstOverrides[request.operationId] ??
      this.config.burstPerSecond[request.method] ??
      100;
    const key = `${request.method} ${request.template}`;
    const bucket = this.buckets.get(key) ?? { tokens: rate, at: now };
    bucket.tokens = Math.min(rate, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) {
      const waitMs = ((1 - bucket.tokens) / rate) * 1000;
      return this.refusal('jira-burst-based', waitMs, rate, now + waitMs);
    }
    bucket.tokens -= 1;
    return undefined;
  }

  private recordWrite(request: RateLimitRequest, now: number): Admission | undefined {
    if (!ISSUE_WRITES.has(request.operationId) || request.issue === undefined) return undefined;
    const recent = (this.writes.get(request.issue) ?? []).filter((t) => now - t < 30_000);
    const short = recent.filter((t) => now - t < 2_000);
    const { short: maxShort, long: maxLong } = this.config.perIssueWrites;
    if (short.length >= maxShort || recent.length >= maxLong) {
      const oldest =
        short.length >= maxShort ? (short[0] ?? now) + 2_000 : (recent[0] ?? now) + 30_000;
      return this.refusal('jira-per-issue-on-write', oldest - now, maxShort, oldest);
    }
    recent.push(now);
    this.writes.set(request.issue, recent);
    return undefined;
  }

  private refusal(
    reason: RateLimitReason,
    waitMs: number,
    limit: number,
    resetMs: number,
  ): Admission {
    const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
    return {
      ok: false,
      reason,
      retryAfter,
      headers: {
        'Retry-After': String(retryAfter),
        'X-RateLimit-Limit': String(limit),
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-Reset': resetStamp(resetMs),
        'RateLimit-Reason': reason,
      },
    };
  }
}
