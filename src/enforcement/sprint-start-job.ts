import { z } from 'zod';
import { jiraAsApp } from '../jira/jira-gateway';
import { readSprintIds } from '../items/item-facts';
import { pushStep } from '../queue/job-queue';
import { jobForStep, saveJob, startOrJoin, type JobRecord } from '../storage/job-store';
import { readSprintPart, removeSprintParts, writeSprintPart } from '../storage/sprint-job-store';
import { auditGiveUp, carryOut, moveAndFlag } from './sprint-start-actions';
import {
  decideItems,
  flagStep,
  moveStep,
  StartPlanSchema,
  type StartPlan,
} from './sprint-start-plan';

/**
 * The sprint-start check of a sprint too large for one invocation, as a queued job: one step
 * lists the sprint's items, then each step decides one part of PART_ITEMS (recorded before it
 * acts, so a retry acts on that decision and never decides an item twice) and moves back or
 * flags them, recording each action; the last step writes the summaries, audit and flag notes.
 */

/** Items one step decides and acts on: 2 bulkfetches, at most 200 moves or flags. */
export const PART_ITEMS = 200;

const Base = z.object({
  sprintId: z.number().int(),
  sprintName: z.string(),
  actor: z.string().optional(),
});
const StepSchema = z.discriminatedUnion('phase', [
  Base.extend({ phase: z.literal('list') }).strict(),
  Base.extend({
    phase: z.literal('part'),
    parts: z.number().int().min(1),
    index: z.number().int().min(0),
    total: z.number().int().min(0),
    /** Moves and flags of this part already done (a retried step skips them). */
    done: z.array(z.string()),
  }).strict(),
  Base.extend({
    phase: z.literal('finish'),
    parts: z.number().int().min(1),
    total: z.number().int().min(0),
    done: z.array(z.string()),
  }).strict(),
]);
type Step = z.infer<typeof StepSchema>;

const ItemsPartSchema = z.array(z.object({ id: z.string(), key: z.string() }).strict());
const PlanPartSchema = StartPlanSchema;

const scopeOf = (sprintId: number) => `sprint-${sprintId}`;

/** Hands a large sprint to the queue; a repeated event joins the job already running. */
export async function queueSprintCheck(args: {
  sprintId: number;
  sprintName: string;
  actor: string | undefined;
  now: Date;
}): Promise<{ generation: number; joined: boolean }> {
  const step: Step = {
    phase: 'list',
    sprintId: args.sprintId,
    sprintName: args.sprintName,
    ...(args.actor ? { actor: args.actor } : {}),
  };
  const answer = await startOrJoin({
    kind: 'sprint-start',
    scope: scopeOf(args.sprintId),
    accountId: args.actor ?? 'app',
    now: args.now,
    initial: { step, progress: { done: 0, total: 0 } },
  });
  if (answer.started) await queueNext(answer.job);
  return { generation: answer.job.generation, joined: !answer.started };
}

async function queueNext(job: JobRecord): Promise<void> {
  await pushStep({
    kind: 'sprint-start',
    scope: job.scope,
    generation: job.generation,
    step: job.steps,
  });
}

async function advance(
  job: JobRecord,
  step: Step | { phase: 'done' },
  done: number,
  total: number,
) {
  const next: JobRecord = {
    ...job,
    step,
    state: step.phase === 'done' ? 'done' : 'running',
    progress: { done, total },
    steps: job.steps + 1,
    updatedAt: new Date().toISOString(),
  };
  await saveJob(next);
  if (step.phase !== 'done') await queueNext(next);
}

/** One step of the job the event names; a repeat of an older step does nothing. */
export async function runSprintStartStep(
  event: { scope: string; generation: number; step: number },
  now: Date = new Date(),
): Promise<void> {
  const job = await jobForStep('sprint-start', event.scope, event.generation);
  if (!job || job.steps !== event.step) return;
  const step = StepSchema.parse(job.step);
  const at = { sprintId: step.sprintId, generation: job.generation };
  const jira = jiraAsApp();
  if (step.phase === 'list') {
    const { items } = await readSprintIds(jira, step.sprintId);
    const parts = Math.max(1, Math.ceil(items.length / PART_ITEMS));
    for (let i = 0; i < parts; i += 1) {
      await writeSprintPart(at, 'items', i, items.slice(i * PART_ITEMS, (i + 1) * PART_ITEMS));
    }
    const next: Step = { ...step, phase: 'part', parts, index: 0, total: items.length, done: [] };
    return advance(job, next, 0, items.length);
  }
  if (step.phase === 'part') return partStep(job, step, now);
  const merged = await mergedPlan(step, at);
  const done = new Set([...step.done, ...merged.items.map(actionStep)]);
  try {
    await carryOut(merged, done, jira, now);
  } catch (error) {
    await saveJob({
      ...job,
      step: { ...step, done: [...done] },
      updatedAt: new Date().toISOString(),
    });
    throw error;
  }
  await removeSprintParts(at, step.parts);
  return advance(job, { phase: 'done' }, step.total, step.total);
}

