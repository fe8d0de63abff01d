import type { InvocationError } from '@forge/events';
import { commentsOf } from '../../dev/emulator/routes/enforcement';
import type { RateLimitLedger } from '../../dev/emulator/rate-limits';
import * as handlers from '../../src/index';
import { listAudit, type AuditEntry } from '../../src/storage/audit-store';
import { COMPLETE_OUTCOME, useEmulator } from '../helpers/emulator';
import { inInvocation, runTrigger, runValidator } from '../helpers/invoke';
import {
  rememberFieldIds,
  seedEnforcementSite,
  sprintChangeEvent,
  sprintStartedEvent,
  type EnforcementSite,
} from './enforcement-site';

/**
 * Jira's hourly points quota runs out part-way through what a trigger or a validator does
 * (the emulator's ledger, dev/emulator/rate-limits.ts): a trigger asks Forge to deliver the event
 * again after Retry-After (at most 900 s a time) and the retry finishes only what is left, so
 * nothing is lost, half-done or done twice; a validator fails closed saying when to try again.
 */
const ctx = useEmulator();
let site: EnforcementSite;
let ledger: RateLimitLedger;

beforeEach(() => {
  site = seedEnforcementSite(ctx.em);
  rememberFieldIds(ctx.em, site);
  // 10:40 UTC: a quota that runs out now is back at 11:00, 20 minutes later.
  ledger = ctx.em.useRateLimits({ startAt: '2026-11-02T10:40:00.000Z' });
});

const inSprint = (key: string) =>
  ((ctx.em.findIssue(key)?.custom.get(ctx.em.sprintField.id) as unknown[]) ?? []).length > 0;

function add(type: string, custom: Record<string, unknown> = {}) {
  return ctx.em.addIssue({ projectKey: 'DT', type, summary: `${type} item`, custom });
}

const retryAfterOf = (answer: InvocationError | undefined) =>
  (answer as { retryOptions?: { retryAfter?: number } } | undefined)?.retryOptions?.retryAfter;

/**
 * Delivers the event as Forge does when the handler asks for a retry: again after `retryAfter`
 * seconds (the site clock moves on that far), with `retryContext.retryCount`, until it is done.
 * Returns the delays asked for.
 */
async function deliverUntilDone(
  handler: (event: unknown) => Promise<InvocationError | undefined>,
  event: Record<string, unknown>,
): Promise<number[]> {
  const delays: number[] = [];
  for (let retryCount = 0; retryCount <= 4; retryCount += 1) {
    const delivery =
      retryCount === 0
        ? event
        : { ...event, retryContext: { retryCount, retryReason: 'FUNCTION_UPSTREAM_RATE_LIMITED' } };
    const answer = await runTrigger(ctx.em, handler, delivery);
    const delay = retryAfterOf(answer);
    if (delay === undefined) return delays;
    delays.push(delay);
    ledger.advance(delay);
  }
  throw new Error(`still asking for retries after 4: ${delays.join(', ')}`);
}

async function auditEntries(): Promise<AuditEntry[]> {
  const page = await inInvocation(ctx.em, 'resolver', 'audit/list: listAudit', () =>
    listAudit('DT', undefined, 100),
  );
  return page.entries;
}

const succeeded = (operationId: string) =>
  ctx.em.jiraCalls().filter((c) => c.operationId === operationId && c.status < 300);
const throttled = () => ctx.em.jiraCalls().filter((c) => c.status === 429);

describe('sprint-start check: the quota runs out between two batches of moves', () => {
  it('reschedules for after Retry-After (900 s at most a time); every item is moved and audited once, with one summary', async () => {
    const items = Array.from({ length: 55 }, () => add('Enabler'));
    for (const i of items) ctx.em.setSprint(i.key, site.active.id);
    ledger.exhaustOn('moveIssuesToBacklog', { skip: 1 });

    const delays = await deliverUntilDone(
      handlers.sprintStartCheck,
      sprintStartedEvent(site.active),
    );

    // 20 minutes to the reset: Forge's longest delay, then the rest of the wait.
    expect(delays[0]).toBe(900);
    expect(delays.every((d) => d >= 1 && d <= 900)).toBe(true);
    expect(delays.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1190);
    expect(throttled().every((c) => c.points === 0)).toBe(true);
    expect(throttled()[0]?.operationId).toBe('moveIssuesToBacklog');

    for (const i of items) expect(inSprint(i.key)).toBe(false);
    expect(succeeded('moveIssuesToBacklog')).toHaveLength(2);
    expect(items.flatMap((i) => commentsOf(ctx.em, i.key))).toHaveLength(1);
    const moved = (await auditEntries()).filter((e) => e.action === 'moved-back');
    expect(new Set(moved.map((e) => e.issueKey)).size).toBe(55);
    expect(moved).toHaveLength(55);

    // A late duplicate of the event (Forge delivers at least once) does nothing more.
    ctx.em.resetCalls();
    await runTrigger(ctx.em, handlers.sprintStartCheck, sprintStartedEvent(site.active));
    expect(ctx.em.jiraCalls()).toEqual([]);
  });
});

describe('sprint guard: the quota runs out after the move, before the comment', () => {
  it('the retry posts the comment without moving the item again', async () => {
    const issue = add('Enabler');
    ctx.em.setSprint(issue.key, site.active.id);
    const event = sprintChangeEvent(ctx.em, issue, { to: site.active });
    ledger.exhaustOn('addComment');

    const delays = await deliverUntilDone(handlers.sprintGuard, event);

    expect(delays[0]).toBe(900);
    expect(inSprint(issue.key)).toBe(false);
    expect(succeeded('moveIssuesToBacklog')).toHaveLength(1);
    expect(commentsOf(ctx.em, issue.key)).toHaveLength(1);
    expect((await auditEntries()).filter((e) => e.action === 'moved-back')).toHaveLength(1);
  });
});

describe('validators under Jira rate limits', () => {
  const enablerGate = (key: string) =>
    runValidator(ctx.em, handlers.enablerGate, {
      issue: { key },
      configuration: {},
      transition: { from: { id: '10000' }, to: { id: '10001' } },
    });

  it('an exhausted quota: refuses (fails closed) saying Jira is busy and when to try again; after the reset it decides', async () => {
    const issue = add('Enabler', { [site.scopedOutcome.id]: COMPLETE_OUTCOME });
    ledger.exhaustOn('getIssue');

    const refused = await enablerGate(issue.key);
    expect(refused.result).toBe(false);
    expect(refused.errorMessage).toMatch(
      /could not be completed, so the transition is refused\. Jira is busy, try again in 1200 s \(about 20 min\): Jira's rate limit for apps was reached\.$/,
    );
    expect(throttled()).toHaveLength(1);

    ledger.advance(1200);
    await expect(enablerGate(issue.key)).resolves.toEqual({ result: true });
  });

  it("a per-second limit's 1 s wait is absorbed: the validator waits and decides", async () => {
    const issue = add('Enabler', { [site.scopedOutcome.id]: COMPLETE_OUTCOME });
    ledger = ctx.em.useRateLimits({ burstOverrides: { getIssue: 1 } });
    await expect(enablerGate(issue.key)).resolves.toEqual({ result: true });
    await expect(enablerGate(issue.key)).resolves.toEqual({ result: true });
    expect(ctx.em.jiraCalls().map((c) => c.status)).toEqual([200, 429, 200]);
  });
});
