import { JOB_KEYS } from '../../src/storage/key-families';
import { STOPPED_CLAIM_MS } from '../../src/storage/kvs-store';
import {
  failJob,
  isLive,
  JOB_STALE_MS,
  jobForStep,
  readJob,
  startOrJoin,
  type JobRecord,
} from '../../src/storage/job-store';
import { kvsRequest, useEmulator } from '../helpers/emulator';
import { inInvocation } from '../helpers/invoke';

/**
 * Queued jobs, one per project and kind: a request starts a job unless one is running, and joins
 * it otherwise (waiting a moment for a job just claimed to be recorded); a job that stopped moving,
 * or a claim whose holder stopped before recording its job, is taken over; a step of an older
 * generation finds nothing to do; a failed job keeps why.
 */
const ctx = useEmulator();
const at = new Date('2026-11-20T10:00:00.000Z');
const later = (ms: number) => new Date(at.getTime() + ms);
const run = <T>(fn: () => Promise<T>) => inInvocation(ctx.em, 'trigger', 'test: jobs', fn);
const start = (accountId: string, now: Date) =>
  run(() =>
    startOrJoin({
      kind: 'retro',
      scope: 'DT',
      accountId,
      now,
      initial: { step: { sprint: 0 }, progress: { done: 0, total: 16 } },
    }),
  );

describe('starting a job', () => {
  it('the first request starts generation 1 with its first step', async () => {
    const answer = await start('mia', at);
    const job: JobRecord = {
      kind: 'retro',
      scope: 'DT',
      generation: 1,
      state: 'running',
      startedAt: at.toISOString(),
      updatedAt: at.toISOString(),
      startedBy: 'mia',
      progress: { done: 0, total: 16 },
      step: { sprint: 0 },
      steps: 0,
    };
    expect(answer).toEqual({ started: true, job });
    // Read the job, create the claim, record the job: no waiting, nothing else.
    expect(Object.fromEntries(ctx.em.kvs.counts)).toEqual({ get: 1, set: 2 });
    await expect(run(() => readJob('retro', 'DT'))).resolves.toEqual(job);
    expect(ctx.em.kvs.peek(JOB_KEYS.claim('retro', 'DT', 1))).toEqual({
      at: at.toISOString(),
      by: 'mia',
    });
  });

  it('a second request while it runs joins it', async () => {
    await start('mia', at);
    const answer = await start('ada', later(JOB_STALE_MS - 1));
    expect(answer).toMatchObject({ started: false, job: { generation: 1, startedBy: 'mia' } });
  });

  it('a job that has not moved for the stale time is taken over by the next generation', async () => {
    await start('mia', at);
    const answer = await start('ada', later(JOB_STALE_MS));
    expect(answer).toMatchObject({ started: true, job: { generation: 2, startedBy: 'ada' } });
    // The older generation's claim is cleared; the new one is held.
    expect(ctx.em.kvs.peek(JOB_KEYS.claim('retro', 'DT', 1))).toBeUndefined();
    expect(ctx.em.kvs.counts.get('delete')).toBe(1);
    expect(ctx.em.kvs.peek(JOB_KEYS.claim('retro', 'DT', 2))).toMatchObject({ by: 'ada' });
  });

  it('a finished job is followed by a new generation', async () => {
    const { job } = await start('mia', at);
    ctx.em.kvs.seed(JOB_KEYS.job('retro', 'DT'), { ...job, state: 'done' });
    await expect(start('ada', later(1))).resolves.toMatchObject({
      started: true,
      job: { generation: 2 },
    });
  });

  it('two requests at once: one starts, the other joins the job it started', async () => {
    const [a, b] = await Promise.all([start('mia', at), start('ada', at)]);
    expect([a.started, b.started].sort()).toEqual([false, true]);
    expect(a.job.generation).toBe(1);
    expect(b.job.generation).toBe(1);
  });

  it('two requests at once taking over a stale job: one starts the next generation, the other joins it', async () => {
    await start('mia', at);
    const [a, b] = await Promise.all([
      start('ada', later(JOB_STALE_MS)),
      start('kai', later(JOB_STALE_MS)),
    ]);
    expect([a.started, b.started].sort()).toEqual([false, true]);
    expect([a.job.generation, b.job.generation]).toEqual([2, 2]);
    expect(a.job.startedBy).toBe(b.job.startedBy);
  });

  it('a request that claimed the generation but has not recorded its job yet is waited for, then joined', async () => {
    const jobKey = JOB_KEYS.job('retro', 'DT');
    const save = ctx.em.kvs.hold(kvsRequest('set', jobKey));
    const first = start('mia', at);
    await save.arrived;
    // The second request's read after its first wait (its first read is of the current job, its
    // second the one right after losing the claim) is held until the first has recorded the job.
    let reads = 0;
    const read = ctx.em.kvs.hold((r) => kvsRequest('get', jobKey)(r) && ++reads === 3);
    const second = start('ada', at);
    await read.arrived;
    save.release();
    const a = await first;
    read.release();
    const b = await second;
    expect(a).toMatchObject({ started: true, job: { generation: 1, startedBy: 'mia' } });
    expect(b).toMatchObject({ started: false, job: { generation: 1, startedBy: 'mia' } });
  });

  it('a fresh claim whose job is not recorded after the waits: an error saying it is being started, nothing written', async () => {
    ctx.em.kvs.seed(JOB_KEYS.claim('retro', 'DT', 1), { at: at.toISOString(), by: 'gone' });
    await expect(start('ada', later(1_000))).rejects.toThrow(
      'job retro DT: generation 1 is being started by another request',
    );
    expect(ctx.em.kvs.peek(JOB_KEYS.job('retro', 'DT'))).toBeUndefined();
    expect(ctx.em.kvs.peek(JOB_KEYS.claim('retro', 'DT', 1))).toMatchObject({ by: 'gone' });
    // It read the job four times with the three waits between (100, 250 and 500 ms) first.
    expect(ctx.em.invocations.log.at(-1)?.virtualMs).toBeGreaterThanOrEqual(850);
  });

  describe('a stopped claim taken over while another request claims the generation again', () => {
    const claimKey = JOB_KEYS.claim('retro', 'DT', 1);
    /** Holds this request's second create of the claim (after it removed the stopped one). */
    const holdRecreate = () => {
      let sets = 0;
      return ctx.em.kvs.hold((r) => kvsRequest('set', claimKey)(r) && ++sets === 2);
    };
    const now = later(STOPPED_CLAIM_MS + 1);
    const bobs: JobRecord = {
      kind: 'retro',
      scope: 'DT',
      generation: 1,
      state: 'running',
      startedAt: now.toISOString(),
      updatedAt: now.toISOString(),
      startedBy: 'bob',
      progress: { done: 0, total: 16 },
      step: { sprint: 0 },
      steps: 0,
    };

    it('joins the job the other request recorded', async () => {
      ctx.em.kvs.seed(claimKey, { at: at.toISOString(), by: 'gone' });
      const recreate = holdRecreate();
      const answer = start('ada', now);
      await recreate.arrived;
      ctx.em.kvs.seed(claimKey, { at: now.toISOString(), by: 'bob' });
      ctx.em.kvs.seed(JOB_KEYS.job('retro', 'DT'), bobs);
      recreate.release();
      await expect(answer).resolves.toEqual({ started: false, job: bobs });
    });

    it('with no job recorded yet: an error saying it is being started, the other claim kept', async () => {
      ctx.em.kvs.seed(claimKey, { at: at.toISOString(), by: 'gone' });
      const recreate = holdRecreate();
      const answer = start('ada', now);
      await recreate.arrived;
      ctx.em.kvs.seed(claimKey, { at: now.toISOString(), by: 'bob' });
      recreate.release();
      await expect(answer).rejects.toThrow(
        'job retro DT: generation 1 is being started by another request',
      );
      expect(ctx.em.kvs.peek(claimKey)).toEqual({ at: now.toISOString(), by: 'bob' });
      expect(ctx.em.kvs.peek(JOB_KEYS.job('retro', 'DT'))).toBeUndefined();
    });

    it('the job of the generation before is not joined', async () => {
      // Generation 1 stopped moving long ago; generation 2's claim holder stopped too.
      const stale = { ...bobs, startedBy: 'gone', updatedAt: at.toISOString() };
      ctx.em.kvs.seed(JOB_KEYS.job('retro', 'DT'), stale);
      const claim2 = JOB_KEYS.claim('retro', 'DT', 2);
      ctx.em.kvs.seed(claim2, { at: at.toISOString(), by: 'gone' });
      let sets = 0;
      const recreate = ctx.em.kvs.hold((r) => kvsRequest('set', claim2)(r) && ++sets === 2);
      const then = later(JOB_STALE_MS + 1);
      const answer = start('ada', then);
      await recreate.arrived;
      ctx.em.kvs.seed(claim2, { at: then.toISOString(), by: 'bob' });
      recreate.release();
      await expect(answer).rejects.toThrow('generation 2 is being started by another request');
    });
  });

  it('a claim whose holder stopped before recording its job is taken over, not held for good', async () => {
    ctx.em.kvs.seed(JOB_KEYS.claim('retro', 'DT', 1), { at: at.toISOString(), by: 'gone' });
    const now = later(STOPPED_CLAIM_MS + 1);
    await expect(start('ada', now)).resolves.toMatchObject({
      started: true,
      job: { generation: 1, startedBy: 'ada' },
    });
    expect(ctx.em.kvs.peek(JOB_KEYS.claim('retro', 'DT', 1))).toEqual({
      at: now.toISOString(),
      by: 'ada',
    });
  });
});

