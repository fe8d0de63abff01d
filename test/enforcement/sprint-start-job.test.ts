import { takeOffEditScreen } from '../../dev/emulator/edit-screens';
import type { EmIssue } from '../../dev/emulator/model';
import {
  auditStoppedSprintCheck,
  PART_ITEMS,
  queueSprintCheck,
  runSprintStartStep,
} from '../../src/enforcement/sprint-start-job';
import { readJob } from '../../src/storage/job-store';
import { SPRINT_JOB_KEYS } from '../../src/storage/key-families';
import { deliverQueue, inInvocation } from '../helpers/invoke';
import { useEmulator } from '../helpers/emulator';
import {
  addInSprint,
  auditLog,
  commentText,
  overrideProject,
  rememberFieldIds,
  seedEnforcementSite,
  type EnforcementSite,
} from './enforcement-site';

/**
 * The steps of the queued sprint-start check, one at a time: who the job runs as, a repeated
 * event, a stale step, its progress, what a failing step keeps, and what a job stopped for good
 * audits in each phase.
 */
const ctx = useEmulator();
const now = new Date('2026-11-20T10:00:00.000Z');
let site: EnforcementSite;

beforeEach(() => {
  site = seedEnforcementSite(ctx.em);
  rememberFieldIds(ctx.em, site);
});

const scope = () => `sprint-${site.active.id}`;
const queue = (actor: string | undefined) =>
  inInvocation(ctx.em, 'trigger', 'sprint-start: queueSprintCheck', () =>
    queueSprintCheck({ sprintId: site.active.id, sprintName: site.active.name, actor, now }),
  );
const job = () => inInvocation(ctx.em, 'resolver', 'job', () => readJob('sprint-start', scope()));
const step = async () => deliverQueue(ctx.em, { maxDeliveries: 1 });

/** `unready` Enablers without an outcome, then `ready` Stories, all in the active sprint. */
function sprintOf(unready: number, ready = 0): EmIssue[] {
  const out: EmIssue[] = [];
  for (let i = 0; i < unready; i++) out.push(addInSprint(ctx.em, site.active, 'Enabler'));
  for (let i = 0; i < ready; i++) addInSprint(ctx.em, site.active, 'Story');
  return out;
}

const audit = () => auditLog(ctx.em);

const stop = (reason: string) =>
  inInvocation(ctx.em, 'consumer', 'long-work: auditStoppedSprintCheck', async () => {
    const record = await readJob('sprint-start', scope());
    if (!record) throw new Error('no job');
    await auditStoppedSprintCheck({ scope: scope(), generation: record.generation }, reason, now);
  });

