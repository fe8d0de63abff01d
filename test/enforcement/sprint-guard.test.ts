import { addFlaggedField, commentsOf, labelsOf } from '../../dev/emulator/routes/enforcement';
import type { EmIssue } from '../../dev/emulator/model';
import * as handlers from '../../src/index';
import { InvocationLimitError } from '../../dev/emulator/invocation';
import { handleSprintGuardEvent } from '../../src/enforcement/sprint-guard';
import { CLAIM_STALE_MS } from '../../src/storage/enforcement-store';
import { type AuditPage } from '../../src/storage/audit-store';
import { COMPLETE_OUTCOME, useEmulator } from '../helpers/emulator';
import { callResolver, runTrigger } from '../helpers/invoke';
import {
  addEnabler,
  commentText,
  dragIntoSprint,
  waiverBookFor,
  createdEvent,
  seedEnforcementSite,
  sprintChangeEvent,
  type EnforcementSite,
  rememberFieldIds,
  overrideProject,
} from './enforcement-site';
import { AUDIT_KEYS, ENFORCEMENT_KEYS, KEYS, WAIVER_KEYS } from '../../src/storage/key-families';

/**
 * The sprint guard, driven through the exported trigger handler with the documented
 * `avi:jira:updated:issue` / `avi:jira:created:issue` payloads, against the emulated site.
 */
const ctx = useEmulator();

/** Each call is one invocation of the real handler, as Forge makes it (test/helpers/invoke.ts). */
const sprintGuard = (event: unknown) => runTrigger(ctx.em, handlers.sprintGuard, event);
let site: EnforcementSite;

beforeEach(() => {
  site = seedEnforcementSite(ctx.em);
  rememberFieldIds(ctx.em, site);
});

const enabler = (custom?: unknown, type = 'Enabler') => addEnabler(ctx.em, site, custom, type);
const dragInto = (issue: EmIssue, sprint = site.active, changelogId = '50001') =>
  dragIntoSprint(ctx.em, issue, sprint, changelogId);

const inSprint = (issue: EmIssue) =>
  ((ctx.em.issues.get(issue.id)?.custom.get(ctx.em.sprintField.id) as unknown[]) ?? []).length > 0;
const ops = () => ctx.em.jiraCalls().map((c) => `${c.operationId}:${c.status}`);

async function auditOf(projectKey = 'DT'): Promise<AuditPage> {
  const result = await callResolver<AuditPage>(
    ctx.em,
    'audit/list',
    site.projectAdmin,
    {},
    { extension: { project: { id: site.projectId, key: projectKey } } },
  );
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.data;
}

describe('sprint guard: move back (the default policy)', () => {
  it('an enabler dragged into a sprint without a scoped outcome is moved back once with one comment, though the event comes twice', async () => {
    const issue = enabler();
    const event = dragInto(issue);
    ctx.em.resetCalls();

    await expect(sprintGuard(event)).resolves.toBeUndefined();
    await expect(sprintGuard(event)).resolves.toBeUndefined();

    expect(inSprint(issue)).toBe(false);
    expect(ops()).toEqual(['getIssue:200', 'moveIssuesToBacklog:204', 'addComment:201']);
    expect(ctx.em.jiraCalls().every((c) => c.provider === 'app')).toBe(true);
    const [text, ...more] = commentText(ctx.em, issue.key);
    expect(more).toEqual([]);
    expect(text).toContain('Dual Track moved this item back to the backlog.');
    expect(text).toContain('was added to sprint "Sprint 7" by @user-member');
    expect(text).toContain('add an outcome statement');
    expect(text).toContain('add a success measure');
    // It says where a waiver is granted (the project settings section).
    expect(text).toContain('Project settings → Dual Track → Waivers and audit log');
    const audit = await auditOf();
    expect(audit.entries).toHaveLength(1);
    expect(audit.entries[0]).toMatchObject({
      action: 'moved-back',
      source: 'sprint-guard',
      rule: 'scoped-outcome',
      issueKey: issue.key,
      actor: 'user-member',
      sprintId: site.active.id,
    });
  });

  it('a ready enabler stays in the sprint: one Jira call, nothing written to Jira', async () => {
    const issue = enabler(COMPLETE_OUTCOME);
    const event = dragInto(issue);
    ctx.em.resetCalls();
    await sprintGuard(event);
    expect(inSprint(issue)).toBe(true);
    expect(ops()).toEqual(['getIssue:200']);
  });

  it('an unvalidated discovery idea is moved back, naming the missing evidence', async () => {
    const idea = ctx.em.addIssue({ projectKey: 'DT', type: 'Discovery', summary: 'Idea' });
    await sprintGuard(dragInto(idea, site.future));
    expect(inSprint(idea)).toBe(false);
    expect(commentText(ctx.em, idea.key)[0]).toContain('0 of 3 interviews, 0 of 1 usability test');
  });

  it('a story (delivery track) is never touched', async () => {
    const story = ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: 'Build it' });
    await sprintGuard(dragInto(story));
    expect(inSprint(story)).toBe(true);
    expect(commentsOf(ctx.em, story.key)).toEqual([]);
  });

  it('an issue created straight into a sprint is moved back', async () => {
    const issue = enabler({ outcome: 'TBD' });
    ctx.em.setSprint(issue.key, site.active.id);
    await sprintGuard(createdEvent(ctx.em, issue));
    expect(inSprint(issue)).toBe(false);
    expect(commentText(ctx.em, issue.key)[0]).toContain('was created in sprint "Sprint 7"');
  });
});

