import { JiraEmulator } from '../../dev/emulator/jira-emulator';
import type { EmIssue } from '../../dev/emulator/model';
import { WAIVER_KEYS } from '../../src/storage/key-families';
import { RECORD_VERSION_ENTITY, versionKey } from '../../src/storage/versioned-record';
import type { SearchLag } from '../../dev/emulator/search-lag';
import type { KvsRequest } from '../../dev/emulator/kvs-emulator';

/** How many searches miss a REST write by default in tests (dev/emulator/search-lag.ts). */
export const DEFAULT_SEARCH_LAG: SearchLag = { searches: 20, settleOnInvocation: false };

export interface EmulatorOptions {
  /**
   * Search lags writes as Jira's does: on by default, the next 20 searches (across invocations)
   * miss each REST write unless they name the issue in `reconcileIssues`. Turn it off only in a
   * test about something else, and say why in `reason`; em.settleSearch() lets time pass.
   */
  searchLag?: SearchLag | { off: true; reason: string };
  /**
   * Every Jira and storage request must come from an invocation (or setup): on by default. Only a
   * test of the storage layer or the emulator itself, which calls no resolver, trigger or
   * validator, may turn it off, saying why in `reason`.
   */
  requireInvocation?: { off: true; reason: string };
}

/**
 * One fresh emulated Jira site per test, installed at the Forge fetch seam, with the latency
 * model of dev/emulator/invocation.ts on. A Jira or storage request outside an invocation fails:
 * the test reaches the app through test/helpers/invoke.ts, each call one invocation under its
 * kind's time limit, and marks its own seeding and checks with em.invocations.setup. After each
 * test it checks that the app made no request the real Jira would reject as unknown, none
 * outside an invocation, and that no invocation was stopped at its limit.
 */
/**
 * For tests of the storage layer itself: no Jira search, and no resolver, trigger or validator
 * invoked around the store calls.
 */
export const STORAGE_ONLY: EmulatorOptions = {
  searchLag: { off: true, reason: 'storage only, no Jira search' },
  requireInvocation: {
    off: true,
    reason: 'tests of the storage layer itself: no resolver, trigger or validator is invoked',
  },
};

export function useEmulator(options: EmulatorOptions = {}): { readonly em: JiraEmulator } {
  const holder: { em: JiraEmulator | undefined } = { em: undefined };
  const lag = options.searchLag ?? DEFAULT_SEARCH_LAG;
  beforeEach(() => {
    holder.em = new JiraEmulator().install();
    holder.em.searchLag = 'off' in lag ? undefined : lag;
    holder.em.invocations.requireInvocation = options.requireInvocation === undefined; // docs/emulator-limits.md
  });
  afterEach(() => {
    const em = holder.em;
    em?.uninstall();
    if (em && em.violations.length > 0) {
      throw new Error(`Emulator contract violations:\n${em.violations.join('\n')}`);
    }
  });
  return {
    get em(): JiraEmulator {
      if (!holder.em) throw new Error('useEmulator: no emulator outside a test');
      return holder.em;
    },
  };
}

export { seedSite, type DemoSite } from '../../dev/emulator/site-seed';

export const COMPLETE_OUTCOME = {
  outcome: 'Decide between Redis and Postgres for the session cache, with a benchmark report',
  successMeasure: 'p95 session lookup under 20 ms at 2x current load',
  timeboxDays: 3,
};

/** Seeds the project's waiver book with one waiver on `issue`, as `waiver/grant` stores it. */
export function seedWaiver(
  em: JiraEmulator,
  issue: EmIssue,
  w: { reason: string; expiresOn: string; grantedBy: string; grantedAt: string },
): void {
  const projectKey = issue.key.slice(0, issue.key.lastIndexOf('-'));
  // Added to the project's waivers already seeded (another item's), replacing this item's.
  const book = em.kvs.peek(WAIVER_KEYS.book(projectKey)) as
    { version: number; waivers: Array<{ issueId: string }> } | undefined;
  const others = (book?.waivers ?? []).filter((o) => o.issueId !== issue.id);
  em.kvs.seed(WAIVER_KEYS.book(projectKey), {
    version: (book?.version ?? 0) + 1,
    waivers: [...others, { issueId: issue.id, issueKey: issue.key, ...w }],
  });
}

/** Matches a storage request of `op` ('get', 'set', 'delete') on `key`, for `kvs.hold`. */
export const kvsRequest =
  (op: string, key: string) =>
  (request: KvsRequest): boolean =>
    request.op === op && (request.body as { key?: unknown } | undefined)?.key === key;

/**
 * Makes every conditional save of the versioned record `key` lose its race: another writer's
 * version lands just before each of its transactions.
 */
export function loseEveryRace(em: JiraEmulator, key: string): void {
  let others = 0;
  em.kvs.delay = (request) => {
    if (request.op === 'transaction') {
      others += 1;
      em.kvs.seedEntity(RECORD_VERSION_ENTITY, versionKey(key), {
        version: others,
        writeId: String(others).padStart(12, '0'),
      });
    }
    return 0;
  };
}
