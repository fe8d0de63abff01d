import { z } from 'zod';
import { JOB_KEYS } from './key-families';
import { sleep } from '../runtime/wait';
import { claimOutlived, createOnce, parseStored, readOne, removeOne, writeOne } from './kvs-store';

/**
 * Long work run through the queue, one job per project and kind: its progress as each step
 * records it, where the next step starts, and the result once done. A second request while a
 * job runs joins it: of two that start at once, the one that creates the generation's claim
 * starts, the other reads its job (docs/architecture.md#long-work-in-queues).
 */

export const JOB_KINDS = ['retro', 'sprint-start'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/**
 * A running job whose record has not moved for this long is taken over by the next request:
 * Forge retries a failed step for 24 h, but a step that never reports back (a dropped event) must
 * not hold the project's job forever. Longer than the 15-minute retry interval and a step.
 */
export const JOB_STALE_MS = 35 * 60 * 1000;

export const JobProgressSchema = z
  .object({ done: z.number().int().min(0), total: z.number().int().min(0) })
  .strict();

export const JobRecordSchema = z
  .object({
    kind: z.enum(JOB_KINDS),
    scope: z.string(),
    generation: z.number().int().min(1),
    state: z.enum(['running', 'done', 'failed']),
    startedAt: z.string(),
    updatedAt: z.string(),
    startedBy: z.string(),
    progress: JobProgressSchema,
    /** What the next step does, as the job's kind reads it (its cursor). */
    step: z.unknown(),
    /** Steps run so far, retries included. */
    steps: z.number().int().min(0),
    /** Why a failed job stopped, in words a person can act on. */
    failure: z.string().optional(),
  })
  .strict();
export type JobRecord = z.infer<typeof JobRecordSchema>;

export async function readJob(kind: JobKind, scope: string): Promise<JobRecord | undefined> {
  const key = JOB_KEYS.job(kind, scope);
  return parseStored(key, JobRecordSchema, await readOne(key));
}

export async function saveJob(job: JobRecord): Promise<void> {
  await writeOne(JOB_KEYS.job(job.kind, job.scope), JobRecordSchema.parse(job));
}

export function isLive(job: JobRecord | undefined, now: Date): boolean {
  return (
    job !== undefined &&
    job.state === 'running' &&
    now.getTime() - Date.parse(job.updatedAt) < JOB_STALE_MS
  );
}

const ClaimSchema = z.object({ at: z.string(), by: z.string() }).strict();
type Claim = z.infer<typeof ClaimSchema>;

/** Pauses between reads for the job of a generation another request has just claimed. */
const JOIN_WAITS_MS = [100, 250, 500];

/**
 * Claims `generation` of the job: undefined when this request now holds it, else the job of the
 * request that claimed it first (read again for a moment while that request records it). A claim
 * whose holder stopped before recording its job (older than any invocation) is taken over, so a
 * stopped request never holds the project's job for good.
 */
async function claimGeneration(
  kind: JobKind,
  scope: string,
  generation: number,
  claim: Claim,
): Promise<JobRecord | undefined> {
  const key = JOB_KEYS.claim(kind, scope, generation);
  if (await createOnce(key, claim)) return undefined;
  for (const wait of [...JOIN_WAITS_MS, undefined]) {
    const other = await readJob(kind, scope);
    if (other && other.generation >= generation) return other;
    if (wait !== undefined) await sleep(wait);
  }
  const held = parseStored(key, ClaimSchema, await readOne(key));
  if (held && !claimOutlived(held.at, new Date(claim.at))) {
    throw new Error(
      `job ${kind} ${scope}: generation ${generation} is being started by another request`,
    );
  }
  await removeOne(key);
  if (await createOnce(key, claim)) return undefined;
  const other = await readJob(kind, scope);
  if (other && other.generation >= generation) return other;
  throw new Error(
    `job ${kind} ${scope}: generation ${generation} is being started by another request`,
  );
}

export type StartAnswer = { started: true; job: JobRecord } | { started: false; job: JobRecord };

/**
 * Starts a job unless one is running: `initial` is the first step. Only the request that creates
 * the next generation's claim starts it; any other joins the job it finds.
 */
export async function startOrJoin(args: {
  kind: JobKind;
  scope: string;
  accountId: string;
  now: Date;
  initial: { step: unknown; progress: { done: number; total: number } };
}): Promise<StartAnswer> {
  const { kind, scope, now } = args;
  const current = await readJob(kind, scope);
  if (current && isLive(current, now)) return { started: false, job: current };
  const generation = (current?.generation ?? 0) + 1;
  const joined = await claimGeneration(kind, scope, generation, {
    at: now.toISOString(),
    by: args.accountId,
  });
  if (joined) return { started: false, job: joined };
  if (generation > 1) await removeOne(JOB_KEYS.claim(kind, scope, generation - 1));
  const job: JobRecord = {
    kind,
    scope,
    generation,
    state: 'running',
    startedAt: now.toISOString(),
    updatedAt: now.toISOString(),
    startedBy: args.accountId,
    progress: args.initial.progress,
    step: args.initial.step,
    steps: 0,
  };
  await saveJob(job);
  return { started: true, job };
}

/**
 * The job a step belongs to, if it is still that job's turn: a step of an older generation (a
 * late retry after a takeover) finds a newer job and stops.
 */
export async function jobForStep(
  kind: JobKind,
  scope: string,
  generation: number,
): Promise<JobRecord | undefined> {
  const job = await readJob(kind, scope);
  return job && job.generation === generation && job.state === 'running' ? job : undefined;
}

/** Ends a job that cannot go on, with the reason a viewer is shown. */
export async function failJob(
  kind: JobKind,
  scope: string,
  generation: number,
  failure: string,
): Promise<void> {
  const job = await jobForStep(kind, scope, generation);
  if (!job) return;
  await saveJob({ ...job, state: 'failed', failure, updatedAt: new Date().toISOString() });
}
