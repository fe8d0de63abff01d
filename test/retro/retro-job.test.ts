import { DEMO_USERS } from '../../dev/emulator/demo-project';
import { seedRetroScaleProject, type RetroScaleProject } from '../../dev/emulator/retro-scale-seed';
import type { RetroAnswer, RetroJobAnswer } from '../../src/contract/retro-report';
import { READ_PAGES_PER_STEP } from '../../src/retro/retro-job-steps';
import { useEmulator } from '../helpers/emulator';
import { callResolver, deliverQueue, ok } from '../helpers/invoke';

/**
 * The retro through the queue (src/retro/retro-job.ts): a job of resumable steps, each one
 * consumer invocation under the function's timeoutSeconds, on the emulated Forge queue
 * (dev/emulator/forge-queue.ts). Checked against the one-invocation `retro/report` so that the
 * figures the steps store are the ones the report shows.
 */
const ctx = useEmulator();
const now = new Date('2026-11-20T09:00:00.000Z');
const OTHER = 'user-second-viewer';

function as(project: RetroScaleProject) {
  return { extension: { project: { id: project.projectId, key: project.projectKey } } };
}

async function start(project: RetroScaleProject, user: string = DEMO_USERS.member) {
  return ok<RetroJobAnswer>(
    await callResolver(ctx.em, 'retro/job/start', user, { sprints: 12 }, as(project)),
  );
}

async function status(project: RetroScaleProject) {
  return ok<RetroJobAnswer>(
    await callResolver(ctx.em, 'retro/job/status', DEMO_USERS.member, { sprints: 12 }, as(project)),
  );
}

async function direct(project: RetroScaleProject): Promise<RetroAnswer> {
  return ok<RetroAnswer>(
    await callResolver(ctx.em, 'retro/report', DEMO_USERS.member, { sprints: 12 }, as(project)),
  );
}

/** What must match between the queued report and the one-invocation report. */
function figures(report: RetroAnswer) {
  const byKey = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key);
  return {
    sprints: report.sprints,
    trends: report.trends,
    candidates: [...report.candidates].sort(byKey),
    misses: [...report.misses].sort(byKey),
    hitRate: report.hitRate,
    available: report.available,
    unit: report.unit,
  };
}

function seed(openItems = 2000): RetroScaleProject {
  const project = seedRetroScaleProject(ctx.em, { now, key: 'BIG', openItems });
  ctx.em.addUser({ accountId: OTHER, displayName: 'Sam Second' });
  ctx.em.grant('BIG', OTHER);
  return project;
}