describe('the queued sprint-start check', () => {
  it('runs as the actor who started the sprint, and names them in the summary and audit', async () => {
    const [first] = sprintOf(2);
    await expect(queue('user-member')).resolves.toEqual({ generation: 1, joined: false });
    expect((await job())?.startedBy).toBe('user-member');
    await deliverQueue(ctx.em);
    expect(commentText(ctx.em, first?.key ?? '').join('')).toContain('(started by @user-member)');
    expect((await audit()).map((e) => e.actor)).toEqual(['user-member', 'user-member']);
  });

  it('without an actor, runs as the app and names no one', async () => {
    const [first] = sprintOf(1);
    await queue(undefined);
    expect((await job())?.startedBy).toBe('app');
    await deliverQueue(ctx.em);
    expect(commentText(ctx.em, first?.key ?? '').join('')).not.toContain('started by');
    expect((await audit())[0]?.actor).toBeNull();
  });

  it('a repeated event joins the job: the same generation, one step queued', async () => {
    sprintOf(1);
    await queue('user-member');
    await expect(queue('user-member')).resolves.toEqual({ generation: 1, joined: true });
    expect(ctx.em.queue.pending).toHaveLength(1);
    await deliverQueue(ctx.em);
  });

  it('reports progress by part and ends done, leaving no part behind', async () => {
    sprintOf(1, 2 * PART_ITEMS);
    const total = 2 * PART_ITEMS + 1;
    await queue('user-member');
    await step();
    expect(await job()).toMatchObject({ state: 'running', progress: { done: 0, total } });
    await step();
    expect((await job())?.progress).toEqual({ done: PART_ITEMS, total });
    await step();
    await step();
    expect((await job())?.progress).toEqual({ done: total, total });
    await step();
    expect(await job()).toMatchObject({ state: 'done', progress: { done: total, total } });
    const parts = (list: 'items' | 'plan') =>
      [0, 1, 2, 3].map((i) => SPRINT_JOB_KEYS.part(site.active.id, 1, list, i));
    expect(
      ctx.em.kvs.keys().filter((k) => [...parts('items'), ...parts('plan')].includes(k)),
    ).toEqual([]);
  });

  it('a stale step event does nothing', async () => {
    sprintOf(1);
    await queue('user-member');
    await step();
    ctx.em.resetCalls();
    const record = await job();
    await inInvocation(ctx.em, 'consumer', 'long-work: runSprintStartStep', () =>
      runSprintStartStep({ scope: scope(), generation: record?.generation ?? 0, step: 0 }, now),
    );
    expect(ctx.em.jiraCalls()).toEqual([]);
    expect((await job())?.steps).toBe(record?.steps);
  });

  it('flags each flag-only item once, and words the flags no screen allowed', async () => {
    overrideProject(ctx.em, site, { guard: { policy: 'flag-only' } });
    takeOffEditScreen(ctx.em, 'DT', 'labels', 'Enabler');
    const items = sprintOf(2);
    await queue('user-member');
    await step();
    await step();
    const puts = () => ctx.em.jiraCalls().filter((c) => c.method === 'PUT').length;
    const flagged = puts();
    expect(flagged).toBeGreaterThanOrEqual(items.length);
    await deliverQueue(ctx.em);
    expect(commentText(ctx.em, items[0]?.key ?? '').join('')).toContain(
      'could not be flagged, stays in the sprint',
    );
    expect((await audit()).map((e) => e.action)).toEqual(['failed', 'failed']);
    expect(puts()).toBe(flagged);
  });

  it('the last step flags nothing a part flagged', async () => {
    overrideProject(ctx.em, site, { guard: { policy: 'flag-only' } });
    const items = sprintOf(2);
    await queue('user-member');
    await step();
    await step();
    const puts = () => ctx.em.jiraCalls().filter((c) => c.method === 'PUT').length;
    expect(puts()).toBe(items.length);
    await deliverQueue(ctx.em);
    expect(puts()).toBe(items.length);
    expect((await audit()).map((e) => e.action)).toEqual(['flagged', 'flagged']);
  });

  it('a failing part keeps what it did before the failure', async () => {
    overrideProject(ctx.em, site, { guard: { policy: 'flag-only' } });
    const [first] = sprintOf(2);
    await queue('user-member');
    await step();
    ctx.em.injectFault({ match: /^PUT \/rest\/api\/3\/issue\//, status: 400, skip: 1 });
    const warned = jest.spyOn(console, 'warn').mockImplementation(() => {});
    await step();
    warned.mockRestore();
    expect((await job())?.step).toMatchObject({
      phase: 'part',
      done: [`flag:${first?.key ?? ''}`],
    });
  });

  it('a failing last step keeps what it did, so its retry does not do it again', async () => {
    const [first] = sprintOf(1);
    await queue('user-member');
    await step();
    await step();
    ctx.em.injectFault({ match: /^POST \/rest\/api\/3\/issue\/[^/]+\/comment$/, status: 400 });
    const warned = jest.spyOn(console, 'warn').mockImplementation(() => {});
    await step();
    warned.mockRestore();
    expect((await job())?.step).toMatchObject({
      phase: 'finish',
      done: [`move:${first?.key ?? ''}`],
    });
  });
});

describe('a queued check stopped for good', () => {
  it('when done already, or still listing: audits nothing', async () => {
    sprintOf(1);
    await queue('user-member');
    await stop('listing failed');
    expect(await audit()).toEqual([]);
    await deliverQueue(ctx.em);
    const entries = (await audit()).length;
    await stop('after the end');
    expect(await audit()).toHaveLength(entries);
  });

  it('of another generation than the job: audits nothing', async () => {
    sprintOf(1);
    await queue('user-member');
    await step();
    await step();
    await inInvocation(ctx.em, 'consumer', 'long-work: auditStoppedSprintCheck', () =>
      auditStoppedSprintCheck({ scope: scope(), generation: 7 }, 'an old job', now),
    );
    expect(await audit()).toEqual([]);
  });

  it('in a part not yet decided: audits nothing of it', async () => {
    sprintOf(1);
    await queue('user-member');
    await step();
    await stop('the part was never decided');
    expect(await audit()).toEqual([]);
  });

  it('in a later part: the earlier parts as done, the current one as failed', async () => {
    const unready = [...sprintOf(1, PART_ITEMS - 1), ...sprintOf(1)];
    await queue('user-member');
    await step(); // lists
    await step(); // part 0: moves the first
    ctx.em.injectFault({ match: /^POST \/rest\/agile\/1\.0\/backlog\/issue$/, status: 400 });
    const warned = jest.spyOn(console, 'warn').mockImplementation(() => {});
    await step(); // part 1: decided, its move refused (the consumer then stops the job)
    warned.mockRestore();
    const entries = await audit();
    expect(entries.map((e) => [e.action, e.issueKey])).toEqual([
      ['moved-back', unready[0]?.key],
      ['failed', unready[1]?.key],
    ]);
  });

  it('in its last step: what every part did, as done', async () => {
    const [first] = sprintOf(1);
    await queue('user-member');
    await step();
    await step();
    await stop('the summary failed');
    expect((await audit()).map((e) => [e.action, e.issueKey])).toEqual([
      ['moved-back', first?.key],
    ]);
  });
});
