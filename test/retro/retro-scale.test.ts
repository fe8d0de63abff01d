import { DEMO_USERS } from '../../dev/emulator/demo-project';
import { seedRetroScaleProject, type RetroScaleProject } from '../../dev/emulator/retro-scale-seed';
import type { RetroAnswer } from '../../src/contract/retro-report';
import { useEmulator } from '../helpers/emulator';
import { callResolver } from '../helpers/invoke';

/**
 * What `retro/report` costs at its largest, 12 sprints, on boards with a long history
 * (dev/emulator/retro-scale-seed.ts): the exact Jira requests, on a realistic project (16 closed
 * sprints of 40 items, a decided idea per sprint, 120 open items) and on a large one (the same
 * history with 2,000 open items). The report's numbers are checked against the seed so that the
 * requests counted are the ones that build a correct report.
 */
const ctx = useEmulator();
const now = new Date('2026-11-20T09:00:00.000Z');

async function report(project: RetroScaleProject, sprints: number): Promise<RetroAnswer> {
  const result = await callResolver<RetroAnswer>(
    ctx.em,
    'retro/report',
    DEMO_USERS.member,
    { sprints },
    { extension: { project: { id: project.projectId, key: project.projectKey } } },
  );
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.data;
}

const repeat = (operationId: string, n: number) => Array.from({ length: n }, () => operationId);

/** The reads before the issues: permission, field ids (first load), board, its config and sprints. */
const FIXED = [
  'getMyPermissions',
  'getFields',
  'getAllBoards',
  'getConfiguration',
  'getAllSprints',
];

function checkAgainstSeed(data: RetroAnswer, project: RetroScaleProject) {
  const shown = project.closed.slice(-12);
  expect(data.sprints.map((s) => s.sprint.id)).toEqual(shown.map((s) => s.sprint.id));
  expect(data.available).toBe(project.closed.length);
  for (const [i, s] of data.sprints.entries()) {
    const seeded = shown[i];
    expect({ discovery: s.completed.discovery, delivery: s.completed.delivery }).toEqual(
      seeded?.completed,
    );
    expect(s.ideas.validated.length).toBe(seeded?.idea.decision === 'validated' ? 1 : 0);
    expect(s.ideas.invalidated.length).toBe(seeded?.idea.decision === 'invalidated' ? 1 : 0);
    // Three closed sprints before the first one shown: every runway has its velocity.
    expect(s.runwayAtStart.velocitySprints).toBe(3);
  }
  const inView = new Set(shown.map((s) => s.sprint.id));
  const judged = data.candidates.filter((c) => c.outcome && c.outcome.result !== 'too-early');
  expect(data.hitRate.rated).toBe(judged.length);
  expect(data.candidates.every((c) => inView.has(c.sprintId))).toBe(true);
  expect(data.candidates.map((c) => c.outcome?.result)).toEqual(
    data.candidates.map((c) => project.outcomes.get(c.key)),
  );
}

describe('retro/report for 12 sprints: the Jira requests it takes', () => {
  it('realistic project (16 closed sprints × 40 items, 120 open): 15 requests', async () => {
    const project = seedRetroScaleProject(ctx.em, { now });
    expect(project.issueCount).toBe(16 * 41 + 120);
    ctx.em.resetCalls();
    const data = await report(project, 12);
    const calls = ctx.em.jiraCalls();
    expect(calls.map((c) => c.operationId)).toEqual([
      ...FIXED,
      // 776 issues at 100 per page.
      ...repeat('searchAndReconsileIssuesUsingJqlPost', 8),
      // 731 issues whose history matters (not sprint 1's 41, finished before the window; not the
      // 4 open items created after the last sprint closed): one request's worth of issues, but
      // 1,830 change histories at 1,000 per page.
      ...repeat('getBulkChangelogs', 2),
    ]);
    expect(calls.every((c) => c.status === 200 && c.provider === 'user')).toBe(true);
    checkAgainstSeed(data, project);
  });

  it('large project (the same history with 2,000 open items): 35 requests', async () => {
    const project = seedRetroScaleProject(ctx.em, { now, key: 'BIG', openItems: 2000 });
    expect(project.issueCount).toBe(16 * 41 + 2000);
    ctx.em.resetCalls();
    const data = await report(project, 12);
    expect(ctx.em.jiraCalls().map((c) => c.operationId)).toEqual([
      ...FIXED,
      // 2,656 issues at 100 per page.
      ...repeat('searchAndReconsileIssuesUsingJqlPost', 27),
      // 2,552 issues whose history matters, in three requests of at most 1,000 issues; each
      // holds fewer than 1,000 of the 1,830 change histories, so one page each.
      ...repeat('getBulkChangelogs', 3),
    ]);
    checkAgainstSeed(data, project);
  });

  it('the second load remembers the field ids: one request fewer', async () => {
    const project = seedRetroScaleProject(ctx.em, { now });
    await report(project, 12);
    ctx.em.resetCalls();
    await report(project, 12);
    expect(ctx.em.jiraCalls().map((c) => c.operationId)).not.toContain('getFields');
    expect(ctx.em.jiraCalls()).toHaveLength(14);
  });
});