const actionStep = (i: StartPlan['items'][number]) =>
  i.action === 'move-back' ? moveStep(i.key) : flagStep(i.key);

/** Decides part `index` (once: a retry finds the plan) and carries out its moves and flags. */
async function partStep(job: JobRecord, step: Extract<Step, { phase: 'part' }>, now: Date) {
  const at = { sprintId: step.sprintId, generation: job.generation };
  const jira = jiraAsApp();
  let plan = PlanPartSchema.optional().parse(
    (await readSprintPart(at, 'plan', step.index)) ?? undefined,
  );
  if (!plan) {
    const ids = ItemsPartSchema.parse(await readSprintPart(at, 'items', step.index));
    const decided = await decideItems(
      step.sprintId,
      ids.map((i) => i.id),
      jira,
      now,
    );
    plan = {
      sprintId: step.sprintId,
      sprintName: step.sprintName,
      ...(step.actor ? { actor: step.actor } : {}),
      flaggedFieldId: decided.flaggedFieldId,
      items: decided.items,
      waived: decided.waived,
      unread: 0,
    };
    await writeSprintPart(at, 'plan', step.index, plan);
  }
  const done = new Set(step.done);
  try {
    await moveAndFlag(plan, done, jira);
  } catch (error) {
    await saveJob({
      ...job,
      step: { ...step, done: [...done] },
      updatedAt: new Date().toISOString(),
    });
    throw error;
  }
  await writeSprintPart(at, 'plan', step.index, plan);
  const decidedSoFar = Math.min(step.total, (step.index + 1) * PART_ITEMS);
  if (step.index + 1 < step.parts) {
    return advance(job, { ...step, index: step.index + 1, done: [] }, decidedSoFar, step.total);
  }
  const finish: Step = {
    phase: 'finish',
    sprintId: step.sprintId,
    sprintName: step.sprintName,
    ...(step.actor ? { actor: step.actor } : {}),
    parts: step.parts,
    total: step.total,
    done: [],
  };
  return advance(job, finish, decidedSoFar, step.total);
}

/** The plans of the first `parts` parts as one, for the summaries and the audit. */
async function mergedPlan(
  step: Extract<Step, { phase: 'part' | 'finish' }>,
  at: { sprintId: number; generation: number },
  parts: number = step.parts,
): Promise<StartPlan> {
  const merged: StartPlan = {
    sprintId: step.sprintId,
    sprintName: step.sprintName,
    ...(step.actor ? { actor: step.actor } : {}),
    flaggedFieldId: null,
    items: [],
    waived: [],
    unread: 0,
    flagOutcomes: {},
  };
  for (let i = 0; i < parts; i += 1) {
    const part = PlanPartSchema.optional().parse(
      (await readSprintPart(at, 'plan', i)) ?? undefined,
    );
    if (!part) continue;
    merged.flaggedFieldId = part.flaggedFieldId;
    merged.items.push(...part.items);
    merged.waived.push(...part.waived);
    Object.assign(merged.flagOutcomes ?? {}, part.flagOutcomes ?? {});
  }
  return merged;
}

/**
 * A job that stopped for good (a failure waiting cannot mend): what its steps did so far is
 * audited as done and what was decided but not done as failed, so no move or flag goes
 * unrecorded. Items of parts not yet decided were not touched.
 */
export async function auditStoppedSprintCheck(
  event: { scope: string; generation: number },
  reason: string,
  now: Date = new Date(),
): Promise<void> {
  const job = await jobForStep('sprint-start', event.scope, event.generation);
  if (!job || job.state !== 'running') return;
  const step = StepSchema.parse(job.step);
  if (step.phase === 'list') return;
  const at = { sprintId: step.sprintId, generation: job.generation };
  const decidedParts = step.phase === 'part' ? step.index + 1 : step.parts;
  const plan = await mergedPlan(step, at, decidedParts);
  // Parts before the current one finished all their moves and flags.
  const earlier = step.phase === 'part' ? await mergedPlan(step, at, step.index) : plan;
  const done = new Set([...step.done, ...earlier.items.map(actionStep)]);
  await auditGiveUp(plan, done, reason, now);
}
