import { DEMO_USERS, seedDemoProject, type DemoProject } from '../../dev/emulator/demo-project';
import type { ProjectOverview } from '../../src/contract/project-overview';
import { PAGE_CACHE_KEYS } from '../../src/storage/key-families';
import {
  FOLD_MAX,
  foldedFew,
  foldHintToSave,
  pageSiteOf,
  SITE_MAX_AGE_MS,
} from '../../src/storage/page-cache-store';
import { fewEstimated, shapeToSave } from '../../src/project-page/read-plan';
import { useEmulator } from '../helpers/emulator';
import { callResolver, ok } from '../helpers/invoke';
import { sharedPagesExpire } from '../helpers/shared-page';

/**
 * The project's issue types and the board's estimation field, remembered between page loads
 * (src/storage/page-cache-store.ts): a later load does not ask Jira for them, and asks again
 * once they are an hour old, after a load met an issue type the list lacks, and after setup.
 */

const ctx = useEmulator();
let demo: DemoProject;

beforeEach(() => {
  demo = seedDemoProject(ctx.em, { now: new Date() });
});

async function load(): Promise<string[]> {
  sharedPagesExpire(ctx.em, demo.projectKey); // each load here is read from Jira
  ctx.em.resetCalls();
  const project = ctx.em.projectByKey(demo.projectKey);
  ok<ProjectOverview>(
    await callResolver<ProjectOverview>(
      ctx.em,
      'project/overview',
      DEMO_USERS.member,
      {},
      {
        extension: { project: { id: project.id, key: project.key } },
      },
    ),
  );
  return ctx.em.jiraCalls().map((c) => c.operationId ?? '');
}

const SHAPE = ['getIssueTypesForProject', 'getConfiguration'];
const asksForShape = (ops: string[]) => SHAPE.filter((op) => ops.includes(op));

describe('issue types and board configuration remembered for the project page', () => {
  it('are read on the first load and remembered for the next', async () => {
    expect(asksForShape(await load())).toEqual(SHAPE);
    const stored = pageSiteOf(
      demo.projectKey,
      ctx.em.kvs.peek(PAGE_CACHE_KEYS.site(demo.projectKey)),
    );
    expect(stored.issueTypes?.types.map((t) => t.name)).toEqual(
      expect.arrayContaining(['Discovery', 'Story']),
    );
    expect(stored.boards[String(demo.boardId)]?.estimation).toMatchObject({
      fieldId: demo.storyPoints.id,
    });
    expect(asksForShape(await load())).toEqual([]);
  });

  it('are read again once an hour old', async () => {
    await load();
    const key = PAGE_CACHE_KEYS.site(demo.projectKey);
    const stored = pageSiteOf(demo.projectKey, ctx.em.kvs.peek(key));
    const old = new Date(Date.now() - SITE_MAX_AGE_MS - 1000).toISOString();
    ctx.em.kvs.seed(key, {
      ...stored,
      issueTypes: stored.issueTypes && { ...stored.issueTypes, savedAt: old },
      boards: Object.fromEntries(
        Object.entries(stored.boards).map(([id, b]) => [id, { ...b, savedAt: old }]),
      ),
    });
    expect(asksForShape(await load())).toEqual(SHAPE);
  });

  it('a load that meets an issue type the list lacks makes the next one read the types', async () => {
    await load();
    const added = ctx.em.addIssue({
      projectKey: demo.projectKey,
      type: 'Research',
      summary: 'A type added after the types were remembered',
    });
    ctx.em.setSprint(added.key, demo.activeSprint.id);
    expect(asksForShape(await load())).toEqual([]); // this load still used the list it had
    expect(ctx.em.kvs.peek(PAGE_CACHE_KEYS.site(demo.projectKey))).toBeUndefined();
    expect(asksForShape(await load())).toEqual(SHAPE);
  });

  it('setup that changes the project makes the next load read them again', async () => {
    await load();
    const project = ctx.em.projectByKey(demo.projectKey);
    const run = await callResolver<{ report: { steps: Array<{ status: string }> } }>(
      ctx.em,
      'setup/run',
      DEMO_USERS.admin,
      {},
      { extension: { project: { id: project.id, key: project.key } } },
    );
    // The demo project was never set up: setup changes it (its last step is done now).
    expect(ok(run).report.steps.some((step) => step.status !== 'already-done')).toBe(true);
    expect(ctx.em.kvs.peek(PAGE_CACHE_KEYS.site(demo.projectKey))).toBeUndefined();
    expect(asksForShape(await load())).toEqual(SHAPE);
  });
});

