import { commentsOf } from '../../dev/emulator/routes/enforcement';
import { sprintStartCheck } from '../../src/index';
import { AUDIT_KEYS } from '../../src/storage/audit-store';
import { ENFORCEMENT_KEYS } from '../../src/storage/enforcement-store';
import { KEYS } from '../../src/storage/kvs-store';
import { COMPLETE_OUTCOME, useEmulator } from '../helpers/emulator';
import {
  commentText,
  seedEnforcementSite,
  sprintStartedEvent,
  type EnforcementSite,
} from './enforcement-site';

/**
 * The sprint-start check, driven through the exported trigger handler with the documented
 * `avi:jira-software:started:sprint` payload (`{ sprint }`, no issue list).
 */
const ctx = useEmulator();
let site: EnforcementSite;

beforeEach(() => {
  site = seedEnforcementSite(ctx.em);
  ctx.em.kvs.seed(KEYS.jiraFields, {
    scopedOutcome: site.scopedOutcome.id,
    sprint: ctx.em.sprintField.id,
  });
  ctx.em.kvs.seed(ENFORCEMENT_KEYS.fields, { flagged: null });
});

function add(type: string, custom: Record<string, unknown> = {}) {
  const issue = ctx.em.addIssue({ projectKey: 'DT', type, summary: `${type} item`, custom });
  ctx.em.setSprint(issue.key, site.active.id);
  return issue;
}

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
