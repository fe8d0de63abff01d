import { DEMO_USERS, seedDemoProject, addDemoItem } from '../../dev/emulator/demo-project';
import { seedKanbanProject } from '../../dev/emulator/kanban-project';
import api, { route } from '@forge/api';
import { DEFAULT_CONFIG } from '../../src/domain/config';
import type { ProjectOverview } from '../../src/contract/project-overview';
import type { RetroAnswer, RetroJobAnswer } from '../../src/contract/retro-report';
import type { ProjectBoards } from '../../src/contract/settings-view';
import { issueTypeSite } from '../../dev/emulator/routes/issue-types';
import { MEMBER_PERMISSIONS } from '../../dev/emulator/model';
import { useEmulator } from '../helpers/emulator';
import { sharedPagesExpire } from '../helpers/shared-page';
import { callResolver, deliverQueue, failed, inInvocation, ok } from '../helpers/invoke';

/**
 * Which board the signals read, and the boards the emulator models: a Kanban board (no sprints:
 * runway in weeks of throughput, capacity on work in progress), a board whose filter spans two
 * projects (the viewer sees only the items of those they may browse), a team-managed board with
 * and without sprints, and a chosen board that is gone.
 */
const ctx = useEmulator();
const now = new Date();

const inProject = (key: string) => {
  const project = ctx.em.projectByKey(key);
  return { extension: { project: { id: project.id, key: project.key } } };
};
const overview = async (key: string, who: string = DEMO_USERS.member) =>
  ok<ProjectOverview>(await callResolver(ctx.em, 'project/overview', who, {}, inProject(key)));
const chooseBoard = (key: string, boardId: number, who: string = DEMO_USERS.admin, version = 0) =>
  callResolver(
    ctx.em,
    'settings/project/save',
    who,
    { override: { board: { boardId } }, expectedVersion: version },
    inProject(key),
  );
const operations = () => ctx.em.jiraCalls().map((c) => c.operationId);
const summaries = (page: ProjectOverview) =>
  [...page.delivery.ready, ...page.delivery.inProgress].map((i) => i.summary);

describe('a project on a Kanban board', () => {
  it('runway in weeks of throughput, capacity on work in progress, no sprint asked for', async () => {
    seedKanbanProject(ctx.em, { now });
    ctx.em.resetCalls();
    const page = await overview('KB');
    expect(page.boardFlow).toBe('kanban');
    expect(page.activeSprint).toBeNull();
    expect(operations()).not.toContain('getAllSprints');
    // 12 stories of 5 points over 6 weeks: 10 points a week; 20 ready points: 2 weeks.
    expect(page.signals.runway).toMatchObject({
      per: 'week',
      velocity: 10,
      velocitySprints: 6,
      readyWork: 20,
      sprints: 2,
      target: { min: 2, max: 4, pauseAt: 6 },
      verdict: 'healthy',
    });
    expect(page.signals.runway.reason).toContain('10 points of delivery finished per week');
    // One scoped spike and three stories in progress: 25% against the 20% target.
    expect(page.signals.capacity).toMatchObject({
      of: 'wip',
      discovery: 1,
      delivery: 3,
      discoveryPercent: 25,
      level: 'ok',
    });
    expect(page.signals.capacity.leftOut.map((i) => i.why).sort()).toEqual(['idea', 'unscoped']);
    expect(page.notes.join(' ')).not.toMatch(/closed sprints|No sprint is active/);
  });

  it('throughput follows kanban.throughputWeeks', async () => {
    const kb = seedKanbanProject(ctx.em, { now });
    await callResolver(
      ctx.em,
      'settings/project/save',
      DEMO_USERS.admin,
      { override: { kanban: { throughputWeeks: 2 } }, expectedVersion: 0 },
      inProject(kb.projectKey),
    );
    const page = await overview('KB');
    // Four stories of 5 points in the last two weeks.
    expect(page.signals.runway).toMatchObject({ velocity: 10, velocitySprints: 2, sprints: 2 });
  });

  it('the retro looks back over periods on a Kanban board, without asking Jira for sprints', async () => {
    seedKanbanProject(ctx.em, { now });
    ctx.em.resetCalls();
    const retro = ok<{ notes: string[]; sprints: Array<{ sprint: { period?: boolean } }> }>(
      await callResolver(ctx.em, 'retro/report', DEMO_USERS.member, {}, inProject('KB')),
    );
    expect(retro.notes[0]).toMatch(
      /^"KB Kanban board" is a Kanban board, so the retro looks back over periods of 14 days/,
    );
    expect(retro.sprints.length).toBeGreaterThan(0);
    expect(retro.sprints.every((s) => s.sprint.period === true)).toBe(true);
    expect(operations()).not.toContain('getAllSprints');
  });

  it("the emulator refuses a Kanban board's sprint list as Jira does (400)", async () => {
    const kb = seedKanbanProject(ctx.em, { now });
    const status = await inInvocation(ctx.em, 'resolver', 'test', async () => {
      const res = await api
        .asApp()
        .requestJira(route`/rest/agile/1.0/board/${kb.board.id}/sprint?state=active,closed`);
      return res.status;
    });
    expect(status).toBe(400);
  });
});

