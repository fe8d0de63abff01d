import { DEMO_USERS, seedDemoProject, type DemoProject } from '../../dev/emulator/demo-project';
import { seedKanbanProject } from '../../dev/emulator/kanban-project';
import type { ProjectOverview } from '../../src/contract/project-overview';
import { PAGE_CACHE_KEYS } from '../../src/storage/key-families';
import {
  pageSiteOf,
  pickToSave,
  rememberedPick,
  SITE_MAX_AGE_MS,
  type PageSite,
} from '../../src/storage/page-cache-store';
import { useEmulator } from '../helpers/emulator';
import { callResolver, ok } from '../helpers/invoke';
import { loadPage } from '../helpers/page-reference';
import { sharedPagesExpire, sharingOff } from '../helpers/shared-page';

/**
 * The board the project page reads, remembered between loads (src/project-page/board-pick.ts):
 * a later load reads the board's sprints without looking the board up, and shows the same page.
 * A board gone since, or one the viewer may not see, is looked up again; a project with several
 * Scrum boards and no choice, or a Kanban board, is looked up every time. The loads here are the
 * viewer's own (sharing off): a shared page's load picks from the boards its audience read
 * (test/project-page/shared-overview.test.ts).
 */

const ctx = useEmulator();
let demo: DemoProject;

beforeEach(() => {
  demo = seedDemoProject(ctx.em, { now: new Date() });
  sharingOff(ctx.em);
});

const LOOKUPS = ['getAllBoards', 'getBoard'];

/** One load from Jira (the shared page dropped first): the page and the Jira operations it made. */
async function load(
  projectKey = demo.projectKey,
): Promise<{ page: ProjectOverview; ops: string[] }> {
  sharedPagesExpire(ctx.em, projectKey);
  ctx.em.resetCalls();
  const page = await loadPage(ctx.em, projectKey);
  return { page, ops: ctx.em.jiraCalls().map((c) => c.operationId ?? '') };
}

const lookups = (ops: string[]) => ops.filter((op) => LOOKUPS.includes(op));
const stored = (projectKey = demo.projectKey): PageSite =>
  pageSiteOf(projectKey, ctx.em.kvs.peek(PAGE_CACHE_KEYS.site(projectKey)));
const sameAs = (page: ProjectOverview): unknown => ({
  ...page,
  generatedAt: expect.any(String) as unknown,
});

/** The page a load with nothing remembered shows. */
async function freshPage(projectKey = demo.projectKey): Promise<ProjectOverview> {
  ctx.em.kvs.unseed(PAGE_CACHE_KEYS.site(projectKey));
  return (await load(projectKey)).page;
}

