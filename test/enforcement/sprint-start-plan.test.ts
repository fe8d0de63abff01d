import type { EmField, EmIssue } from '../../dev/emulator/model';
import {
  decide,
  decideItems,
  flagStep,
  moveStep,
  redecideRemaining,
  type StartPlan,
} from '../../src/enforcement/sprint-start-plan';
import { jiraAsApp } from '../../src/jira/jira-gateway';
import { KEYS, WAIVER_KEYS } from '../../src/storage/key-families';
import { COMPLETE_OUTCOME, useEmulator } from '../helpers/emulator';
import { inInvocation } from '../helpers/invoke';
import {
  addInSprint,
  overrideProject,
  rememberFieldIds,
  seedEnforcementSite,
  waiverBookFor,
  type EnforcementSite,
} from './enforcement-site';

/**
 * The sprint-start check's plan: what it decides for a sprint as it starts, for a part of a large
 * sprint, and again for the items a resumed attempt had not got to.
 */
const ctx = useEmulator();
const now = new Date('2026-11-20T10:00:00.000Z');
let site: EnforcementSite;
let triage: EmField;

beforeEach(() => {
  site = seedEnforcementSite(ctx.em);
  triage = ctx.em.addAppField('entry-triage', 'Entry triage');
  rememberFieldIds(ctx.em, site, { entryTriage: triage.id });
});

const inTrigger = <T>(name: string, fn: () => Promise<T>) =>
  inInvocation(ctx.em, 'trigger', `sprint-start: ${name}`, fn);
const decideNow = (sprintId = site.active.id) =>
  inTrigger('decide', () => decide(sprintId, 'user-member', jiraAsApp(), now));
const add = (type = 'Enabler') => addInSprint(ctx.em, site.active, type);

async function planOf(): Promise<StartPlan> {
  const plan = await decideNow();
  if (!('items' in plan)) throw new Error(`no plan: ${JSON.stringify(plan)}`);
  return plan;
}