describe('what the page remembers of the entry criteria’s matches', () => {
  const at = new Date('2026-11-02T10:00:00.000Z');
  const site = (few: boolean, savedAt: Date) =>
    pageSiteOf('DT', {
      version: 1,
      boards: {},
      entryRead: { query: 'labels in ("architecture")', few, savedAt: savedAt.toISOString() },
    });
  const later = (ms: number) => new Date(at.getTime() + ms);

  it('folds the read into the whole sets only for the same criteria, found few, less than an hour ago', () => {
    expect(foldedFew(site(true, at), 'entryRead', 'labels in ("architecture")', later(1000))).toBe(
      true,
    );
    expect(foldedFew(site(true, at), 'entryRead', 'labels in ("rewrite")', later(1000))).toBe(
      false,
    );
    expect(foldedFew(site(false, at), 'entryRead', 'labels in ("architecture")', later(1000))).toBe(
      false,
    );
    expect(
      foldedFew(site(true, at), 'entryRead', 'labels in ("architecture")', later(SITE_MAX_AGE_MS)),
    ).toBe(false);
    expect(
      foldedFew(pageSiteOf('DT', undefined), 'entryRead', 'labels in ("architecture")', at),
    ).toBe(false);
  });

  it('is written again only when it changed or is an hour old', () => {
    const q = 'labels in ("architecture")';
    expect(foldHintToSave(site(true, at), 'entryRead', q, true, later(1000))).toBeUndefined();
    expect(foldHintToSave(site(true, at), 'entryRead', q, false, later(1000))).toEqual({
      query: q,
      few: false,
      savedAt: later(1000).toISOString(),
    });
    expect(foldHintToSave(site(true, at), 'entryRead', 'x', true, later(1000))).toMatchObject({
      query: 'x',
    });
    expect(
      foldHintToSave(site(true, at), 'entryRead', q, true, later(SITE_MAX_AGE_MS)),
    ).toMatchObject({
      few: true,
      savedAt: later(SITE_MAX_AGE_MS).toISOString(),
    });
  });
});

describe('what the page remembers of the whole sets’ search', () => {
  const at = new Date('2026-11-02T10:00:00.000Z');
  const q = 'project = "DT" AND statusCategory != Done';
  const site = (shape?: { size: number; low: number; high: number; query: string }, savedAt = at) =>
    pageSiteOf('DT', {
      version: 1,
      boards: {},
      ...(shape ? { wholeSets: { ...shape, savedAt: savedAt.toISOString() } } : {}),
    });
  const soon = new Date(at.getTime() + 1000);
  const of = (size: number, low: number, high: number, query = q) => ({ size, low, high, query });

  it('is written when none is remembered, when the parts or the search change, or when the span moves by over half a part', () => {
    const shape = of(3000, 1000, 7000);
    expect(shapeToSave(site(), shape, soon)).toEqual({ ...shape, savedAt: soon.toISOString() });
    // The same 3 parts, ends within half a part (1,000 ids) of the remembered ones: kept.
    expect(shapeToSave(site(shape), of(2900, 1100, 7500), soon)).toBeUndefined();
    expect(shapeToSave(site(shape), of(2900, 1000, 8400), soon)).toMatchObject({ high: 8400 });
    expect(shapeToSave(site(shape), of(3100, 1000, 7000), soon)).toMatchObject({ size: 3100 });
    // Another search (a read folded in): its own shape.
    const other = of(3000, 1000, 7000, `${q} OR labels = x`);
    expect(shapeToSave(site(shape), other, soon)).toMatchObject({ query: other.query });
    // One sequence either way: the span does not matter.
    expect(shapeToSave(site(of(400, 1, 500)), of(900, 50, 9000), soon)).toBeUndefined();
    // An hour old: written again.
    const late = new Date(at.getTime() + SITE_MAX_AGE_MS);
    expect(shapeToSave(site(shape), shape, late)).toMatchObject({ savedAt: late.toISOString() });
  });
});

describe('whether the estimated ready items are folded next time', () => {
  it('only when last read to the end and at most a page of them', () => {
    expect(fewEstimated({ items: 0, complete: true })).toBe(true);
    expect(fewEstimated({ items: FOLD_MAX, complete: true })).toBe(true);
    expect(fewEstimated({ items: FOLD_MAX + 1, complete: true })).toBe(false);
    expect(fewEstimated({ items: 40, complete: false })).toBe(false);
    expect(fewEstimated(undefined)).toBe(false);
  });
});