describe('sprint guard: flag only', () => {
  beforeEach(() => {
    overrideProject(ctx.em, site, { guard: { policy: 'flag-only' } });
  });

  it("sets Jira's Flagged field to Impediment and comments; the item stays", async () => {
    const flagged = addFlaggedField(ctx.em);
    ctx.em.kvs.seed(ENFORCEMENT_KEYS.fields, { flagged: flagged.id });
    const issue = enabler();
    await sprintGuard(dragInto(issue));
    expect(inSprint(issue)).toBe(true);
    expect(ctx.em.issues.get(issue.id)?.custom.get(flagged.id)).toEqual([{ value: 'Impediment' }]);
    expect(commentText(ctx.em, issue.key)[0]).toContain('Dual Track flagged this item.');
    expect((await auditOf()).entries[0]?.action).toBe('flagged');
  });

  it('uses the dual-track-flagged label on a site without the Flagged field', async () => {
    const issue = enabler();
    await sprintGuard(dragInto(issue));
    expect(inSprint(issue)).toBe(true);
    expect(labelsOf(ctx.em, issue.key)).toEqual(['dual-track-flagged']);
  });
});

describe('sprint guard: waivers', () => {
  const waiverBook = (expiresOn: string, issue: EmIssue) => waiverBookFor(issue, expiresOn);

  it('an unexpired waiver lets the item stay and the audit shows who approved it and why', async () => {
    const issue = enabler();
    ctx.em.kvs.seed(WAIVER_KEYS.book('DT'), waiverBook('2099-01-01', issue));
    await sprintGuard(dragInto(issue));
    expect(inSprint(issue)).toBe(true);
    expect(commentsOf(ctx.em, issue.key)).toEqual([]);
    expect((await auditOf()).entries[0]).toMatchObject({
      action: 'waived',
      waiver: { grantedBy: 'user-padmin', reason: 'Hotfix spike agreed with the PO' },
    });
  });

  it('an expired waiver is ignored', async () => {
    const issue = enabler();
    ctx.em.kvs.seed(WAIVER_KEYS.book('DT'), waiverBook('2020-01-01', issue));
    await sprintGuard(dragInto(issue));
    expect(inSprint(issue)).toBe(false);
  });
});