describe('deciding a sprint as it starts', () => {
  it('a sprint Jira no longer has: ignored as gone', async () => {
    ctx.em.sprints.delete(site.active.id);
    const warned = jest.spyOn(console, 'warn').mockImplementation(() => {});
    await expect(decideNow()).resolves.toEqual({ status: 'ignored', reason: 'sprint-gone' });
    expect(warned).toHaveBeenCalledWith(
      `sprint-start: sprint ${site.active.id}: the sprint no longer exists or the app cannot see it`,
    );
    warned.mockRestore();
  });

  it('a sprint Jira refuses to read for another reason: the error, not "gone"', async () => {
    ctx.em.injectFault({ match: /^GET \/rest\/agile\/1\.0\/sprint\//, status: 400, times: 1 });
    await expect(decideNow()).rejects.toThrow();
  });

  it('a sprint no longer active: nothing to check', async () => {
    add();
    const sprint = ctx.em.sprints.get(site.active.id);
    if (sprint) sprint.state = 'closed';
    const warned = jest.spyOn(console, 'warn').mockImplementation(() => {});
    await expect(decideNow()).resolves.toEqual({ status: 'ignored', reason: 'sprint-not-active' });
    warned.mockRestore();
  });

  it('leaves out items of projects without Dual Track, or set up for another project of the key', async () => {
    ctx.em.addProject({ key: 'OPS', name: 'Operations' });
    const ops = ctx.em.addIssue({ projectKey: 'OPS', type: 'Enabler', summary: 'Not ours' });
    ctx.em.setSprint(ops.key, site.active.id);
    const ours = add();
    expect((await planOf()).items.map((i) => i.key)).toEqual([ours.key]);
    const mapping = ctx.em.kvs.peek(KEYS.trackMapping('DT')) as Record<string, unknown>;
    ctx.em.kvs.seed(KEYS.trackMapping('DT'), { ...mapping, projectId: '99999' });
    expect((await planOf()).items).toEqual([]);
  });

  it('words an entry-criteria item by what it misses, without the sentence end', async () => {
    overrideProject(ctx.em, site, { entry: { guardMovesBack: true } });
    const risky = ctx.em.addIssue({
      projectKey: 'DT',
      type: 'Story',
      summary: 'Pay by bank transfer',
      custom: { [triage.id]: { uncertainty: 'high', risk: 'low', reason: 'New provider' } },
    });
    ctx.em.setSprint(risky.key, site.active.id);
    const [item] = (await planOf()).items;
    expect(item).toMatchObject({ key: risky.key, action: 'move-back', rule: 'entry-criteria' });
    expect(item?.missing).toEqual([
      'Meets the discovery entry criteria (uncertainty high) but no validated discovery item or finished spike is linked: explore it first',
    ]);
  });
});

describe('a part of a large sprint', () => {
  it('decides only the items still in the sprint', async () => {
    const [stays, left] = [add(), add()];
    ctx.em.setSprint(left.key, site.future.id);
    const part = await inTrigger('decideItems', () =>
      decideItems(site.active.id, [stays.id, left.id], jiraAsApp(), now),
    );
    expect(part.items.map((i) => i.key)).toEqual([stays.key]);
    expect(part.flaggedFieldId).toBeNull();
  });
});

describe('a resumed attempt', () => {
  const redecide = (plan: StartPlan, done: Set<string>) =>
    inTrigger('redecideRemaining', () => redecideRemaining(plan, done, jiraAsApp(), now));
  const waiverEntry = (issue: EmIssue) => ({
    issueId: issue.id,
    key: issue.key,
    projectKey: 'DT',
    rule: 'scoped-outcome' as const,
    missing: ['an outcome'],
    waiver: { grantedBy: 'user-padmin', reason: 'agreed', expiresOn: '2099-01-01' },
  });

  it('with every item done: the plan as it was, read nothing', async () => {
    const moved = add();
    const plan = await planOf();
    ctx.em.resetCalls();
    const again = await redecide(plan, new Set([moveStep(moved.key)]));
    expect(again.plan).toBe(plan);
    expect(again.spared).toEqual([]);
    expect(ctx.em.jiraCalls()).toEqual([]);
  });

  it('drops items gone, moved out of the sprint, ready or waived now; keeps the rest and what was done', async () => {
    const [done, gone, away, waivedNow, readyNow, still] = [
      add(),
      add(),
      add(),
      add(),
      add(),
      add(),
    ];
    const earlierWaived = ctx.em.addIssue({ projectKey: 'DT', type: 'Enabler', summary: 'Waived' });
    const plan = { ...(await planOf()), waived: [waiverEntry(earlierWaived)] };
    ctx.em.issues.get(readyNow.id)?.custom.set(site.scopedOutcome.id, COMPLETE_OUTCOME);
    ctx.em.deleteIssue(gone.key);
    ctx.em.setSprint(away.key, site.future.id);
    ctx.em.kvs.seed(WAIVER_KEYS.book('DT'), waiverBookFor(waivedNow, '2099-01-01'));
    overrideProject(ctx.em, site, { guard: { policy: 'flag-only' } });
    const warned = jest.spyOn(console, 'warn').mockImplementation(() => {});
    const again = await redecide(plan, new Set([moveStep(done.key)]));
    warned.mockRestore();
    expect(again.spared.sort()).toEqual([gone.key, away.key, waivedNow.key, readyNow.key].sort());
    expect(again.plan.items.map((i) => [i.key, i.action])).toEqual([
      [done.key, 'move-back'],
      [still.key, 'flag'],
    ]);
    expect(again.plan.waived.map((w) => w.key)).toEqual([earlierWaived.key, waivedNow.key]);
  });

  it('an item flagged before stays as it was, whatever it is now', async () => {
    overrideProject(ctx.em, site, { guard: { policy: 'flag-only' } });
    const flagged = add();
    const plan = await planOf();
    ctx.em.deleteIssue(flagged.key);
    const again = await redecide(plan, new Set([flagStep(flagged.key)]));
    expect(again.plan.items.map((i) => i.key)).toEqual([flagged.key]);
    expect(again.spared).toEqual([]);
  });
});
