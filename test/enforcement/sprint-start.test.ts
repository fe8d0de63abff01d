import { commentsOf, labelsOf } from '../../dev/emulator/routes/enforcement';
import { SPRINT_SCAN_LIMIT } from '../../src/items/item-facts';
import * as handlers from '../../src/index';
import { listAudit, type AuditEntry } from '../../src/storage/audit-store';
import { COMPLETE_OUTCOME, useEmulator } from '../helpers/emulator';
import { deliverQueue, inInvocation, runTrigger } from '../helpers/invoke';
import {
  commentText,
  seedEnforcementSite,
  sprintStartedEvent,
  type EnforcementSite,
  rememberFieldIds,
  addInSprint,
  overrideProject,
} from './enforcement-site';
import { AUDIT_KEYS, WAIVER_KEYS } from '../../src/storage/key-families';

/**
 * The sprint-start check, driven through the exported trigger handler with the documented
 * `avi:jira-software:started:sprint` payload (`{ sprint }`, no issue list).
 */
const ctx = useEmulator();

/** Each call is one invocation of the real handler, as Forge makes it (test/helpers/invoke.ts). */
const sprintStartCheck = (event: unknown) => runTrigger(ctx.em, handlers.sprintStartCheck, event);
let site: EnforcementSite;

beforeEach(() => {
  site = seedEnforcementSite(ctx.em);
  rememberFieldIds(ctx.em, site);
});

const add = (type: string, custom?: Record<string, unknown>) =>
  addInSprint(ctx.em, site.active, type, custom);

const inSprint = (key: string) =>
  ((ctx.em.findIssue(key)?.custom.get(ctx.em.sprintField.id) as unknown[]) ?? []).length > 0;

describe('sprint-start check', () => {
  it('three unready items: all moved back in one request, ONE summary comment listing them', async () => {
    const story = add('Story');
    const ready = add('Enabler', { [site.scopedOutcome.id]: COMPLETE_OUTCOME });
    const unready = [
      add('Enabler'),
      add('Spike', { [site.scopedOutcome.id]: { outcome: 'TBD' } }),
      add('Discovery'),
    ];
    ctx.em.resetCalls();

    await expect(sprintStartCheck(sprintStartedEvent(site.active))).resolves.toBeUndefined();

    for (const i of unready) expect(inSprint(i.key)).toBe(false);
    expect(inSprint(story.key)).toBe(true);
    expect(inSprint(ready.key)).toBe(true);
    expect(ctx.em.jiraCalls().map((c) => c.operationId)).toEqual([
      'getSprint',
      'getIssuesForSprint',
      'moveIssuesToBacklog',
      'addComment',
    ]);
    const all = unready.flatMap((i) => commentsOf(ctx.em, i.key));
    expect(all).toHaveLength(1);
    const [summary] = commentText(ctx.em, unready[0]!.key);
    expect(summary).toContain(
      'Dual Track checked sprint "Sprint 7" when it started (started by @user-member)',
    );
    expect(summary).toContain('3 item(s) were not sprint-ready');
    for (const i of unready) expect(summary).toContain(i.key);
    expect(ctx.em.kvs.peek(AUDIT_KEYS.head('DT'))).toMatchObject({ next: 3, dropped: 0 });
  });

  it('the same sprint start delivered twice acts once', async () => {
    add('Enabler');
    await sprintStartCheck(sprintStartedEvent(site.active));
    ctx.em.resetCalls();
    await sprintStartCheck(sprintStartedEvent(site.active));
    expect(ctx.em.jiraCalls()).toEqual([]);
  });

  it('429 on the move: retried, and the retry completes with one summary', async () => {
    const items = [add('Enabler'), add('Discovery')];
    ctx.em.injectFault({ match: /backlog\/issue/, status: 429, retryAfter: 30 });
    const first = await sprintStartCheck(sprintStartedEvent(site.active));
    expect(first).toMatchObject({ _retry: true, retryOptions: { retryAfter: 30 } });
    await expect(sprintStartCheck(sprintStartedEvent(site.active))).resolves.toBeUndefined();
    for (const i of items) expect(inSprint(i.key)).toBe(false);
    expect(items.flatMap((i) => commentsOf(ctx.em, i.key))).toHaveLength(1);
  });

  it('a sprint that no longer exists: logged and dropped', async () => {
    const gone = { ...site.active, id: 999 };
    await expect(sprintStartCheck(sprintStartedEvent(gone))).resolves.toBeUndefined();
    expect(ctx.em.jiraCalls().map((c) => `${c.operationId}:${c.status}`)).toEqual([
      'getSprint:404',
    ]);
  });

  it('a sprint with only ready items: no comment at all', async () => {
    add('Story');
    await sprintStartCheck(sprintStartedEvent(site.active));
    expect(ctx.em.jiraCalls().map((c) => c.operationId)).toEqual([
      'getSprint',
      'getIssuesForSprint',
    ]);
  });

  it('a malformed event is dropped', async () => {
    await expect(sprintStartCheck({ sprint: { name: 'no id' } })).resolves.toBeUndefined();
    expect(ctx.em.jiraCalls()).toEqual([]);
  });
});