describe('choosing the board', () => {
  it('by default the first Scrum board; a chosen Kanban board switches the page to flow', async () => {
    const demo = seedDemoProject(ctx.em, { now });
    const kanban = ctx.em.addBoard({ projectKey: 'DT', name: 'DT flow', type: 'kanban' });
    const before = await overview('DT');
    expect(before.board).toEqual({ id: demo.boardId, name: 'DT Scrum board' });
    expect(before.boardFlow).toBeUndefined();
    const boards = ok<ProjectBoards>(
      await callResolver(ctx.em, 'settings/project/boards', DEMO_USERS.admin, {}, inProject('DT')),
    );
    expect(boards.boards.map((b) => [b.name, b.flow])).toEqual([
      ['DT Scrum board', 'sprints'],
      ['DT flow', 'kanban'],
    ]);
    ok(await chooseBoard('DT', kanban.id));
    const after = await overview('DT');
    expect(after.board).toEqual({ id: kanban.id, name: 'DT flow' });
    expect(after.boardFlow).toBe('kanban');
    expect(after.activeSprint).toBeNull();
    expect(after.signals.runway.per).toBe('week');
  });

  it('refuses a board that does not show the project, a member, and a board in the global settings', async () => {
    seedDemoProject(ctx.em, { now });
    const kb = seedKanbanProject(ctx.em, { now });
    const refused = failed(await chooseBoard('DT', kb.board.id));
    expect(refused.code).toBe('invalid-input');
    expect(refused.message).toContain('override.board.boardId');
    expect(failed(await chooseBoard('DT', kb.board.id, DEMO_USERS.member)).code).toBe('forbidden');
    const global = failed(
      await callResolver(ctx.em, 'settings/global/save', DEMO_USERS.admin, {
        settings: { ...DEFAULT_CONFIG, board: { boardId: kb.board.id } },
        expectedVersion: 0,
      }),
    );
    expect(global.code).toBe('invalid-input');
    expect(global.message).toContain('settings.board.boardId: must be 0 here');
  });

  it('a chosen board that is gone: the first Scrum board, and a note saying so', async () => {
    const demo = seedDemoProject(ctx.em, { now });
    const extra = ctx.em.addBoard({ projectKey: 'DT', name: 'DT flow', type: 'kanban' });
    ok(await chooseBoard('DT', extra.id));
    ctx.em.boards.delete(extra.id);
    const page = await overview('DT');
    expect(page.board?.id).toBe(demo.boardId);
    expect(page.notes[0]).toContain(`(id ${extra.id}) is gone or you may not see it`);
  });

  it('a team-managed board: sprints when its Sprints feature is on, Kanban flow when off', async () => {
    seedDemoProject(ctx.em, { now });
    const withSprints = ctx.em.addBoard({ projectKey: 'DT', type: 'simple', sprintsEnabled: true });
    const without = ctx.em.addBoard({ projectKey: 'DT', type: 'simple', sprintsEnabled: false });
    ok(await chooseBoard('DT', withSprints.id));
    expect((await overview('DT')).boardFlow).toBeUndefined();
    ok(await chooseBoard('DT', without.id, DEMO_USERS.admin, 1));
    expect((await overview('DT')).boardFlow).toBe('kanban');
  });
});

