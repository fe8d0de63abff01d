import type {
  BoardReadinessView,
  ProjectChoicesView,
  RollupView,
} from '../../src/contract/surfaces-view';
import { AUDIT_KEYS } from '../../src/storage/key-families';
import { useEmulator } from '../helpers/emulator';
import { callResolver, failed, ok } from '../helpers/invoke';
import { extensionOf, seedSecuritySite, type World } from '../security/security-site';

/**
 * The board action (`board/readiness`, the board from Forge's `jira:boardAction` context) and the
 * dashboard gadget (`gadget/rollup`), through the real resolver handler as each viewer.
 */

const ctx = useEmulator();
let w: World;

beforeEach(() => {
  w = seedSecuritySite(ctx.em);
});

const sprints = () => [...ctx.em.sprints.values()].filter((s) => s.boardId === w.boards.dt);

const onBoard = (accountId: string | undefined, forged = false) =>
  callResolver<BoardReadinessView>(
    ctx.em,
    'board/readiness',
    accountId,
    {},
    {
      extension: extensionOf(w, 'board', forged),
    },
  );

const rollup = (accountId: string, projectKeys: string[]) =>
  callResolver<RollupView>(
    ctx.em,
    'gadget/rollup',
    accountId,
    { projectKeys },
    {
      extension: extensionOf(w, 'dashboard', false),
    },
  );

describe('board action: readiness of the active and next sprint', () => {
  it('by track, with the items the guard would move and why', async () => {
    const [active, next] = [
      sprints().find((s) => s.state === 'active')!,
      sprints().find((s) => s.state === 'future')!,
    ];
    ctx.em.setSprint(w.spike.key, active.id);
    ctx.em.setSprint(w.delivered.key, active.id);
    ctx.em.setSprint(w.enabler.key, next.id);
    const view = ok(await onBoard('user-viewer'));
    expect(view.active).toMatchObject({
      name: active.name,
      byTrack: { discovery: { ready: 0, notReady: 1 }, delivery: { ready: 1, notReady: 0 } },
    });
    const spike = view.active!.items.find((i) => i.key === w.spike.key)!;
    expect(spike).toMatchObject({ track: 'discovery', rule: 'Scoped outcome' });
    expect(['move-back', 'flag']).toContain(spike.verdict);
    expect(spike.missing.join(' ')).toMatch(/outcome/);
    // The enabler's waiver lets it stay: counted ready, its rule still named.
    expect(view.next!.items).toEqual([
      expect.objectContaining({ key: w.enabler.key, verdict: 'waived', rule: 'Scoped outcome' }),
    ]);
    expect(view.next!.byTrack.discovery).toEqual({ ready: 1, notReady: 0 });
  });

  it('a board without a next sprint answers null for it', async () => {
    const next = sprints().find((s) => s.state === 'future')!;
    next.state = 'closed';
    expect(ok(await onBoard('user-viewer')).next).toBeNull();
  });

  it('a viewer who may not browse the board’s project gets not-found and no items', async () => {
    const answer = await onBoard('user-outsider');
    expect(failed(answer).code).toBe('not-found');
    expect(answer).not.toHaveProperty('data');
  });

  it('a Kanban board: says plainly that sprint readiness needs a Scrum board', async () => {
    const board = ctx.em.boards.get(w.boards.dt)!;
    board.type = 'kanban';
    board.sprintsEnabled = false; // as the emulator makes a Kanban board (addBoard)
    expect(failed(await onBoard('user-viewer'))).toMatchObject({
      code: 'invalid-input',
      message: 'This board has no sprints: sprint readiness needs a Scrum board.',
    });
  });

  it('a context without a board is refused', async () => {
    const answer = await callResolver(
      ctx.em,
      'board/readiness',
      'user-viewer',
      {},
      {
        extension: { type: 'jira:boardAction' },
      },
    );
    expect(failed(answer)).toMatchObject({ code: 'invalid-input' });
  });
});