describe('the board the project page reads, remembered', () => {
  it('the next load reads its sprints without looking it up, and shows the same page', async () => {
    const first = await load();
    expect(lookups(first.ops)).toEqual(['getAllBoards']);
    expect(stored().pick).toMatchObject({ choice: 0, id: demo.boardId, chosen: false });
    const second = await load();
    expect(lookups(second.ops)).toEqual([]);
    expect(second.ops).toContain('getAllSprints');
    expect(second.page).toEqual(sameAs(first.page));
    expect(second.page.board?.id).toBe(demo.boardId);
    // The same load with the pick forgotten (all else remembered): one call more, the lookup.
    ctx.em.kvs.seed(PAGE_CACHE_KEYS.site(demo.projectKey), { ...stored(), pick: undefined });
    const third = await load();
    expect(lookups(third.ops)).toEqual(['getAllBoards']);
    expect(third.ops.length).toBe(second.ops.length + 1);
    expect(third.page).toEqual(sameAs(first.page));
  });

  it('a board deleted since is looked up again, and the page shows the board found', async () => {
    await load();
    const next = ctx.em.addBoard({ projectKey: demo.projectKey, name: 'DT planning' });
    ctx.em.boards.delete(demo.boardId);
    const after = await load();
    expect(lookups(after.ops)).toEqual(['getAllBoards']);
    expect(after.page.board).toEqual({ id: next.id, name: 'DT planning' });
    expect(stored().pick).toMatchObject({ id: next.id, name: 'DT planning' });
    expect(after.page).toEqual(sameAs(await freshPage()));
  });

  it('a remembered board the viewer may not see is never shown: the load looks up theirs', async () => {
    await load();
    ctx.em.addProject({ key: 'SEC', name: 'Security' });
    const hidden = ctx.em.addBoard({ projectKey: 'SEC', name: 'SEC secret board' });
    const site = stored();
    ctx.em.kvs.seed(PAGE_CACHE_KEYS.site(demo.projectKey), {
      ...site,
      pick: { ...site.pick, id: hidden.id, name: hidden.name },
    });
    const after = await load();
    expect(lookups(after.ops)).toEqual(['getAllBoards']);
    expect(JSON.stringify(after.page)).not.toContain('SEC secret board');
    expect(after.page.board?.id).toBe(demo.boardId);
    expect(stored().pick).toMatchObject({ id: demo.boardId });
    expect(after.page).toEqual(sameAs(await freshPage()));
  });

  it('a chosen board is remembered for that choice; choosing another looks it up', async () => {
    await load();
    expect(stored().pick).toMatchObject({ choice: 0, id: demo.boardId });
    const second = ctx.em.addBoard({ projectKey: demo.projectKey, name: 'DT second team' });
    const project = ctx.em.projectByKey(demo.projectKey);
    ok(
      await callResolver(
        ctx.em,
        'settings/project/save',
        DEMO_USERS.admin,
        { override: { board: { boardId: second.id } }, expectedVersion: 0 },
        { extension: { project: { id: project.id, key: project.key } } },
      ),
    );
    const first = await load();
    expect(lookups(first.ops)).toEqual(['getBoard']);
    expect(stored().pick).toMatchObject({ choice: second.id, id: second.id, chosen: true });
    const again = await load();
    expect(lookups(again.ops)).toEqual([]);
    expect(again.page).toEqual(sameAs(first.page));
    expect(again.page.board).toEqual({ id: second.id, name: 'DT second team' });
  });

  it('is not remembered when the project has more Scrum boards and none is chosen', async () => {
    ctx.em.addBoard({ projectKey: demo.projectKey, name: 'DT second team' });
    await load();
    expect(stored().pick).toBeUndefined();
    expect(lookups((await load()).ops)).toEqual(['getAllBoards']);
  });

  it('is not remembered for a Kanban board (the lookup is the only read of it)', async () => {
    const kanban = seedKanbanProject(ctx.em, { now: new Date() });
    await load(kanban.projectKey);
    expect(stored(kanban.projectKey).pick).toBeUndefined();
    expect(lookups((await load(kanban.projectKey)).ops)).toEqual(['getAllBoards']);
  });
});

describe('the remembered pick', () => {
  const at = new Date('2026-11-02T10:00:00.000Z');
  const pick = { choice: 0, id: 7, name: 'DT board', chosen: false };
  const site = (savedAt: Date, choice = 0): PageSite => ({
    version: 1,
    boards: {},
    pick: { ...pick, choice, savedAt: savedAt.toISOString() },
  });
  const later = (ms: number) => new Date(at.getTime() + ms);

  it('is used for the same board setting, less than an hour old', () => {
    expect(rememberedPick(site(at), 0, later(1000))).toEqual(pick);
    expect(rememberedPick(site(at, 12), 0, later(1000))).toBeUndefined();
    expect(rememberedPick(site(at), 12, later(1000))).toBeUndefined();
    expect(rememberedPick(site(at), 0, later(SITE_MAX_AGE_MS))).toBeUndefined();
    expect(rememberedPick({ version: 1, boards: {} }, 0, at)).toBeUndefined();
  });

  it('is written again only when it changed, is an hour old, or is to be forgotten', () => {
    expect(pickToSave(site(at), pick, later(1000))).toBe('unchanged');
    expect(pickToSave(site(at), { ...pick, name: 'Renamed' }, later(1000))).toEqual({
      pick: { ...pick, name: 'Renamed', savedAt: later(1000).toISOString() },
    });
    expect(pickToSave(site(at), pick, later(SITE_MAX_AGE_MS))).toEqual({
      pick: { ...pick, savedAt: later(SITE_MAX_AGE_MS).toISOString() },
    });
    expect(pickToSave(site(at), undefined, later(1000))).toEqual({ pick: undefined });
    expect(pickToSave({ version: 1, boards: {} }, undefined, at)).toBe('unchanged');
  });
});
