import { DEMO_USERS, seedDemoProject, type DemoProject } from '../../dev/emulator/demo-project';
import { connectJpdSpace, seedJpdSpace } from '../../dev/emulator/jpd-space';
import { issueLinkSite } from '../../dev/emulator/routes/issue-writes';
import type { CallRecord } from '../../dev/emulator/jira-emulator';
import type { OverviewItem, ProjectOverview } from '../../src/contract/project-overview';
import type { ResolverKey } from '../../src/contract/bridge-contract';
import { KEYS, PAGE_CACHE_KEYS } from '../../src/storage/key-families';
import {
  cutIntoParts,
  PART_MAX_BYTES,
  readFillText,
  sharedHeadOf,
  storeFill,
} from '../../src/storage/shared-overview-store';
import { projectsNamed, SHARED_SECURED_LIMIT } from '../../src/project-page/shared-overview';
import { useEmulator } from '../helpers/emulator';
import { callResolver, inInvocation, ok, runTrigger } from '../helpers/invoke';
import { sprintChangeEvent, sprintStartedEvent } from '../enforcement/enforcement-site';
import { sprintGuard, sprintStartCheck } from '../../src/index';

/**
 * The project page shared between viewers (src/project-page/shared-overview.ts): twenty viewers
 * in a minute cost Jira at most two full loads of rate-limit points; a viewer never gets a page
 * loaded by someone who sees items they may not; a write through the app (a resolver, the sprint
 * guard, the sprint-start check) and the end of the shared time make the next viewer load from
 * Jira; a page larger than a storage value is cut into parts.
 */

const ctx = useEmulator();
let demo: DemoProject;

beforeEach(() => {
  demo = seedDemoProject(ctx.em, { now: new Date() });
});

function call<T>(key: ResolverKey, who: string, payload: unknown = {}, issueKey?: string) {
  const project = ctx.em.projectByKey(demo.projectKey);
  const issue = issueKey === undefined ? undefined : ctx.em.findIssue(issueKey);
  return callResolver<T>(ctx.em, key, who, payload, {
    extension: {
      project: { id: project.id, key: project.key },
      ...(issue ? { issue: { id: issue.id, key: issue.key } } : {}),
    },
  });
}

/** One viewer's load: the page, and the Jira calls and points it cost. */
async function view(who: string) {
  ctx.em.resetCalls();
  const page = ok<ProjectOverview>(await call<ProjectOverview>('project/overview', who));
  const calls: CallRecord[] = ctx.em.jiraCalls();
  return { page, calls: calls.length, points: calls.reduce((sum, c) => sum + c.points, 0) };
}

const allItems = (o: ProjectOverview): OverviewItem[] => [
  ...Object.values(o.discovery).flat(),
  ...Object.values(o.engineering).flat(),
  ...Object.values(o.delivery).flat(),
];
const keysOf = (o: ProjectOverview): string[] => allItems(o).map((i) => i.key);

function setSharedSeconds(seconds: number): void {
  ctx.em.kvs.seed(KEYS.projectConfig(demo.projectKey), {
    version: 1,
    updatedAt: '2026-11-01T00:00:00.000Z',
    updatedBy: DEMO_USERS.admin,
    projectId: ctx.em.projectByKey(demo.projectKey).id,
    override: { page: { sharedSeconds: seconds } },
  });
}