describe('a job’s steps', () => {
  it('belong to the running generation only', async () => {
    await start('mia', at);
    await expect(run(() => jobForStep('retro', 'DT', 1))).resolves.toMatchObject({
      generation: 1,
    });
    await expect(run(() => jobForStep('retro', 'DT', 2))).resolves.toBeUndefined();
    await expect(run(() => jobForStep('sprint-start', 'DT', 1))).resolves.toBeUndefined();
  });

  it('a failed job keeps why, and no step of it runs after', async () => {
    await start('mia', at);
    await run(() => failJob('retro', 'DT', 1, 'The board was deleted.'));
    const job = await run(() => readJob('retro', 'DT'));
    expect(job).toMatchObject({ state: 'failed', failure: 'The board was deleted.' });
    await expect(run(() => jobForStep('retro', 'DT', 1))).resolves.toBeUndefined();
  });

  it('failing an older generation changes nothing', async () => {
    await start('mia', at);
    await start('ada', later(JOB_STALE_MS));
    await run(() => failJob('retro', 'DT', 1, 'late'));
    await expect(run(() => readJob('retro', 'DT'))).resolves.toMatchObject({
      generation: 2,
      state: 'running',
    });
  });
});

describe('a live job', () => {
  it('is running and moved within the stale time', async () => {
    const { job } = await start('mia', at);
    expect(isLive(job, later(JOB_STALE_MS - 1))).toBe(true);
    expect(isLive(job, later(JOB_STALE_MS))).toBe(false);
    expect(isLive({ ...job, state: 'done' }, at)).toBe(false);
    expect(isLive(undefined, at)).toBe(false);
  });
});
