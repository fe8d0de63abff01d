import type { EmField, EmIssue } from '../../dev/emulator/model';
import {
  decide,
  decideItems,
  entryVerdictsByItem,
  fieldIds,
  flagStep,
  moveStep,
  onDiscoveryTrack,
  redecideRemaining,
  verdictOf,
  type StartPlan,
} from '../../src/enforcement/sprint-start-plan';
import { readItems, type Item } from '../../src/items/item-facts';
import {
  readEnforcementContext,
  type EnforcementContext,
} from '../../src/storage/enforcement-store';
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
    expect(warned).toHaveBeenCalledWith(
      `sprint-start: sprint ${site.active.id}: the sprint is closed now; nothing to check`,
    );
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

  it('a sprint read whole logs nothing', async () => {
    add();
    const warned = jest.spyOn(console, 'warn').mockImplementation(() => {});
    const errors = jest.spyOn(console, 'error').mockImplementation(() => {});
    expect((await planOf()).items).toHaveLength(1);
    expect([...warned.mock.calls, ...errors.mock.calls]).toEqual([]);
    warned.mockRestore();
    errors.mockRestore();
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

describe('which items the policy covers', () => {
  /** The items as the check reads them, and DT's enforcement context. */
  async function readBack(issues: EmIssue[]): Promise<{ items: Item[]; dt: EnforcementContext }> {
    return inTrigger('read', async () => {
      const jira = jiraAsApp();
      const { items } = await readItems(
        jira,
        issues.map((i) => i.id),
        await fieldIds(jira),
      );
      return { items, dt: await readEnforcementContext('DT') };
    });
  }

  it('an item is on the discovery track only in a project set up with Dual Track, for that project', async () => {
    const idea = add('Discovery');
    const story = add('Story');
    const { items, dt } = await readBack([idea, story]);
    const [ideaItem, storyItem] = items;
    const on = (contexts: Map<string, EnforcementContext>, item: Item | undefined) =>
      onDiscoveryTrack(contexts)(item!);
    expect(on(new Map([['DT', dt]]), ideaItem)).toBe(true);
    expect(on(new Map([['DT', dt]]), storyItem)).toBe(false);
    expect(on(new Map(), ideaItem)).toBe(false);
    expect(on(new Map([['DT', { ...dt, mapping: undefined }]]), ideaItem)).toBe(false);
    const elsewhere = { ...dt, mapping: { ...dt.mapping!, projectId: '99999' } };
    expect(on(new Map([['DT', elsewhere]]), ideaItem)).toBe(false);
  });

  it('an unscoped enabler is acted on only under its own project’s mapping', async () => {
    const enabler = add('Enabler');
    const { items, dt } = await readBack([enabler]);
    const item = items[0]!;
    expect(verdictOf(item, dt, undefined, now)).toMatchObject({ kind: 'act' });
    expect(verdictOf(item, undefined, undefined, now)).toEqual({ kind: 'ready' });
    expect(verdictOf(item, { ...dt, mapping: undefined }, undefined, now)).toEqual({
      kind: 'ready',
    });
    const elsewhere = { ...dt, mapping: { ...dt.mapping!, projectId: '99999' } };
    expect(verdictOf(item, elsewhere, undefined, now)).toEqual({ kind: 'ready' });
  });

  it('entry verdicts are read for the items of each project under its own mapping only', async () => {
    ctx.em.addProject({ key: 'OPS', name: 'Operations' });
    const ops = ctx.em.addIssue({ projectKey: 'OPS', type: 'Story', summary: 'Not ours' });
    const story = add('Story');
    const { items, dt } = await readBack([story, ops]);
    const verdicts = (contexts: Map<string, EnforcementContext>) =>
      inTrigger('entry', async () => {
        const jira = jiraAsApp();
        return [...(await entryVerdictsByItem(items, contexts, await fieldIds(jira), jira)).keys()];
      });
    await expect(verdicts(new Map([['DT', dt]]))).resolves.toEqual([story.id]);
    const elsewhere = { ...dt, mapping: { ...dt.mapping!, projectId: '99999' } };
    await expect(verdicts(new Map([['DT', elsewhere]]))).resolves.toEqual([]);
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
    const lines = warned.mock.calls.map((c) => String(c[0]));
    warned.mockRestore();
    expect(again.spared.sort()).toEqual([gone.key, away.key, waivedNow.key, readyNow.key].sort());
    const sprint = `sprint-start: sprint ${site.active.id}:`;
    expect(lines).toEqual(
      expect.arrayContaining([
        `${sprint} ${gone.key} is gone or no longer in the sprint; left alone`,
        `${sprint} ${away.key} is gone or no longer in the sprint; left alone`,
        `${sprint} ${waivedNow.key} is waived now; left alone`,
        `${sprint} ${readyNow.key} is ready now; left alone`,
      ]),
    );
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
