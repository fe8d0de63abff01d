import type { EmIssue } from '../../dev/emulator/model';
import { handleSprintStarted } from '../../src/enforcement/sprint-start';
import { moveStep, type StartPlan } from '../../src/enforcement/sprint-start-plan';
import { useEmulator } from '../helpers/emulator';
import { inInvocation } from '../helpers/invoke';
import {
  auditLog,
  claimKeyOf,
  seedStoppedAttempt,
  addInSprint,
  commentText,
  rememberFieldIds,
  seedEnforcementSite,
  sprintStartedEvent,
  type EnforcementSite,
} from './enforcement-site';

/**
 * A sprint-started event delivered again after an attempt that stopped part-way (its claim left
 * pending with the plan and the steps done): the retry decides afresh only what was not done,
 * finishes the rest, and says it resumed; a claim it cannot take answers with a retry.
 */
const ctx = useEmulator();
const now = new Date('2026-11-20T10:00:00.000Z');
let site: EnforcementSite;

beforeEach(() => {
  site = seedEnforcementSite(ctx.em);
  rememberFieldIds(ctx.em, site);
});

const dedupeKey = () => `sprint-start:${site.active.id}`;
const check = () =>
  inInvocation(ctx.em, 'trigger', 'sprint-start: handleSprintStarted', () =>
    handleSprintStarted(sprintStartedEvent(site.active), { now }),
  );

function planFor(items: EmIssue[]): StartPlan {
  return {
    sprintId: site.active.id,
    sprintName: site.active.name,
    actor: 'user-member',
    flaggedFieldId: null,
    items: items.map((i) => ({
      issueId: i.id,
      key: i.key,
      projectKey: 'DT',
      typeName: 'Enabler',
      action: 'move-back' as const,
      rule: 'scoped-outcome' as const,
      missing: ['an outcome'],
    })),
    waived: [],
    unread: 0,
  };
}

const sprintsOf = (issue: EmIssue) =>
  (
    (ctx.em.findIssue(issue.key)?.custom.get(ctx.em.sprintField.id) as Array<{ id: number }>) ?? []
  ).map((s) => s.id);

const stoppedAttempt = (plan: unknown, done: string[]) =>
  seedStoppedAttempt(ctx.em, dedupeKey(), now, { plan, done });

describe('the sprint-start check resuming a stopped attempt', () => {
  it('keeps what was done, decides the rest afresh, and finishes the claim with every step', async () => {
    const [moved, left, still] = [
      addInSprint(ctx.em, site.active, 'Enabler'),
      addInSprint(ctx.em, site.active, 'Enabler'),
      addInSprint(ctx.em, site.active, 'Enabler'),
    ];
    ctx.em.setSprint(moved.key, undefined);
    ctx.em.setSprint(left.key, site.future.id);
    stoppedAttempt(planFor([moved, left, still]), [moveStep(moved.key)]);
    const warned = jest.spyOn(console, 'warn').mockImplementation(() => {});
    const result = await check();
    warned.mockRestore();
    expect(result).toMatchObject({
      status: 'checked',
      moved: [moved.key, still.key],
      resumed: true,
      spared: [left.key],
      unread: 0,
      unreadCounted: true,
    });
    expect(sprintsOf(left)).toEqual([site.future.id]);
    expect(commentText(ctx.em, moved.key).join('')).toContain(still.key);
    const claim = ctx.em.kvs.peek(claimKeyOf(dedupeKey(), now)) as {
      state: string;
      done: string[];
      outcome: string;
    };
    expect(claim.state).toBe('done');
    expect(claim.outcome).toBe('2 item(s) acted on');
    expect([...claim.done].sort()).toEqual(
      [moveStep(moved.key), moveStep(still.key), 'comment:DT', 'audit:DT'].sort(),
    );
    const audit = await auditLog(ctx.em);
    expect(audit.map((e) => e.issueKey).sort()).toEqual([moved.key, still.key].sort());
  });

  it('a stopped attempt that did nothing yet: decided afresh, not resumed', async () => {
    const item = addInSprint(ctx.em, site.active, 'Enabler');
    const gone = addInSprint(ctx.em, site.active, 'Enabler');
    stoppedAttempt(planFor([item, gone]), []);
    ctx.em.deleteIssue(gone.key);
    await expect(check()).resolves.toMatchObject({
      status: 'checked',
      moved: [item.key],
      resumed: false,
      spared: [],
    });
  });

  it('a recorded plan it cannot read: decided afresh', async () => {
    const item = addInSprint(ctx.em, site.active, 'Enabler');
    stoppedAttempt({ sprintId: 'seven' }, ['move:DT-99']);
    await expect(check()).resolves.toMatchObject({ moved: [item.key], resumed: false });
  });

  it('storage failing as it claims the event: asks to be retried, nothing done', async () => {
    const item = addInSprint(ctx.em, site.active, 'Enabler');
    ctx.em.kvs.failWrites(503, 5);
    const warned = jest.spyOn(console, 'warn').mockImplementation(() => {});
    const result = await check();
    warned.mockRestore();
    expect(result).toMatchObject({ kind: 'retry-later' });
    expect(commentText(ctx.em, item.key)).toEqual([]);
    expect(sprintsOf(item)).toEqual([site.active.id]);
  });
});