describe('the retro as a queued job', () => {
  it('computes 16 closed sprints in steps, none over its limit, the same report as one invocation', async () => {
    const project = seed();
    const first = await start(project);
    expect(first).toMatchObject({ state: 'running', joined: false });
    expect(ctx.em.queue.pending).toHaveLength(1);

    const deliveries = await deliverQueue(ctx.em);
    expect(deliveries.length).toBeGreaterThan(2);
    expect(deliveries.every((d) => d.outcome === 'ok' && d.virtualMs < d.limitMs)).toBe(true);
    expect(deliveries.every((d) => d.limitMs === 120_000)).toBe(true);

    const done = await status(project);
    expect(done.state).toBe('done');
    expect(done.progress).toEqual({ done: 12, total: 12 });
    expect(figures(done.report as RetroAnswer)).toEqual(figures(await direct(project)));
  });

  it('a second viewer joins the running job: one job, one chain of steps, progress as "N of M"', async () => {
    const project = seed();
    await start(project);
    const second = await start(project, OTHER);
    expect(second).toMatchObject({ state: 'running', joined: true });
    expect(ctx.em.queue.pending).toHaveLength(1);

    await deliverQueue(ctx.em, { maxDeliveries: 2 });
    const midway = await status(project);
    expect(midway.state).toBe('running');
    expect(midway.progress.total).toBe(15);
    expect(midway.progress.done).toBeGreaterThan(0);
    expect(midway.progress.done).toBeLessThan(15);

    await deliverQueue(ctx.em);
    expect((await status(project)).state).toBe('done');
  });

  it('a repeat load answers from the stored figures: at most 3 Jira calls', async () => {
    const project = seed();
    await start(project);
    await deliverQueue(ctx.em);
    ctx.em.resetCalls();

    const again = await start(project, OTHER);
    expect(again.state).toBe('done');
    expect(ctx.em.queue.pending).toHaveLength(0);
    const calls = ctx.em.jiraCalls().map((c) => c.operationId);
    expect(calls.length).toBeLessThanOrEqual(3);
    expect(calls).toEqual(['getMyPermissions', 'getAllSprints']);
    expect(figures(again.report as RetroAnswer)).toEqual(figures(await direct(project)));
  });

  it('a step stopped at its time limit is retried by the queue and resumes where it stopped', async () => {
    const project = seed();
    const expected = figures(await direct(project));
    await start(project);
    await deliverQueue(ctx.em, { maxDeliveries: 1 });
    ctx.em.latencyMs = 10_000; // 20 pages at 10 s each: past the step's 120 s
    const slow = await deliverQueue(ctx.em, { maxDeliveries: 1 });
    expect(slow.map((d) => d.outcome)).toEqual(['timed-out']);
    ctx.em.latencyMs = 0;
    const rest = await deliverQueue(ctx.em);
    expect(rest[0]).toMatchObject({ outcome: 'ok', retryCount: 1 });
    const done = await status(project);
    expect(figures(done.report as RetroAnswer)).toEqual(expected);
  });

  it('Jira out of quota mid-read: the step asks to be retried after the reset and resumes there', async () => {
    const project = seed();
    const expected = figures(await direct(project));
    await start(project);
    const ledger = ctx.em.useRateLimits({ startAt: '2026-11-20T09:40:00.000Z' });
    ledger.exhaustOn('searchAndReconsileIssuesUsingJqlPost', { skip: READ_PAGES_PER_STEP + 5 });
    ctx.em.resetCalls();

    const deliveries = await deliverQueue(ctx.em);
    const asked = deliveries.filter((d) => d.outcome === 'retry-requested');
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((d) => (d.retryAfter ?? 0) >= 1 && (d.retryAfter ?? 0) <= 900)).toBe(true);
    expect(deliveries.at(-1)?.outcome).toBe('ok');
    const searches = ctx.em
      .jiraCalls()
      .filter((c) => c.operationId === 'searchAndReconsileIssuesUsingJqlPost' && c.status === 200);
    // 2,656 items at 100 a page; the step that met the 429 read its 5 pages again, no more.
    expect(searches.length).toBeLessThanOrEqual(27 + 5);
    const done = await status(project);
    expect(figures(done.report as RetroAnswer)).toEqual(expected);
  });

  it('a shared report leaves out items with an issue security level, even ones the starter may see', async () => {
    const project = seed();
    const spike = (await direct(project)).sprints.at(-1)?.spikes.finished[0] as string;
    const level = ctx.em.addSecurityLevel({
      name: 'Leads',
      members: [DEMO_USERS.member],
      app: true,
    });
    ctx.em.setSecurityLevel(spike, level.id);
    expect(JSON.stringify(await direct(project))).toContain(`"${spike}"`);

    await start(project);
    await deliverQueue(ctx.em);
    const shared = (await status(project)).report as RetroAnswer;
    expect(shared.sprints).toHaveLength(12);
    expect(JSON.stringify(shared)).not.toContain(`"${spike}"`);
  });

  it('a step delivered twice (queues deliver at least once) runs once', async () => {
    const project = seed();
    await start(project);
    const first = ctx.em.queue.pending[0];
    if (!first) throw new Error('no step queued');
    ctx.em.queue.pending.push({ ...first, eventId: 'the same step again' });
    ctx.em.resetCalls();
    const deliveries = await deliverQueue(ctx.em);
    expect(deliveries.every((d) => d.outcome === 'ok')).toBe(true);
    const boards = ctx.em.jiraCalls().filter((c) => c.operationId === 'getAllBoards');
    expect(boards).toHaveLength(1);
    expect((await status(project)).state).toBe('done');
  });

  it('two viewers opening the retro at the same moment start one job', async () => {
    const project = seed();
    const answers = await Promise.all([start(project), start(project, OTHER)]);
    expect(answers.map((a) => a.joined).sort()).toEqual([false, true]);
    expect(ctx.em.queue.pending).toHaveLength(1);
    await deliverQueue(ctx.em);
    expect((await status(project)).state).toBe('done');
  });

  it('a sprint that closed since: the next load runs a job that computes it and keeps the others', async () => {
    const project = seed();
    await start(project);
    await deliverQueue(ctx.em);
    const before = (await status(project)).report as RetroAnswer;
    project.active.state = 'closed';
    project.active.completeDate = now.toISOString();

    const next = await start(project);
    expect(next.state).toBe('running');
    await deliverQueue(ctx.em);
    const after = (await status(project)).report as RetroAnswer;
    expect(after.sprints.at(-1)?.sprint.id).toBe(project.active.id);
    // The sprints kept from the first job are the same figures, one place earlier.
    expect(after.sprints.slice(0, 11).map((s) => s.sprint.id)).toEqual(
      before.sprints.slice(1).map((s) => s.sprint.id),
    );
    expect(figures(after)).toEqual(figures(await direct(project)));
  });

  it('a project without a Scrum board: the job ends at once and says why', async () => {
    const project = seed();
    ctx.em.addProject({ key: 'NOB', name: 'No board' });
    ctx.em.grant('NOB', DEMO_USERS.member);
    const other = { ...project, projectKey: 'NOB', projectId: ctx.em.projectByKey('NOB').id };
    await start(other);
    await deliverQueue(ctx.em);
    const answer = await status(other);
    expect(answer.state).toBe('failed');
    expect(answer.failure).toBe(
      'No Scrum board shows NOB, so there are no sprints to look back on.',
    );
  });
});
