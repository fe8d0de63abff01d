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
      { key, summary: 'Enabler: split the session service', kind: 'enabler', expiresOn },
    ]);
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
    expect(boardItem(page, key).badges.waivedUntil).toBeNull();
  });
});
