import api, { route } from '@forge/api';
import { seedSite, useEmulator } from '../helpers/emulator';

/**
 * Jira's rate limits in the emulator (dev/emulator/rate-limits.ts, docs/emulator-rate-limits.md):
 * points per request and per object returned, the hourly quota with its 429 and headers, the
 * per-second limit of one endpoint, the write limit of one issue. Each probe goes through the
 * seam the app uses.
 */
const ctx = useEmulator();
const probe = <T>(fn: () => Promise<T>): Promise<T> => ctx.em.invocations.setup(fn);

beforeEach(() => {
  seedSite(ctx.em);
  for (let i = 0; i < 5; i += 1)
    ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: `s${i}` });
});

const getIssue = (key: string) =>
  api.asApp().requestJira(route`/rest/api/3/issue/${key}?fields=summary`);
const search = () =>
  api.asApp().requestJira(route`/rest/api/3/search/jql`, {
    method: 'POST',
    body: JSON.stringify({ jql: 'project = DT', fields: ['summary'], maxResults: 50 }),
    headers: { 'Content-Type': 'application/json' },
  });
const comment = (key: string) =>
  api.asApp().requestJira(route`/rest/api/3/issue/${key}/comment`, {
    method: 'POST',
    body: JSON.stringify({
      body: {
        type: 'doc',
        version: 1,
        content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x' }] }],
      },
    }),
    headers: { 'Content-Type': 'application/json' },
  });
const permissions = () =>
  api
    .asUser('user-member')
    .requestJira(
      route`/rest/api/3/mypermissions?projectKey=DT&permissions=BROWSE_PROJECTS,EDIT_ISSUES`,
    );

const lastPoints = () => ctx.em.jiraCalls().at(-1)?.points;

describe('points per request and per object returned', () => {
  it('a read costs 1 plus 1 per issue; a write costs 1; permissions cost 2 each', () =>
    probe(async () => {
      const ledger = ctx.em.useRateLimits();
      expect((await getIssue('DT-1')).status).toBe(200);
      expect(lastPoints()).toBe(2);
      expect((await search()).status).toBe(200);
      expect(lastPoints()).toBe(1 + 5);
      expect((await comment('DT-1')).status).toBe(201);
      expect(lastPoints()).toBe(1);
      expect((await permissions()).status).toBe(200);
      expect(lastPoints()).toBe(1 + 2 * 2);
      expect(ledger.remaining()).toBe(65_000 - 2 - 6 - 1 - 5);
    }));

  it('a request Jira refuses costs its base point, and no objects', () =>
    probe(async () => {
      ctx.em.useRateLimits();
      expect((await getIssue('DT-999')).status).toBe(404);
      expect(lastPoints()).toBe(1);
    }));
});

describe('the hourly quota', () => {
  it('past the quota: 429 until the top of the hour, with the documented headers', () =>
    probe(async () => {
      // 10:59:00 UTC: the quota resets in 60 s.
      const ledger = ctx.em.useRateLimits({ hourlyQuota: 10, startAt: '2026-11-02T10:59:00.000Z' });
      ledger.spend(7);
      const near = await getIssue('DT-1');
      expect(near.status).toBe(200);
      expect(near.headers.get('X-RateLimit-NearLimit')).toBe('true');
      await search(); // 6 points: the quota is now over (an answered request is not cut short)
      expect(ledger.remaining()).toBe(0);

      const refused = await getIssue('DT-1');
      expect(refused.status).toBe(429);
      expect(refused.headers.get('Retry-After')).toBe('60');
      expect(refused.headers.get('RateLimit-Reason')).toBe('jira-quota-global-based');
      expect(refused.headers.get('X-RateLimit-Limit')).toBe('10');
      expect(refused.headers.get('X-RateLimit-Remaining')).toBe('0');
      expect(refused.headers.get('X-RateLimit-Reset')).toBe('2026-11-02T11:00Z');
      expect(lastPoints()).toBe(0);

      ledger.advance(59);
      expect((await getIssue('DT-1')).headers.get('Retry-After')).toBe('1');
      ledger.advance(1);
      expect((await getIssue('DT-1')).status).toBe(200);
    }));

  it('a per-tenant pool names its own reason', () =>
    probe(async () => {
      ctx.em.useRateLimits({ hourlyQuota: 1, pool: 'tenant' }).spend(1);
      const refused = await getIssue('DT-1');
      expect(refused.headers.get('RateLimit-Reason')).toBe('jira-quota-tenant-based');
    }));
});

describe('the per-second limit of one endpoint and method', () => {
  it('the request past the bucket gets a 1 s Retry-After; another endpoint is still served', () =>
    probe(async () => {
      const ledger = ctx.em.useRateLimits({ burstOverrides: { getIssue: 3 } });
      for (let i = 0; i < 3; i += 1) expect((await getIssue('DT-1')).status).toBe(200);
      const refused = await getIssue('DT-2');
      expect(refused.status).toBe(429);
      expect(refused.headers.get('RateLimit-Reason')).toBe('jira-burst-based');
      expect(refused.headers.get('Retry-After')).toBe('1');
      expect((await search()).status).toBe(200);
      ledger.advance(1);
      expect((await getIssue('DT-2')).status).toBe(200);
    }));
});

describe('the write limit of one issue', () => {
  it('more than the short window allows on one issue: 429; another issue is still written', () =>
    probe(async () => {
      ctx.em.useRateLimits({ perIssueWrites: { short: 2, long: 100 } });
      expect((await comment('DT-1')).status).toBe(201);
      expect((await comment('DT-1')).status).toBe(201);
      const refused = await comment('DT-1');
      expect(refused.status).toBe(429);
      expect(refused.headers.get('RateLimit-Reason')).toBe('jira-per-issue-on-write');
      expect(refused.headers.get('Retry-After')).toBe('2');
      expect((await comment('DT-2')).status).toBe(201);
    }));
});

describe('time on the site clock', () => {
  it('the virtual time of invocations moves the clock, so a wait inside one counts', async () => {
    const ledger = ctx.em.useRateLimits({ startAt: '2026-11-02T10:00:00.000Z' });
    const before = ledger.now();
    await ctx.em.invocations.run('resolver', 'probe', () => getIssue('DT-1'));
    expect(ledger.now() - before).toBe(ctx.em.invocations.log.at(-1)?.virtualMs);
  });
});
