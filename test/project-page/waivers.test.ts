import { DEMO_USERS, seedDemoProject, type DemoProject } from '../../dev/emulator/demo-project';
import type { ProjectOverview } from '../../src/contract/project-overview';
import { seedWaiver, useEmulator } from '../helpers/emulator';
import { callResolver, ok } from '../helpers/invoke';

/**
 * Waivers on the project page: an item a project admin waived is shown as waived ("Waived until
 * …" on the board) and not counted as unscoped on the card; an expired waiver no longer counts.
 */
const ctx = useEmulator();
const now = new Date();
let demo: DemoProject;

beforeEach(() => {
  demo = seedDemoProject(ctx.em, { now });
});

const inDays = (days: number) =>
  new Date(now.getTime() + days * 86_400_000).toISOString().slice(0, 10);

function call<T>(key: 'project/overview' | 'waiver/grant', who: string, payload: unknown = {}) {
  const project = ctx.em.projectByKey(demo.projectKey);
  return callResolver<T>(ctx.em, key, who, payload, {
    extension: { project: { id: project.id, key: project.key } },
  });
}

const load = async () =>
  ok<ProjectOverview>(await call<ProjectOverview>('project/overview', DEMO_USERS.member));

function boardItem(page: ProjectOverview, key: string) {
  const all = [
    ...Object.values(page.engineering).flat(),
    ...Object.values(page.discovery).flat(),
    ...Object.values(page.delivery).flat(),
  ];
  const found = all.find((i) => i.key === key);
  if (!found) throw new Error(`${key} is not on the board`);
  return found;
}

describe('project page: waived items', () => {
  it('an unscoped enabler in the sprint, once waived, is not counted as unscoped and shows its waiver', async () => {
    const key = demo.keys.unscopedEnablerInSprint;
    const before = await load();
    expect(before.signals.unscopedEnablers).toMatchObject({ level: 'critical', inSprintCount: 1 });
    expect(before.signals.unscopedEnablers.items.map((i) => i.key)).toContain(key);
    expect(boardItem(before, key).badges.waivedUntil).toBeNull();

    const expiresOn = inDays(10);
    ok(
      await call('waiver/grant', DEMO_USERS.admin, {
        issueKey: key,
        reason: 'Session split must ship with the release',
        expiresOn,
      }),
    );
    const after = await load();
    const card = after.signals.unscopedEnablers;
    expect(card.items.map((i) => i.key)).not.toContain(key);
    expect(card.inSprintCount).toBe(0);
    expect(card.count).toBe(before.signals.unscopedEnablers.count - 1);
    expect(card.level).not.toBe('critical');
    expect(card.waived).toEqual([
      {
        key,
        summary: 'Enabler: split the session service',
        kind: 'enabler',
        grantedBy: DEMO_USERS.admin,
        grantedByName: 'Ada Admin',
        reason: 'Session split must ship with the release',
        expiresOn,
      },
    ]);
    // The capacity share counts it as sprint work the guard lets in, named apart.
    expect(after.signals.capacity.leftOut.map((i) => i.key)).not.toContain(key);
    expect(after.signals.capacity.waived.map((i) => i.key)).toEqual([key]);
    expect(before.signals.capacity.leftOut.map((i) => i.key)).toContain(key);
    expect(card.reason).toContain('1 enabler without one is waived.');
    const item = boardItem(after, key);
    expect(item.badges.waivedUntil).toBe(expiresOn);
    // Still in its lane: it has no scoped outcome; the waiver only lets it into the sprint.
    expect(item.lane).toBe('unscoped');
  });

  it('an expired waiver no longer counts', async () => {
    const key = demo.keys.unscopedEnablerInSprint;
    const issue = ctx.em.findIssue(key);
    if (!issue) throw new Error('no issue');
    seedWaiver(ctx.em, issue, {
      reason: 'Expired',
      expiresOn: inDays(-1),
      grantedBy: DEMO_USERS.admin,
      grantedAt: new Date(now.getTime() - 3 * 86_400_000).toISOString(),
    });
    const page = await load();
    expect(page.signals.unscopedEnablers).toMatchObject({
      level: 'critical',
      inSprintCount: 1,
      waived: [],
    });
    expect(page.signals.capacity.waived).toEqual([]);
    expect(boardItem(page, key).badges.waivedUntil).toBeNull();
  });

  it('a delivery item that needs discovery first, once waived, leaves the count and is listed with who and why', async () => {
    const key = demo.keys.entry.exploreFirst;
    const before = await load();
    expect(before.signals.needsDiscovery.items.map((i) => i.key)).toContain(key);
    const issue = ctx.em.findIssue(key);
    if (!issue) throw new Error('no issue');
    const expiresOn = inDays(5);
    seedWaiver(ctx.em, issue, {
      reason: 'Agreed with the architects',
      expiresOn,
      grantedBy: DEMO_USERS.admin,
      grantedAt: now.toISOString(),
    });
    ctx.em.resetCalls();
    const after = await load();
    const signal = after.signals.needsDiscovery;
    expect(signal.items.map((i) => i.key)).not.toContain(key);
    expect(signal.count).toBe(before.signals.needsDiscovery.count - 1);
    expect(signal.waived).toEqual([
      expect.objectContaining({
        key,
        state: 'needs-discovery',
        grantedBy: DEMO_USERS.admin,
        grantedByName: 'Ada Admin',
        reason: 'Agreed with the architects',
        expiresOn,
      }),
    ]);
    // Still badged on the board, beside its waiver.
    const item = boardItem(after, key);
    expect(item.badges.entry?.state).toBe('needs-discovery');
    expect(item.badges.waivedUntil).toBe(expiresOn);
    // Who granted it is named with one user lookup, only because a waiver is active.
    expect(ctx.em.jiraCalls().filter((c) => c.operationId === 'bulkGetUsers')).toHaveLength(1);
  });

  it('names nobody (and looks nobody up) without an active waiver', async () => {
    ctx.em.resetCalls();
    await load();
    expect(ctx.em.jiraCalls().filter((c) => c.operationId === 'bulkGetUsers')).toHaveLength(0);
  });
});