describe('the project page shared between viewers', () => {
  it('twenty viewers within a minute cost at most two full loads of rate-limit points', async () => {
    const viewers = Array.from({ length: 20 }, (_, i) => `viewer-${i + 1}`);
    for (const accountId of viewers) {
      ctx.em.addUser({ accountId, displayName: accountId });
      ctx.em.grant(demo.projectKey, accountId);
    }
    const loads = [];
    for (const accountId of viewers) loads.push(await view(accountId));
    const [first, ...rest] = loads;
    if (!first) throw new Error('no load');
    // The first viewer loads from Jira; every later one gets that page for three requests, which
    // Jira answers only to those who may browse the project: how many items they see, how many
    // of them have a security level (none here), and the project's boards they see.
    expect(rest.map((l) => l.calls)).toEqual(Array<number>(19).fill(3));
    for (const l of rest) expect(l.page).toEqual(first.page);
    const total = loads.reduce((sum, l) => sum + l.points, 0);
    expect(total).toBeLessThanOrEqual(2 * first.points);
  });

  it('a viewer without a security level never gets the page of one who has it, either way round', async () => {
    const secret = demo.keys.panel.validatingIdea;
    const level = ctx.em.addSecurityLevel({ name: 'Leadership', members: [DEMO_USERS.admin] });
    ctx.em.setSecurityLevel(secret, level.id);

    const insider = await view(DEMO_USERS.admin);
    expect(keysOf(insider.page)).toContain(secret);
    const outsider = await view(DEMO_USERS.member);
    expect(keysOf(outsider.page)).not.toContain(secret);
    // Loaded from Jira as the member, not served the admin's page.
    expect(outsider.calls).toBeGreaterThan(3);
    expect(outsider.page.totals.openItems).toBe(insider.page.totals.openItems - 1);

    // Each audience then has its own shared page.
    expect(keysOf((await view(DEMO_USERS.member)).page)).not.toContain(secret);
    const again = await view(DEMO_USERS.admin);
    // the two counts, the boards, and the ids of the one secured item the admin sees
    expect(again.calls).toBe(4);
    expect(keysOf(again.page)).toContain(secret);
  });

  it('a viewer who may not see the board never gets the page of one who may, either way round', async () => {
    // The board's filter shared with the admin only: the member's page has no board.
    const board = ctx.em.boards.get(demo.boardId);
    if (!board) throw new Error('no board');
    board.sharedWith = [DEMO_USERS.admin];
    const name = board.name;

    const insider = await view(DEMO_USERS.admin);
    expect(insider.page.board?.name).toBe(name);
    const outsider = await view(DEMO_USERS.member);
    // Loaded from Jira as the member, not served the admin's page; the load picks its board from
    // the boards the audience read (none here), without a lookup of its own.
    expect(outsider.calls).toBeGreaterThan(3);
    const ops = ctx.em.jiraCalls().map((c) => c.operationId);
    expect(ops.filter((op) => op === 'getAllBoards')).toHaveLength(1);
    expect(ops).not.toContain('getAllSprints');
    expect(outsider.page.board).toBeNull();
    expect(JSON.stringify(outsider.page)).not.toContain(name);

    // Each has their own shared page, and the admin's is never the member's.
    expect((await view(DEMO_USERS.member)).page.board).toBeNull();
    const again = await view(DEMO_USERS.admin);
    expect(again.calls).toBe(3);
    expect(again.page.board?.name).toBe(name);
  });

  it('a board only some viewers see changes what the page says, so it is not shared across them', async () => {
    // A second Scrum board, shared with the admin only: the admin's page says there is more
    // than one; the member's must not (it would tell them of a board they may not see).
    ctx.em.addBoard({
      projectKey: demo.projectKey,
      name: 'Leadership planning',
      sharedWith: [DEMO_USERS.admin],
    });
    const more = /More than one Scrum board/;
    const insider = await view(DEMO_USERS.admin);
    expect(insider.page.notes.join('\n')).toMatch(more);
    const outsider = await view(DEMO_USERS.member);
    expect(outsider.calls).toBeGreaterThan(3);
    expect(outsider.page.notes.join('\n')).not.toMatch(more);
    expect(outsider.page.board).toEqual(insider.page.board);
  });

  it('a connected JPD space some viewers may not browse: its ideas never reach them', async () => {
    const space = seedJpdSpace(ctx.em, { key: 'IDEA' });
    const project = ctx.em.projectByKey(demo.projectKey);
    connectJpdSpace(ctx.em, { id: project.id, key: project.key }, [space.projectKey], new Date());
    const idea = 'Pay in three instalments';
    // While both may browse the space, they share the page: the space costs two counts more.
    const first = await view(DEMO_USERS.admin);
    expect(JSON.stringify(first.page)).toContain(idea);
    const shared = await view(DEMO_USERS.member);
    expect(shared.calls).toBe(5);
    expect(shared.page).toEqual(first.page);

    ctx.em.revoke(space.projectKey, DEMO_USERS.member);
    const outsider = await view(DEMO_USERS.member);
    expect(outsider.calls).toBeGreaterThan(5);
    expect(JSON.stringify(outsider.page)).not.toContain(idea);
    expect(JSON.stringify(outsider.page)).not.toContain(`${space.projectKey}-`);
    // And the member's page is not served to the admin either.
    expect(JSON.stringify((await view(DEMO_USERS.admin)).page)).toContain(idea);
  });

  it('a connected space with ideas at a security level is not shared, even between equals', async () => {
    const space = seedJpdSpace(ctx.em, { key: 'IDEA' });
    const project = ctx.em.projectByKey(demo.projectKey);
    connectJpdSpace(ctx.em, { id: project.id, key: project.key }, [space.projectKey], new Date());
    const level = ctx.em.addSecurityLevel({
      name: 'Product leads',
      members: [DEMO_USERS.admin, DEMO_USERS.member],
    });
    ctx.em.setSecurityLevel(space.keys.discovery, level.id);
    await view(DEMO_USERS.admin);
    // Both see the same, but the space's secured ideas are not told apart: each loads their own.
    expect((await view(DEMO_USERS.member)).calls).toBeGreaterThan(5);
  });

  it('names the projects of the keys a page holds, not of tokens in summaries', () => {
    const page = {
      key: 'DT-5',
      summary: 'Move the API to HTTP-2 (see RFC-7540)',
      waitingOn: ['SEC-12'],
      reason: 'Waiting on IDEA-3',
    };
    expect([...projectsNamed(page)].sort()).toEqual(['DT', 'IDEA', 'SEC']);
  });

  it('a page naming an item of a project some viewers may not browse is not shared', async () => {
    ctx.em.addProject({ key: 'SEC', name: 'Security research' });
    ctx.em.grant('SEC', DEMO_USERS.admin);
    const secret = ctx.em.addIssue({
      projectKey: 'SEC',
      type: 'Discovery',
      summary: 'Threat model for payments',
      status: 'In Progress',
    });
    const links = issueLinkSite(ctx.em);
    const implementsType = [...links.types.values()].find((t) => t.name === 'Implements');
    const flagged = ctx.em.findIssue(demo.keys.entry.exploreFirst);
    if (!implementsType || !flagged) throw new Error('demo seed changed');
    links.addLink(implementsType.id, secret.id, flagged.id);
    ctx.em.settleSearch();

    const fills = () =>
      sharedHeadOf(demo.projectKey, ctx.em.kvs.peek(PAGE_CACHE_KEYS.head(demo.projectKey))).fills;
    const insider = await view(DEMO_USERS.admin);
    expect(JSON.stringify(insider.page)).toContain(secret.key);
    expect(fills()).toHaveLength(0); // not kept for anyone
    const outsider = await view(DEMO_USERS.member);
    expect(outsider.calls).toBeGreaterThan(3);
    expect(JSON.stringify(outsider.page)).not.toContain(secret.key);
  });

  it('an item put at a level after the page was shared is not served to those who lost it', async () => {
    const secret = demo.keys.panel.validatingIdea;
    const level = ctx.em.addSecurityLevel({ name: 'Leadership', members: [DEMO_USERS.admin] });
    const member = await view(DEMO_USERS.member); // shared while the item has no level
    expect(keysOf(member.page)).toContain(secret);
    ctx.em.setSecurityLevel(secret, level.id);
    // The member's secured items are still none, but they see one item fewer: their own load.
    const after = await view(DEMO_USERS.member);
    expect(after.calls).toBeGreaterThan(3);
    expect(keysOf(after.page)).not.toContain(secret);
    // The admin sees it among their secured items: their own load too, with it.
    const admin = await view(DEMO_USERS.admin);
    expect(admin.calls).toBeGreaterThan(3);
    expect(keysOf(admin.page)).toContain(secret);
  });

  it('is not shared with a viewer who sees more secured items than are worth telling apart', async () => {
    const level = ctx.em.addSecurityLevel({ name: 'Team', members: [DEMO_USERS.member] });
    for (let i = 0; i <= SHARED_SECURED_LIMIT; i++) {
      const issue = ctx.em.addIssue({
        projectKey: demo.projectKey,
        type: 'Story',
        summary: `Secured ${i}`,
      });
      ctx.em.setSecurityLevel(issue.key, level.id);
    }
    const first = await view(DEMO_USERS.member); // remembers field ids, types, configuration
    const second = await view(DEMO_USERS.member);
    const third = await view(DEMO_USERS.member);
    // Two counts say there are too many to fingerprint: each load is the viewer's own.
    expect(third.calls).toBe(second.calls);
    expect(third.calls).toBeGreaterThan(3);
    expect(ctx.em.kvs.peek(PAGE_CACHE_KEYS.head(demo.projectKey))).toBeUndefined();
    expect(second.page.totals.openItems).toBe(first.page.totals.openItems);
  });

  it('a write through the app refreshes the page: the next viewer sees the new evidence', async () => {
    const idea = demo.keys.panel.validatingIdea;
    const before = await view(DEMO_USERS.member);
    const evidenceBefore = allItems(before.page).find((i) => i.key === idea)?.badges.evidence;
    expect(evidenceBefore).toBe('2 interviews · 1 usability test');
    ok(
      await call(
        'evidence/add',
        DEMO_USERS.member,
        {
          entry: {
            type: 'interview',
            date: new Date().toISOString().slice(0, 10),
            summary: 'Confirms the problem',
            positive: true,
          },
        },
        idea,
      ),
    );
    ctx.em.settleSearch(); // Jira's search shows the field write (it lags a moment)
    const after = await view(DEMO_USERS.admin);
    expect(after.calls).toBeGreaterThan(3);
    const evidenceAfter = allItems(after.page).find((i) => i.key === idea)?.badges.evidence;
    expect(evidenceAfter).toBe('3 interviews · 1 usability test');
  });

  it('the sprint guard moving an item back refreshes the page: the next viewer does not see it in the sprint', async () => {
    const key = demo.keys.unscopedEnablerInBacklog;
    const issue = ctx.em.findIssue(key);
    if (!issue) throw new Error(`${key} is not seeded`);
    ctx.em.setSprint(key, demo.activeSprint.id); // dragged into the sprint
    ctx.em.settleSearch();
    const inSprint = (o: ProjectOverview) =>
      o.signals.unscopedEnablers.items.find((i) => i.key === key)?.inSprint;
    const before = await view(DEMO_USERS.member);
    expect(inSprint(before.page)).toBe(true);
    // The guard's event arrives and moves it back to the backlog, as the app.
    await runTrigger(
      ctx.em,
      sprintGuard,
      sprintChangeEvent(ctx.em, issue, { to: demo.activeSprint }),
    );
    expect(ctx.em.findIssue(key)?.custom.get(ctx.em.sprintField.id) ?? []).toEqual([]);
    ctx.em.settleSearch();
    const after = await view(DEMO_USERS.admin);
    expect(after.calls).toBeGreaterThan(3);
    expect(inSprint(after.page)).toBe(false);
  });

  it('the sprint-start check moving items back refreshes the page as well', async () => {
    const key = demo.keys.unscopedEnablerInSprint;
    const inSprint = (o: ProjectOverview) =>
      o.signals.unscopedEnablers.items.find((i) => i.key === key)?.inSprint;
    expect(inSprint((await view(DEMO_USERS.member)).page)).toBe(true);
    await runTrigger(ctx.em, sprintStartCheck, sprintStartedEvent(demo.activeSprint));
    ctx.em.settleSearch();
    const after = await view(DEMO_USERS.admin);
    expect(after.calls).toBeGreaterThan(3);
    expect(inSprint(after.page)).toBe(false);
  });

  it('ends after the shared time, and 0 turns sharing off', async () => {
    setSharedSeconds(1);
    await view(DEMO_USERS.member);
    expect((await view(DEMO_USERS.admin)).calls).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const expired = await view(DEMO_USERS.admin);
    expect(expired.calls).toBeGreaterThan(3);

    setSharedSeconds(0);
    const a = await view(DEMO_USERS.member);
    const b = await view(DEMO_USERS.member);
    // Each a full load: the permission check instead of the two counts and the boards.
    expect(b.calls).toBe(a.calls);
    expect(b.calls).toBe(expired.calls - 2);
    expect(ctx.em.kvs.peek(PAGE_CACHE_KEYS.head(demo.projectKey))).toBeDefined(); // from before
  });

  it('a page larger than one storage value is stored in parts and read back whole', async () => {
    const text = JSON.stringify({ items: 'é€'.repeat(200_000), tail: '😀'.repeat(50_000) });
    const parts = cutIntoParts(text);
    expect(parts.length).toBeGreaterThan(2);
    expect(parts.every((p) => Buffer.byteLength(JSON.stringify(p)) <= PART_MAX_BYTES)).toBe(true);
    expect(parts.join('')).toBe(text);
    const now = new Date();
    const fill = {
      audience: 'a'.repeat(16),
      stamp: 'b'.repeat(16),
      filledAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + 60_000).toISOString(),
    };
    const back = await inInvocation(ctx.em, 'resolver', 'shared-overview-parts', async () => {
      const head = sharedHeadOf(demo.projectKey, undefined);
      expect(await storeFill(demo.projectKey, head, fill, text, now)).toBe(true);
      const stored = sharedHeadOf(
        demo.projectKey,
        ctx.em.kvs.peek(PAGE_CACHE_KEYS.head(demo.projectKey)),
      );
      const [only] = stored.fills;
      if (!only) throw new Error('no fill stored');
      expect(only.parts).toBe(parts.length);
      return readFillText(demo.projectKey, only);
    });
    expect(back).toBe(text);
  });
});