describe('sprint guard: faults and odd events', () => {
  it('429 on the move: InvocationError with Retry-After, then the retried event completes once', async () => {
    const issue = enabler();
    const event = dragInto(issue);
    ctx.em.injectFault({
      match: /POST \/rest\/agile\/1\.0\/backlog\/issue/,
      status: 429,
      retryAfter: 120,
    });

    const first = await sprintGuard(event);
    expect(first).toMatchObject({ _retry: true, retryOptions: { retryAfter: 120 } });
    expect(inSprint(issue)).toBe(true);

    await expect(sprintGuard(event)).resolves.toBeUndefined();
    expect(inSprint(issue)).toBe(false);
    expect(commentsOf(ctx.em, issue.key)).toHaveLength(1);
    await expect(sprintGuard(event)).resolves.toBeUndefined();
    expect(commentsOf(ctx.em, issue.key)).toHaveLength(1);
  });

  it('a 503 on the comment after the move: the retry posts the comment, not a second move', async () => {
    const issue = enabler();
    const event = dragInto(issue);
    ctx.em.injectFault({ match: /POST \/rest\/api\/3\/issue\/[^/]+\/comment/, status: 503 });

    const first = await sprintGuard(event);
    expect(first).toMatchObject({ _retry: true, retryOptions: { retryAfter: 60 } });
    expect(inSprint(issue)).toBe(false);
    ctx.em.resetCalls();

    await sprintGuard(event);
    expect(ops()).toEqual(['addComment:201']);
    expect(commentsOf(ctx.em, issue.key)).toHaveLength(1);
    expect((await auditOf()).entries).toHaveLength(1);
  });

  it('an attempt stopped at its time limit during the move: a later delivery takes the stale claim over and finishes the plan, audited once', async () => {
    const issue = enabler();
    const event = dragInto(issue);
    const started = new Date();
    const guardAt = (now: Date) =>
      ctx.em.invocations.run('trigger', 'sprintGuard', () =>
        handleSprintGuardEvent(event, { now }),
      );
    // Jira moves the item, but its answer comes after the trigger's 25 s: the attempt is
    // stopped there and runs no more code (no comment, no audit, nothing suspended).
    const calls = ctx.em.calls;
    const push = calls.push.bind(calls);
    calls.push = (...records) => {
      if (records.some((r) => r.operationId === 'moveIssuesToBacklog')) ctx.em.latencyMs = 30_000;
      return push(...records);
    };
    try {
      await expect(guardAt(started)).rejects.toBeInstanceOf(InvocationLimitError);
    } finally {
      calls.push = push;
      ctx.em.latencyMs = 0;
      ctx.em.violations.length = 0; // the stop at the limit, which this test makes happen
    }
    expect(inSprint(issue)).toBe(false);
    expect(commentsOf(ctx.em, issue.key)).toEqual([]);
    expect((await auditOf()).entries).toHaveLength(0);

    ctx.em.resetCalls();
    const later = new Date(started.getTime() + CLAIM_STALE_MS + 1000);
    await expect(guardAt(later)).resolves.toMatchObject({ status: 'moved-back', resumed: true });
    // The recorded plan is finished without deciding again (the item is no longer in a sprint).
    expect(ops()).toEqual(['moveIssuesToBacklog:204', 'addComment:201']);
    expect(commentsOf(ctx.em, issue.key)).toHaveLength(1);
    const audit = await auditOf();
    expect(audit.entries).toHaveLength(1);
    expect(audit.entries[0]).toMatchObject({ action: 'moved-back', issueKey: issue.key });
  });

  it('the retry after a fault before any step decides again on fresh data', async () => {
    const issue = enabler();
    const event = dragInto(issue);
    ctx.em.injectFault({ match: /GET \/rest\/api\/3\/issue\//, status: 500 });
    expect(await sprintGuard(event)).toMatchObject({ _retry: true });
    // Meanwhile someone took it out of the sprint: the retry does nothing.
    ctx.em.setSprint(issue.key, undefined);
    ctx.em.resetCalls();
    await sprintGuard(event);
    expect(ops()).toEqual(['getIssue:200']);
    expect(commentsOf(ctx.em, issue.key)).toEqual([]);
  });

  it('out of order: an old event for an item no longer in a sprint does nothing', async () => {
    const issue = enabler();
    const event = dragInto(issue);
    ctx.em.setSprint(issue.key, undefined);
    await sprintGuard(event);
    expect(commentsOf(ctx.em, issue.key)).toEqual([]);
  });

  it('a project that is not dual-track: no Jira call at all', async () => {
    ctx.em.addProject({ key: 'OPS' });
    const board = ctx.em.addBoard({ projectKey: 'OPS' });
    const sprint = ctx.em.addSprint({ boardId: board.id, name: 'Ops 1', state: 'active' });
    const issue = ctx.em.addIssue({ projectKey: 'OPS', type: 'Enabler', summary: 'x' });
    const event = dragInto(issue, sprint);
    ctx.em.resetCalls();
    await expect(sprintGuard(event)).resolves.toBeUndefined();
    expect(ctx.em.jiraCalls()).toEqual([]);
  });

  it('a deleted issue: logged and dropped', async () => {
    const issue = enabler();
    const event = dragInto(issue);
    ctx.em.deleteIssue(issue.key);
    await expect(sprintGuard(event)).resolves.toBeUndefined();
    expect(ops()).toEqual(['getIssue:404']);
  });

  it('the app lacking Schedule issues: logged, nothing thrown, no comment', async () => {
    ctx.em.projectByKey('DT').appPermissions.delete('SCHEDULE_ISSUES');
    const issue = enabler();
    await expect(sprintGuard(dragInto(issue))).resolves.toBeUndefined();
    expect(inSprint(issue)).toBe(true);
    expect(commentsOf(ctx.em, issue.key)).toEqual([]);
  });

  it('a site without a Sprint field: logged and dropped', async () => {
    ctx.em.kvs.seed(KEYS.jiraFields, { scopedOutcome: site.scopedOutcome.id });
    ctx.em.fields.delete(ctx.em.sprintField.id);
    const issue = enabler();
    const event = sprintChangeEvent(ctx.em, issue, { to: site.active });
    await expect(sprintGuard(event)).resolves.toBeUndefined();
    expect(ops()).toEqual(['getFields:200']);
  });

  it.each([
    ['no issue', { eventType: 'avi:jira:updated:issue' }],
    ['an issue without a project', { issue: { id: '1', key: 'DT-1', fields: {} } }],
    [
      'a non-numeric issue id',
      { issue: { id: 'x', key: 'DT-1', fields: { project: { id: '1', key: 'DT' } } } },
    ],
    ['nothing', null],
  ])('a malformed event (%s) is dropped without a call', async (_label, event) => {
    await expect(sprintGuard(event)).resolves.toBeUndefined();
    expect(ctx.em.jiraCalls()).toEqual([]);
  });

  it('an edit of another field or a removal from a sprint never reads Jira', async () => {
    const issue = enabler();
    const removal = sprintChangeEvent(ctx.em, issue, { to: site.active });
    removal.changelog.items[0] = {
      ...removal.changelog.items[0]!,
      from: String(site.active.id),
      to: '',
    };
    const summary = {
      ...removal,
      changelog: {
        id: '2',
        items: [
          {
            field: 'summary',
            fieldtype: 'jira',
            fieldId: 'summary',
            from: 'a',
            fromString: 'a',
            to: 'b',
            toString: 'b',
          },
        ],
      },
    };
    await sprintGuard(removal);
    await sprintGuard(summary);
    expect(ctx.em.jiraCalls()).toEqual([]);
    expect(ctx.em.kvs.peek(AUDIT_KEYS.head('DT'))).toBeUndefined();
  });
});

describe('sprint guard: the last retry Forge allows (retryContext.retryCount)', () => {
  const retried = (event: object, retryCount: number) => ({
    ...event,
    retryContext: { retryCount, retryReason: 'FUNCTION_UPSTREAM_RATE_LIMITED', retryData: null },
  });
  const claimsOf = (issue: EmIssue) =>
    ctx.em.kvs
      .keys()
      .filter((k) => k.startsWith('guard:event:') && k.endsWith(`:${issue.id}:50001`))
      .map((k) => ctx.em.kvs.peek(k) as { state: string; outcome?: string });

  it('retries are asked for until the 4th retry; a 429 then closes the event and audits the failed move', async () => {
    const issue = enabler();
    const event = dragInto(issue);
    ctx.em.injectFault({ match: /backlog\/issue/, status: 429, retryAfter: 120, times: 5 });

    expect(await sprintGuard(event)).toMatchObject({ _retry: true });
    for (const n of [1, 2, 3]) {
      expect(await sprintGuard(retried(event, n))).toMatchObject({ _retry: true });
    }
    expect((await auditOf()).entries).toEqual([]);

    await expect(sprintGuard(retried(event, 4))).resolves.toBeUndefined();

    expect(inSprint(issue)).toBe(true);
    const [entry] = (await auditOf()).entries;
    expect(entry).toMatchObject({
      action: 'failed',
      source: 'sprint-guard',
      rule: 'scoped-outcome',
      issueKey: issue.key,
      actor: 'user-member',
      sprintId: site.active.id,
    });
    expect(entry?.detail).toContain('Could not move it back');
    expect(entry?.detail).toContain('gave up after 4 retries: rate-limited');
    const claims = claimsOf(issue);
    expect(claims.map((c) => c.state)).toEqual(['done']);
    expect(claims[0]?.outcome).toContain('gave up after 4 retries');
    // Delivered once more: a duplicate, nothing read or written.
    ctx.em.resetCalls();
    await sprintGuard(event);
    expect(ops()).toEqual([]);
  });

  it('a failure after the move on the last attempt: the audit says what was done', async () => {
    const issue = enabler();
    const event = dragInto(issue);
    ctx.em.injectFault({
      match: /POST \/rest\/api\/3\/issue\/[^/]+\/comment/,
      status: 503,
      times: 2,
    });
    expect(await sprintGuard(event)).toMatchObject({ _retry: true });
    expect(inSprint(issue)).toBe(false);

    await expect(sprintGuard(retried(event, 4))).resolves.toBeUndefined();

    const [entry] = (await auditOf()).entries;
    expect(entry?.action).toBe('failed');
    expect(entry?.detail).toContain('steps done: move-back');
    expect(claimsOf(issue).map((c) => c.state)).toEqual(['done']);
  });

  it('an issue deleted before the last attempt: closed with its reason, no failed entry', async () => {
    const issue = enabler();
    const event = dragInto(issue);
    ctx.em.deleteIssue(issue.key);
    await expect(sprintGuard(retried(event, 4))).resolves.toBeUndefined();
    expect((await auditOf()).entries).toEqual([]);
  });

  it('a last attempt that could not even read the item: audited as not checked, nothing changed', async () => {
    const issue = enabler();
    const event = dragInto(issue);
    ctx.em.injectFault({ match: /^GET \/rest\/api\/3\/issue\//, status: 503, times: 20 });
    await expect(sprintGuard(retried(event, 4))).resolves.toBeUndefined();
    const [entry] = (await auditOf()).entries;
    expect(entry).toMatchObject({
      action: 'failed',
      rule: 'sprint-guard',
      issueId: issue.id,
      issueKey: issue.key,
    });
    expect(entry?.detail).toMatch(
      /^Could not check it after it entered a sprint \(.+\); nothing was changed\.$/,
    );
    expect(entry).not.toHaveProperty('sprintId');
    expect(inSprint(issue)).toBe(true);
  });

  it('a flag that failed on the last attempt: audited as a flag not made, with what is missing', async () => {
    overrideProject(ctx.em, site, { guard: { policy: 'flag-only' } });
    const issue = enabler();
    const event = dragInto(issue);
    ctx.em.injectFault({ match: /^PUT \/rest\/api\/3\/issue\//, status: 503, times: 20 });
    await expect(sprintGuard(retried(event, 4))).resolves.toBeUndefined();
    const [entry] = (await auditOf()).entries;
    expect(entry).toMatchObject({ action: 'failed', rule: 'scoped-outcome', issueKey: issue.key });
    expect(entry?.detail).toMatch(
      new RegExp(
        `^Could not flag it after it entered sprint "${site.active.name}" \\(.+\\); steps done: none\\. Missing: .+\\.$`,
      ),
    );
  });
});