/** Every audit entry of DT, oldest first. */
async function auditEntries(): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await inInvocation(ctx.em, 'resolver', 'audit/list: listAudit', () =>
      listAudit('DT', cursor, 100),
    );
    out.push(...page.entries);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return out.reverse();
}

const retried = (event: object, retryCount: number) => ({
  ...event,
  retryContext: { retryCount, retryReason: 'FUNCTION_UPSTREAM_RATE_LIMITED', retryData: null },
});

const projectOverride = (override: unknown) => overrideProject(ctx.em, site, override);

const waiverFor = (issue: { id: string; key: string }, expiresOn: string) => ({
  issueId: issue.id,
  issueKey: issue.key,
  reason: 'Agreed with the PO for the hotfix',
  expiresOn,
  grantedBy: 'user-padmin',
  grantedAt: '2026-11-01T00:00:00.000Z',
});

describe('sprint-start check: resuming after a 429 decides again on fresh data', () => {
  it('55 unready items, 429 on the second batch of moves, one of the rest made ready meanwhile: it is not moved', async () => {
    const items = Array.from({ length: 55 }, () => add('Enabler'));
    ctx.em.injectFault({ match: /backlog\/issue/, status: 429, retryAfter: 120, skip: 1 });
    const event = sprintStartedEvent(site.active);

    const first = await sprintStartCheck(event);
    expect(first).toMatchObject({ _retry: true, retryOptions: { retryAfter: 120 } });
    expect(items.filter((i) => !inSprint(i.key))).toHaveLength(50);

    // Between the attempts someone completes the scoped outcome of one item still in the sprint.
    const remaining = items.filter((i) => inSprint(i.key));
    expect(remaining).toHaveLength(5);
    const nowReady = remaining[2]!;
    ctx.em.findIssue(nowReady.key)!.custom.set(site.scopedOutcome.id, COMPLETE_OUTCOME);
    ctx.em.resetCalls();

    await expect(sprintStartCheck(retried(event, 1))).resolves.toBeUndefined();

    // One bounded read of the 5 remaining items, one move of the 4 still unready, one comment.
    expect(ctx.em.jiraCalls().map((c) => c.operationId)).toEqual([
      'bulkFetchIssues',
      'moveIssuesToBacklog',
      'addComment',
    ]);
    expect(ctx.em.jiraCalls()[0]?.returnedIssues).toBe(remaining.length);
    expect(inSprint(nowReady.key)).toBe(true);
    for (const i of items) if (i !== nowReady) expect(inSprint(i.key)).toBe(false);

    const [summary] = commentText(ctx.em, items[0]!.key);
    expect(summary).toContain('54 item(s) were not sprint-ready');
    expect(summary).not.toContain(`${nowReady.key} (`);
    const audit = await auditEntries();
    expect(audit.filter((e) => e.action === 'moved-back')).toHaveLength(54);
    expect(audit.some((e) => e.issueKey === nowReady.key)).toBe(false);
  });

  it('a waiver granted between the attempts is honoured by the retry (and audited once)', async () => {
    const items = Array.from({ length: 52 }, () => add('Discovery'));
    ctx.em.injectFault({ match: /backlog\/issue/, status: 429, retryAfter: 60, skip: 1 });
    const event = sprintStartedEvent(site.active);
    await sprintStartCheck(event);
    const [a, b] = items.filter((i) => inSprint(i.key));
    ctx.em.kvs.seed(WAIVER_KEYS.book('DT'), { version: 1, waivers: [waiverFor(a!, '2099-01-01')] });

    await sprintStartCheck(retried(event, 1));

    expect(inSprint(a!.key)).toBe(true);
    expect(inSprint(b!.key)).toBe(false);
    const audit = await auditEntries();
    expect(audit.filter((e) => e.action === 'waived').map((e) => e.issueKey)).toEqual([a!.key]);
    expect(audit.filter((e) => e.action === 'moved-back')).toHaveLength(51);
  });
});

