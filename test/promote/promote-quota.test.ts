import { issueLinkSite } from '../../dev/emulator/routes/issue-writes';
import type { EmIssue } from '../../dev/emulator/model';
import type { RateLimitLedger } from '../../dev/emulator/rate-limits';
import { useEmulator, type DemoSite } from '../helpers/emulator';
import { ok, seedValidatedIdea, type PromoteSite } from './promote-site';

/**
 * Resolvers when Jira's hourly points quota runs out (dev/emulator/rate-limits.ts): the person is
 * told "Jira is busy, try again in N s" with the wait Jira gave; a promotion stopped part-way
 * keeps what it created, and trying again after the reset creates only what is missing.
 */
const ctx = useEmulator();
let site: DemoSite;
let idea: EmIssue;
let call: PromoteSite['call'];
let ledger: RateLimitLedger;

interface Promoted {
  outcome: 'complete' | 'partial';
  created: Array<{ key: string; summary: string; linked: boolean }>;
  notCreated: Array<{ summary: string; reason: string }>;
  message: string;
}

beforeEach(async () => {
  ({ site, idea, call } = await seedValidatedIdea(ctx.em));
  // 10:50 UTC on the site clock: a quota that runs out now is back at 11:00.
  ledger = ctx.em.useRateLimits({ startAt: '2026-11-02T10:50:00.000Z' });
});

const items = [{ summary: 'A' }, { summary: 'B' }, { summary: 'C' }];
const promote = (requestId: string) =>
  call<Promoted>('promote/run', site.member, { items, requestId });
const delivered = () =>
  [...ctx.em.issues.values()].filter((i) => i.id !== idea.id && i.projectId === idea.projectId);
const busy = /Jira is busy, try again in (\d+) s \(about 10 min\)/;

describe('promote when the quota runs out between two creations', () => {
  it('keeps the created item, says when to try again, and the retry after the reset creates only the rest', async () => {
    ledger.exhaustOn('createIssue', { skip: 1 });

    const first = ok(await promote('click-q001'));
    expect(first.outcome).toBe('partial');
    expect(first.created.map((c) => [c.summary, c.linked])).toEqual([['A', true]]);
    expect(first.notCreated[0]?.reason).toMatch(busy);
    expect(first.message).toMatch(busy);
    const wait = Number(busy.exec(first.message)?.[1]);
    expect(wait).toBeGreaterThan(590);
    expect(wait).toBeLessThanOrEqual(600);
    expect(delivered().map((i) => i.summary)).toEqual(['A']);

    // Clicking again before the reset reads nothing more, creates nothing and says the same.
    const early = await promote('click-q002');
    expect(early).toMatchObject({ ok: false, error: { code: 'rate-limited' } });
    if (!early.ok) expect(early.error.message).toMatch(/^Jira is busy, try again in \d+ s/);
    expect(delivered()).toHaveLength(1);

    ledger.advance(wait);
    const retry = ok(await promote('click-q003'));
    expect(retry.outcome).toBe('complete');
    expect(retry.created.map((c) => c.summary)).toEqual(['A', 'B', 'C']);
    expect(
      delivered()
        .map((i) => i.summary)
        .sort(),
    ).toEqual(['A', 'B', 'C']);
    expect(issueLinkSite(ctx.em).describe(ctx.em, idea.key)).toHaveLength(3);
  });

  it('the quota out before anything is created: the answer is rate-limited with the wait, and nothing is recorded', async () => {
    ledger.exhaustOn('createIssue');
    const answer = await promote('click-q004');
    expect(answer).toMatchObject({
      ok: false,
      error: {
        code: 'rate-limited',
        details: { rateLimitReason: 'jira-quota-global-based' },
      },
    });
    if (answer.ok) return;
    expect(answer.error.message).toMatch(/^Jira is busy, try again in \d+ s \(about 10 min\)\.$/);
    expect(delivered()).toHaveLength(0);

    ledger.advance(600);
    expect(ok(await promote('click-q005')).outcome).toBe('complete');
    expect(delivered()).toHaveLength(3);
  });
});

describe('a read when the quota is spent', () => {
  it('the issue panel answers rate-limited: "Jira is busy, try again in N s"', async () => {
    ledger.spend(ledger.remaining());
    const answer = await call('issue/readiness', site.member, {});
    expect(answer).toMatchObject({
      ok: false,
      error: {
        code: 'rate-limited',
        details: { retryAfterSeconds: expect.any(Number) as unknown },
      },
    });
    if (!answer.ok) expect(answer.error.message).toMatch(/^Jira is busy, try again in \d+ s/);
  });
});
