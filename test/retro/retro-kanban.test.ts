import { DEMO_USERS } from '../../dev/emulator/demo-project';
import { seedKanbanProject, type KanbanProject } from '../../dev/emulator/kanban-project';
import type { RetroAnswer, RetroJobAnswer } from '../../src/contract/retro-report';
import { closedPeriods } from '../../src/domain/retro-periods';
import { retroStatus, startRetro } from '../../src/retro/retro-job';
import { jiraAsUser } from '../../src/jira/jira-gateway';
import { useEmulator } from '../helpers/emulator';
import { callResolver, deliverQueue, inInvocation, ok } from '../helpers/invoke';

/**
 * The retro of a project on a Kanban board (KB, dev/emulator/kanban-project.ts): it looks back
 * over periods of `kanban.retroPeriodDays` days, never asks Jira for sprints (Jira refuses a
 * Kanban board's sprint list), stores each closed period's figures once and reads only the
 * periods closed since on a later load.
 */
const ctx = useEmulator();
const now = new Date();
const DAY = 86_400_000;

const as = (kb: KanbanProject) => ({
  extension: { project: { id: kb.projectId, key: kb.projectKey } },
});
const start = async (kb: KanbanProject) =>
  ok<RetroJobAnswer>(
    await callResolver(ctx.em, 'retro/job/start', DEMO_USERS.member, { sprints: 6 }, as(kb)),
  );
const status = async (kb: KanbanProject) =>
  ok<RetroJobAnswer>(
    await callResolver(ctx.em, 'retro/job/status', DEMO_USERS.member, { sprints: 6 }, as(kb)),
  );
const direct = async (kb: KanbanProject) =>
  ok<RetroAnswer>(
    await callResolver(ctx.em, 'retro/report', DEMO_USERS.member, { sprints: 6 }, as(kb)),
  );
const operations = () => ctx.em.jiraCalls().map((c) => c.operationId);
const project = (kb: KanbanProject) => ({ id: kb.projectId, key: kb.projectKey });

/** The seed's finished stories, [days ago, points]: two a week of 5 points, one of 8 long ago. */
const FINISHED: Array<[number, number]> = [
  ...[0, 1, 2, 3, 4, 5].flatMap((w): Array<[number, number]> => [
    [w * 7 + 1, 5],
    [w * 7 + 2, 5],
  ]),
  [90, 8],
];

describe('the retro of a project on a Kanban board', () => {
  it('looks back over 14-day periods: each holds the points finished in it, no sprint asked for', async () => {
    const kb = seedKanbanProject(ctx.em, { now });
    ctx.em.resetCalls();
    expect((await start(kb)).state).toBe('running');
    await deliverQueue(ctx.em);
    const done = await status(kb);
    expect(done.state).toBe('done');
    const report = done.report as RetroAnswer;
    expect(operations()).not.toContain('getAllSprints');

    const periods = closedPeriods(now, 14, 6);
    expect(report.sprints.map((s) => s.sprint)).toEqual(periods);
    const expected = periods.map((p) =>
      FINISHED.filter(([d]) => {
        const at = now.getTime() - d * DAY;
        return at >= Date.parse(p.startDate) && at <= Date.parse(p.completeDate);
      }).reduce((sum, [, points]) => sum + points, 0),
    );
    expect(report.sprints.map((s) => s.completed.delivery)).toEqual(expected);
    expect(report.unit).toBe('points');
    expect(report.notes[0]).toContain(
      '"KB Kanban board" is a Kanban board, so the retro looks back over periods of 14 days',
    );
    // The one-invocation report computes the same figures.
    const once = await direct(kb);
    expect(once.sprints).toEqual(report.sprints);
    expect(once.notes[0]).toBe(report.notes[0]);
  });

  it('while it runs, the job says it reads periods (the page shows "N of M periods read")', async () => {
    const kb = seedKanbanProject(ctx.em, { now });
    const first = await start(kb);
    expect(first.span).toBeUndefined();
    await deliverQueue(ctx.em, { maxDeliveries: 1 });
    const running = await status(kb);
    expect(running).toMatchObject({ state: 'running', span: 'period' });
    // The window: the 6 periods shown and the 3 before them (throughput for the first runway).
    expect(running.progress).toEqual({ done: 0, total: 9 });
  });

  it('a repeat load answers from the stored periods with no Jira read but the permission check', async () => {
    const kb = seedKanbanProject(ctx.em, { now });
    await start(kb);
    await deliverQueue(ctx.em);
    ctx.em.resetCalls();
    const again = await start(kb);
    expect(again.state).toBe('done');
    expect(ctx.em.queue.pending).toHaveLength(0);
    expect(operations()).toEqual(['getMyPermissions']);
  });

  it('a period that closed since: the next load computes it and keeps the others', async () => {
    const kb = seedKanbanProject(ctx.em, { now });
    await start(kb);
    await deliverQueue(ctx.em);
    const before = (await status(kb)).report as RetroAnswer;
    const later = new Date(now.getTime() + 14 * DAY);
    const run = (fn: () => Promise<RetroJobAnswer>) =>
      inInvocation(ctx.em, 'resolver', 'retro/job/start: startRetro', fn, {
        as: DEMO_USERS.member,
      });
    const next = await run(() =>
      startRetro({
        jira: jiraAsUser(),
        project: project(kb),
        sprints: 6,
        accountId: DEMO_USERS.member,
        now: later,
      }),
    );
    expect(next.state).toBe('running');
    await deliverQueue(ctx.em);
    const after = await run(() => retroStatus({ project: project(kb), sprints: 6, now: later }));
    const shown = (after.report as RetroAnswer).sprints;
    expect(shown.map((s) => s.sprint)).toEqual(closedPeriods(later, 14, 6));
    expect(shown.slice(0, 5)).toEqual(before.sprints.slice(1));
  });

  it('follows kanban.retroPeriodDays: figures of another length are read again', async () => {
    const kb = seedKanbanProject(ctx.em, { now });
    await start(kb);
    await deliverQueue(ctx.em);
    ok(
      await callResolver(
        ctx.em,
        'settings/project/save',
        DEMO_USERS.admin,
        { override: { kanban: { retroPeriodDays: 7 } }, expectedVersion: 0 },
        as(kb),
      ),
    );
    expect((await start(kb)).state).toBe('running');
    await deliverQueue(ctx.em);
    const report = (await status(kb)).report as RetroAnswer;
    expect(report.sprints.map((s) => s.sprint)).toEqual(closedPeriods(now, 7, 6));
  });
});