describe('sprint-start check: policies and waivers', () => {
  it('flag-only: unready items are flagged (label), stay in the sprint, one summary says so', async () => {
    projectOverride({ guard: { policy: 'flag-only' } });
    const unready = [add('Enabler'), add('Discovery')];
    ctx.em.resetCalls();

    await sprintStartCheck(sprintStartedEvent(site.active));

    for (const i of unready) {
      expect(inSprint(i.key)).toBe(true);
      expect(labelsOf(ctx.em, i.key)).toEqual(['dual-track-flagged']);
    }
    const ops = ctx.em.jiraCalls().map((c) => c.operationId);
    expect(ops).not.toContain('moveIssuesToBacklog');
    expect(ops.filter((o) => o === 'editIssue')).toHaveLength(2);
    expect(unready.flatMap((i) => commentsOf(ctx.em, i.key))).toHaveLength(1);
    expect(commentText(ctx.em, unready[0]!.key)[0]).toContain('flagged, stays in the sprint');
    expect((await auditEntries()).map((e) => e.action)).toEqual(['flagged', 'flagged']);
  });

  it('an unexpired waiver keeps its item in the sprint, out of the summary, audited as waived; an expired one does not', async () => {
    const waived = add('Enabler');
    const expired = add('Enabler');
    ctx.em.kvs.seed(WAIVER_KEYS.book('DT'), {
      version: 1,
      waivers: [waiverFor(waived, '2099-01-01'), waiverFor(expired, '2020-01-01')],
    });

    await sprintStartCheck(sprintStartedEvent(site.active));

    expect(inSprint(waived.key)).toBe(true);
    expect(inSprint(expired.key)).toBe(false);
    const [summary] = commentText(ctx.em, expired.key);
    expect(summary).toContain('1 item(s) were not sprint-ready');
    expect(summary).not.toContain(waived.key);
    const audit = await auditEntries();
    expect(audit.find((e) => e.issueKey === waived.key)).toMatchObject({
      action: 'waived',
      waiver: { grantedBy: 'user-padmin', reason: 'Agreed with the PO for the hotfix' },
    });
    expect(audit.find((e) => e.issueKey === expired.key)?.action).toBe('moved-back');
  });

  it('a retry after a 429 before any step does not audit the waiver twice', async () => {
    const waived = add('Enabler');
    const unready = add('Enabler');
    ctx.em.kvs.seed(WAIVER_KEYS.book('DT'), {
      version: 1,
      waivers: [waiverFor(waived, '2099-01-01')],
    });
    ctx.em.injectFault({ match: /backlog\/issue/, status: 429, retryAfter: 60 });
    const event = sprintStartedEvent(site.active);

    expect(await sprintStartCheck(event)).toMatchObject({ _retry: true });
    expect(await auditEntries()).toEqual([]);
    await sprintStartCheck(retried(event, 1));

    expect(inSprint(unready.key)).toBe(false);
    const audit = await auditEntries();
    expect(audit.filter((e) => e.action === 'waived')).toHaveLength(1);
    expect(audit.filter((e) => e.action === 'moved-back')).toHaveLength(1);
  });
});

describe('sprint-start check: the last retry Forge allows', () => {
  it('a 429 on the fifth delivery closes the event and audits the moves that failed', async () => {
    const items = Array.from({ length: 53 }, () => add('Enabler'));
    ctx.em.injectFault({
      match: /backlog\/issue/,
      status: 429,
      retryAfter: 30,
      skip: 1,
      times: 10,
    });
    const event = sprintStartedEvent(site.active);
    expect(await sprintStartCheck(event)).toMatchObject({ _retry: true });
    for (const n of [1, 2, 3]) {
      expect(await sprintStartCheck(retried(event, n))).toMatchObject({ _retry: true });
    }

    await expect(sprintStartCheck(retried(event, 4))).resolves.toBeUndefined();

    const audit = await auditEntries();
    expect(audit.filter((e) => e.action === 'moved-back')).toHaveLength(50);
    const failed = audit.filter((e) => e.action === 'failed');
    expect(failed.map((e) => e.issueKey).sort()).toEqual(
      items
        .filter((i) => inSprint(i.key))
        .map((i) => i.key)
        .sort(),
    );
    expect(failed[0]?.detail).toContain('gave up after 4 retries: rate-limited');
    // The claim is closed: the event delivered again does nothing.
    ctx.em.resetCalls();
    await sprintStartCheck(event);
    expect(ctx.em.jiraCalls()).toEqual([]);
    const claims = ctx.em.kvs
      .keys()
      .filter((k) => k.endsWith(`:sprint-start:${site.active.id}`))
      .map((k) => ctx.em.kvs.peek(k) as { state: string });
    expect(claims.map((c) => c.state)).toEqual(['done']);
  });
});

describe('sprint-start check: the scan limit', () => {
  it(`a sprint of more than ${SPRINT_SCAN_LIMIT} items goes to the queue: every item decided, nothing left unread`, async () => {
    const enabler = add('Enabler');
    for (let i = 0; i < SPRINT_SCAN_LIMIT + 4; i++) add('Story');

    await sprintStartCheck(sprintStartedEvent(site.active));
    // The trigger stops at the scan limit and hands the sprint over: nothing acted on yet.
    expect(ctx.em.jiraCalls().filter((c) => c.operationId === 'getIssuesForSprint')).toHaveLength(
      SPRINT_SCAN_LIMIT / 50,
    );
    const operations = ctx.em.jiraCalls().map((c) => c.operationId);
    expect(operations).not.toContain('moveIssuesToBacklog');
    expect(operations).not.toContain('addComment');
    expect(ctx.em.queue.pending).toHaveLength(1);

    const deliveries = await deliverQueue(ctx.em);
    expect(deliveries.every((d) => d.outcome === 'ok')).toBe(true);
    expect(inSprint(enabler.key)).toBe(false);
    const [summary] = commentText(ctx.em, enabler.key);
    expect(summary).toContain('1 item(s) were not sprint-ready');
    expect(summary).not.toContain('Not every item was checked');
  });
});