describe('dashboard gadget: roll-up of picked projects', () => {
  it('a set-up project: runway, capacity, build-trap and paralysis risk, interventions', async () => {
    const active = sprints().find((s) => s.state === 'active')!;
    ctx.em.kvs.seed(AUDIT_KEYS.head('DT'), { version: 1, next: 2, oldest: 0, dropped: 0 });
    const entry = (seq: number, sprintId: number) => ({
      version: 1,
      seq,
      at: '2026-11-02T10:00:00.000Z',
      action: 'moved-back',
      source: 'sprint-guard',
      rule: 'scoped-outcome',
      issueId: w.spike.id,
      issueKey: w.spike.key,
      actor: 'user-member',
      detail: 'moved back',
      sprintId,
    });
    ctx.em.kvs.seed(AUDIT_KEYS.entry('DT', 0), entry(0, active.id));
    ctx.em.kvs.seed(AUDIT_KEYS.entry('DT', 1), entry(1, active.id + 100));
    const [row] = ok(await rollup('user-viewer', ['DT'])).projects;
    expect(row).toMatchObject({
      key: 'DT',
      state: 'ok',
      name: 'Dual Track Demo',
      interventions: { sprint: active.name, count: 1 },
    });
    if (row?.state !== 'ok') throw new Error('expected a set-up row');
    for (const signal of [row.runway, row.capacity, row.buildTrap, row.paralysis]) {
      expect(['ok', 'warning', 'critical', 'unknown']).toContain(signal.level);
      expect(signal.reason.length).toBeGreaterThan(0);
    }
  });

  it('a second viewer who sees the same items gets the shared overview: no page load of their own', async () => {
    ctx.em.resetCalls();
    ok(await rollup('user-viewer', ['DT']));
    const first = ctx.em.jiraCalls().length;
    // The project admin sees what the viewer sees: DT and its connected space IDEA, not SECRET.
    ctx.em.resetCalls();
    const [row] = ok(await rollup('user-project-admin', ['DT'])).projects;
    expect(row).toMatchObject({ key: 'DT', state: 'ok' });
    const second = ctx.em.jiraCalls().map((c) => c.operationId);
    // The project, then the audience only: two counts, the boards, two counts per space.
    expect([...second].sort()).toEqual([
      'countIssues',
      'countIssues',
      'countIssues',
      'countIssues',
      'countIssues',
      'countIssues',
      'getAllBoards',
      'getProject',
    ]);
    expect(second.length).toBeLessThan(first);
    // The member may not browse IDEA: their own load, not the viewer's page with its ideas.
    ctx.em.resetCalls();
    ok(await rollup('user-member', ['DT']));
    expect(ctx.em.jiraCalls().length).toBeGreaterThan(second.length);
  });

  it('says plainly when a project the viewer may browse is not set up', async () => {
    ctx.em.addProject({ key: 'NEW', name: 'New team' });
    ctx.em.grant('NEW', 'user-viewer', ['BROWSE_PROJECTS']);
    expect(ok(await rollup('user-viewer', ['NEW'])).projects).toEqual([
      { key: 'NEW', state: 'not-set-up', name: 'New team' },
    ]);
  });

  it('a project the viewer may not browse is no-access, with neither its name nor its signals', async () => {
    const answer = ok(await rollup('user-viewer', ['OTHER', 'NOPE', 'DT']));
    expect(answer.projects.slice(0, 2)).toEqual([
      { key: 'OTHER', state: 'no-access' },
      { key: 'NOPE', state: 'no-access' },
    ]);
    expect(answer.projects[2]).toMatchObject({ key: 'DT', state: 'ok' });
    expect(ok(await rollup('user-outsider', ['DT'])).projects).toEqual([
      { key: 'DT', state: 'no-access' },
    ]);
  });

  it('more projects than a gadget rolls up: refused with the limit', async () => {
    const keys = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I'];
    expect(failed(await rollup('user-viewer', keys))).toMatchObject({ code: 'invalid-input' });
  });

  it('no project: refused, naming what is missing, without a request that could tell who asks', async () => {
    ctx.em.resetCalls();
    const refusal = failed(await rollup('user-viewer', []));
    expect(refusal.code).toBe('invalid-input');
    expect(refusal.message).toContain('pick at least one project');
    expect(ctx.em.jiraCalls()).toEqual([]);
  });
});

describe('dashboard gadget configuration: picking projects', () => {
  const choices = (accountId: string | undefined, query: string) =>
    callResolver<ProjectChoicesView>(
      ctx.em,
      'gadget/projects',
      accountId,
      { query },
      { extension: extensionOf(w, 'dashboard', false) },
    );

  it('lists the projects the viewer may browse whose key or name has the text, by key', async () => {
    expect(ok(await choices('user-site-admin', '')).projects).toEqual([
      { key: 'DT', name: ctx.em.projects.get(w.dt.id)?.name },
      { key: 'OTHER', name: 'Other team' },
    ]);
    expect(ok(await choices('user-site-admin', 'other tea')).projects).toEqual([
      { key: 'OTHER', name: 'Other team' },
    ]);
  });

  it('never offers a project the viewer may not browse, however it is asked for', async () => {
    const answer = ok(await choices('user-viewer', 'OTHER'));
    expect(answer).toEqual({ projects: [], more: false });
    expect(ok(await choices('user-viewer', '')).projects.map((p) => p.key)).toEqual(['DT']);
    expect(ok(await choices('user-outsider', '')).projects).toEqual([]);
  });

  it('lists 20 at most and says when more match', async () => {
    for (let i = 0; i < 25; i += 1) {
      ctx.em.addProject({ key: `P${String(i).padStart(2, '0')}`, name: `Team ${i}` });
      ctx.em.grant(`P${String(i).padStart(2, '0')}`, 'user-viewer', ['BROWSE_PROJECTS']);
    }
    const answer = ok(await choices('user-viewer', 'p'));
    expect(answer.projects).toHaveLength(20);
    expect(answer.projects[0]).toEqual({ key: 'P00', name: 'Team 0' });
    expect(answer.more).toBe(true);
    expect(ctx.em.jiraCalls().filter((c) => c.operationId === 'searchProjects')).toHaveLength(1);
  });

  it('a text over 80 characters or an unknown field is refused, naming it', async () => {
    expect(failed(await choices('user-viewer', 'x'.repeat(81)))).toMatchObject({
      code: 'invalid-input',
    });
  });
});