describe('a board whose filter spans two projects', () => {
  function seedTwoProjects() {
    seedDemoProject(ctx.em, { now });
    seedKanbanProject(ctx.em, { now, key: 'OPS', name: 'Ops' });
    const shared = ctx.em.addBoard({
      projectKey: 'DT',
      name: 'DT and OPS',
      type: 'kanban',
      alsoProjectKeys: ['OPS'],
    });
    addDemoItem(ctx.em, 'OPS', now, { type: 'Story', summary: 'OPS ready story', points: 3 });
    return shared;
  }

  it('shows the items of both projects to a viewer who may browse both', async () => {
    const shared = seedTwoProjects();
    ok(await chooseBoard('DT', shared.id));
    const page = await overview('DT');
    expect(page.boardProjects).toEqual(['DT', 'OPS']);
    expect(summaries(page)).toContain('OPS ready story');
    expect(page.notes.join(' ')).not.toContain('you may not browse');
  });

  it('leaves out the other project for a viewer who may not browse it, and says so', async () => {
    const shared = seedTwoProjects();
    ok(await chooseBoard('DT', shared.id));
    ctx.em.revoke('OPS', DEMO_USERS.member);
    const page = await overview('DT');
    expect(page.boardProjects).toBeUndefined();
    expect(summaries(page)).not.toContain('OPS ready story');
    expect(page.notes.join(' ')).toContain('"DT and OPS" also shows a project you may not browse');
    // The admin, who may browse both, still sees both: a chosen board's page is never shared.
    expect(summaries(await overview('DT', DEMO_USERS.admin))).toContain('OPS ready story');
  });

  it('with a team-managed project of its own issue types: its items show, and the page still remembers the site', async () => {
    const demo = seedDemoProject(ctx.em, { now });
    const team = ctx.em.addProject({ key: 'TM', name: 'Team Mobile', style: 'next-gen' });
    const task = issueTypeSite(ctx.em).addProjectType('TM', { name: 'Task' });
    ctx.em.grant('TM', DEMO_USERS.member, MEMBER_PERMISSIONS);
    const board = ctx.em.boards.get(demo.boardId);
    if (board) ctx.em.boards.set(board.id, { ...board, otherProjectIds: [team.id] });
    const sprint = [...ctx.em.sprints.values()].find(
      (s) => s.boardId === demo.boardId && s.state === 'active',
    );
    const item = addDemoItem(ctx.em, 'TM', now, { type: 'Story', summary: 'TM sprint task' });
    item.issueTypeId = task.id;
    ctx.em.setSprint(item.key, sprint?.id);
    ok(await chooseBoard('DT', demo.boardId));
    const load = async () => {
      sharedPagesExpire(ctx.em, 'DT');
      ctx.em.resetCalls();
      return overview('DT');
    };
    await load();
    await load();
    const page = await load();
    expect(page.boardProjects).toEqual(['DT', 'TM']);
    expect(page.delivery.activeSprint.map((i) => i.summary)).toContain('TM sprint task');
    // TM's own types are never among DT's: meeting one is no reason to read DT's types again.
    expect(operations()).not.toContain('getIssueTypesForProject');
    expect(operations()).not.toContain('getFields');
    expect(operations()).not.toContain('getConfiguration');
  });

  it("the shared retro reads the project's own items only, and says how many projects it leaves out", async () => {
    const shared = seedTwoProjects();
    const alone = ctx.em.addBoard({ projectKey: 'DT', name: 'DT flow', type: 'kanban' });
    const finished = (r: RetroAnswer) => r.sprints.map((p) => p.completed.delivery);
    ok(await chooseBoard('DT', shared.id));
    const spanning = ok<RetroAnswer>(
      await callResolver(ctx.em, 'retro/report', DEMO_USERS.member, {}, inProject('DT')),
    );
    expect(spanning.notes).toContain(
      `"DT and OPS" also shows another project: the retro, which everyone who may browse DT shares, reads DT's items only, so their items are left out.`,
    );
    // OPS finished 60 points in these weeks; none of it is counted: the same as DT's own board.
    ok(await chooseBoard('DT', alone.id, DEMO_USERS.admin, 1));
    const own = ok<RetroAnswer>(
      await callResolver(ctx.em, 'retro/report', DEMO_USERS.member, {}, inProject('DT')),
    );
    expect(own.notes.join(' ')).not.toContain('also shows');
    expect(finished(spanning)).toEqual(finished(own));
    // The queued job, shared by every viewer, says so too.
    ok(await chooseBoard('DT', shared.id, DEMO_USERS.admin, 2));
    await callResolver(ctx.em, 'retro/job/start', DEMO_USERS.member, {}, inProject('DT'));
    await deliverQueue(ctx.em);
    const job = ok<RetroJobAnswer>(
      await callResolver(ctx.em, 'retro/job/status', DEMO_USERS.member, {}, inProject('DT')),
    );
    expect(job.report?.notes.join(' ')).toContain('"DT and OPS" also shows another project');
    expect(finished(job.report as RetroAnswer)).toEqual(finished(own));
  });
});
