import { z } from 'zod';
import { ProjectKeySchema } from '../contract/bridge-contract';
import type { RetroAnswer, RetroJobAnswer } from '../contract/retro-report';
import { assembleRetro } from '../domain/retro-assemble';
import { pageFieldIds } from '../items/site-fields';
import { activeAndClosedSprints, boardEstimation } from '../jira/boards';
import { closedPeriods } from '../domain/retro-periods';
import { otherProjectsNote, periodNote, retroBoard } from './retro-board';
import type { JiraGateway } from '../jira/jira-gateway';
import { projectName } from '../jira/projects';
import { pushStep } from '../queue/job-queue';
import { readProjectContext } from '../storage/project-context';
import { readOutcomes } from '../storage/retro-outcome-store';
import { figuresOf, readFigures, type RetroFigures } from '../storage/retro-figures-store';
import { isLive, readJob, saveJob, startOrJoin, type JobRecord } from '../storage/job-store';
import { closedSprintsOf, MAX_SPRINTS, missingNotes } from './load-retro';

/**
 * The retro as a queued job: `startRetro` answers from the stored figures when every sprint
 * asked for has them (the board's sprint list is then the only Jira read), else starts the
 * project's job or joins the one running. The steps (src/retro/retro-job-steps.ts) read the
 * project's items page by page as the app, leaving out items with an issue security level (a
 * shared report shows only what everyone with Browse projects sees), and store each closed
 * sprint's figures once. Design and costs: docs/architecture.md#long-work-in-queues.
 */

const VELOCITY_SPRINTS = 3;

export const ReadStepSchema = z
  .object({
    phase: z.enum(['read', 'compute']),
    /** Closed sprints whose items are read (the ones to compute and the 3 before), oldest first. */
    window: z.array(
      z.object({
        id: z.number(),
        name: z.string(),
        startDate: z.string(),
        completeDate: z.string(),
        period: z.boolean().optional(),
      }),
    ),
    /** A Kanban board: its periods' length in days (the window holds periods, not sprints). */
    periodDays: z.number().int().min(1).optional(),
    /** Sprints of the window to compute (the rest only give the first ones their velocity). */
    compute: z.number().int().min(1),
    fields: z.object({
      sprint: z.string(),
      scopedOutcome: z.string().optional(),
      entryTriage: z.string().optional(),
    }),
    estimationFieldId: z.string().nullable(),
    board: z.object({ id: z.number(), name: z.string() }),
    projectName: z.string(),
    available: z.number().int(),
    notes: z.array(z.string()),
    cursor: z.string().optional(),
    parts: z.number().int().min(0),
    itemsRead: z.number().int().min(0),
    /** Epoch ms: the newest creation time read so far (items come oldest first). */
    readUpTo: z.number(),
  })
  .strict();
export type ReadStep = z.infer<typeof ReadStepSchema>;

/** The first step; `now`: when the viewer asked, which closes a Kanban board's periods. */
export const FrameStepSchema = z
  .object({ phase: z.literal('frame'), count: z.number(), now: z.string().datetime().optional() })
  .strict();

/** The report from stored figures: the last `count` closed sprints they hold. */
export async function reportFromFigures(
  project: { id: string; key: string },
  figures: RetroFigures,
  count: number,
): Promise<RetroAnswer> {
  const ids = Object.values(figures.sprints)
    .map((s) => s.report.sprint)
    .sort((a, b) => a.completeDate.localeCompare(b.completeDate))
    .slice(-count)
    .map((s) => s.id);
  const shown = figuresOf(figures, ids);
  const candidateIds = shown.flatMap((f) => f.candidates.map((c) => c.issueId));
  const [outcomes, { config }] = await Promise.all([
    readOutcomes(candidateIds),
    readProjectContext(project.key),
  ]);
  const report = assembleRetro({
    figures: shown,
    outcomes,
    unit: figures.unit,
    targetPercent: config.capacity.discoveryTargetPercent,
    triageRead: figures.triageRead,
  });
  return {
    ...report,
    project: { id: project.id, key: project.key, name: figures.projectName },
    board: figures.board,
    requested: count,
    available: figures.available,
    notes: figures.notes,
  };
}

const answerOf = (job: JobRecord, joined: boolean): RetroJobAnswer => ({
  state: job.state,
  joined,
  progress: job.progress,
  ...spanOf(job),
  ...(job.failure ? { failure: job.failure } : {}),
});

/** Past its first step a job knows whether it reads sprints or a Kanban board's periods. */
function spanOf(job: JobRecord): Pick<RetroJobAnswer, 'span'> {
  const step = ReadStepSchema.safeParse(job.step);
  if (!step.success) return {};
  return { span: step.data.periodDays === undefined ? 'sprint' : 'period' };
}

/**
 * What a viewer gets on opening the retro: the report when the stored figures cover the sprints
 * asked for and no sprint closed since; else the project's running job (joined) or a new one.
 */
export async function startRetro(args: {
  jira: JiraGateway;
  project: { id: string; key: string };
  sprints: number;
  accountId: string;
  now: Date;
}): Promise<RetroJobAnswer> {
  const key = ProjectKeySchema.parse(args.project.key);
  const count = Math.max(1, Math.min(MAX_SPRINTS, args.sprints));
  const running = await readJob('retro', key);
  if (running && isLive(running, args.now)) return answerOf(running, true);
  const figures = await readFigures(key);
  if (figures && (await covered(args.jira, key, figures, count, args.now))) {
    const report = await reportFromFigures(args.project, figures, count);
    const total = report.sprints.length;
    return { state: 'done', joined: false, progress: { done: total, total }, report };
  }
  const answer = await startOrJoin({
    kind: 'retro',
    scope: key,
    accountId: args.accountId,
    now: args.now,
    initial: {
      step: { phase: 'frame', count, now: args.now.toISOString() },
      progress: { done: 0, total: 0 },
    },
  });
  if (answer.started) {
    await pushStep({ kind: 'retro', scope: key, generation: answer.job.generation, step: 0 });
  }
  return answerOf(answer.job, !answer.started);
}

/**
 * Do the figures hold the last `count` closed sprints of the board (one Jira read)? Periods: the
 * last `count` closed before `now`, at the period length the settings give now (no Jira read).
 */
async function covered(
  jira: JiraGateway,
  key: string,
  figures: RetroFigures,
  count: number,
  now: Date,
) {
  const days = figures.periodDays;
  if (days !== undefined) {
    const { config } = await readProjectContext(key);
    if (config.kanban.retroPeriodDays !== days) return false;
  }
  const closed =
    days === undefined
      ? closedSprintsOf(await activeAndClosedSprints(jira, figures.board.id))
      : closedPeriods(now, days, count);
  const shown = closed.slice(-count);
  return shown.length > 0 && shown.every((s) => figures.sprints[String(s.id)] !== undefined);
}

/** The job's state for a viewer, with the report once it is done. */
export async function retroStatus(args: {
  project: { id: string; key: string };
  sprints: number;
  now: Date;
}): Promise<RetroJobAnswer> {
  const key = ProjectKeySchema.parse(args.project.key);
  const count = Math.max(1, Math.min(MAX_SPRINTS, args.sprints));
  const job = await readJob('retro', key);
  const figures = await readFigures(key);
  if (job && job.state !== 'done') {
    const stale = job.state === 'running' && !isLive(job, args.now);
    return stale
      ? { ...answerOf(job, false), state: 'failed', failure: 'The retro stopped; open it again.' }
      : answerOf(job, false);
  }
  if (!figures) {
    // A job that found nothing to read (no Scrum board, no closed sprint) says why.
    const note = z.object({ note: z.string() }).safeParse(job?.step).data?.note;
    return {
      state: 'failed',
      joined: false,
      progress: { done: 0, total: 0 },
      failure: note ?? 'No retro has been computed yet.',
    };
  }
  const report = await reportFromFigures(args.project, figures, count);
  const total = report.sprints.length;
  return { state: 'done', joined: false, progress: { done: total, total }, report };
}

/**
 * The first step: the board, its estimation field, its closed sprints and the field ids, as the
 * app. Which sprints need figures decides the window read; none: the job is done at once.
 */
export async function frameStep(
  jira: JiraGateway,
  key: string,
  count: number,
  stored: RetroFigures | undefined,
  now: Date,
): Promise<ReadStep | { done: string }> {
  const decision = await readProjectContext(key);
  const [ids, picked] = await Promise.all([
    pageFieldIds(decision.fields, jira),
    retroBoard(jira, key, decision.config),
  ]);
  if ('done' in picked) return picked;
  const { found, periodDays } = picked;
  const [estimation, sprints, others] = await Promise.all([
    boardEstimation(jira, found.board.id),
    periodDays === undefined ? activeAndClosedSprints(jira, found.board.id) : [],
    otherProjectsNote(jira, key, found),
  ]);
  const closed =
    periodDays === undefined
      ? closedSprintsOf(sprints)
      : closedPeriods(now, periodDays, count + VELOCITY_SPRINTS);
  // Figures of another board or period length are not these; they are read again.
  const figures = sameSource(stored, found.board.id, periodDays) ? stored : undefined;
  if (closed.length === 0 || !ids.sprint) {
    return {
      done: `The board "${found.board.name}" has no closed sprints whose history can be read.`,
    };
  }
  const shownFrom = Math.max(0, closed.length - count);
  const firstNeeded = closed.findIndex(
    (s, i) => i >= shownFrom && figures?.sprints[String(s.id)] === undefined,
  );
  const lastNeeded = closed.length - 1;
  const from = Math.max(0, (firstNeeded < 0 ? lastNeeded : firstNeeded) - VELOCITY_SPRINTS);
  const window = closed.slice(from, lastNeeded + 1);
  const notes = missingNotes(decision.mapping === undefined, ids);
  if (others) notes.unshift(others);
  if (periodDays !== undefined) notes.unshift(periodNote(found.board.name, periodDays));
  return {
    phase: 'read',
    window,
    ...(periodDays === undefined ? {} : { periodDays }),
    compute: lastNeeded - (firstNeeded < 0 ? lastNeeded : firstNeeded) + 1,
    fields: {
      sprint: ids.sprint,
      ...(ids.scopedOutcome ? { scopedOutcome: ids.scopedOutcome } : {}),
      ...(ids.entryTriage ? { entryTriage: ids.entryTriage } : {}),
    },
    estimationFieldId: estimation?.fieldId ?? null,
    board: { id: found.board.id, name: found.board.name },
    projectName: found.board.location?.projectName ?? (await projectName(jira, key)),
    available: periodDays === undefined ? closed.length : Math.min(count, closed.length),
    notes,
    parts: 0,
    itemsRead: 0,
    readUpTo: 0,
  };
}

/** Were the stored figures read from this board, at this period length (none: sprints)? */
export function sameSource(
  figures: RetroFigures | undefined,
  boardId: number,
  periodDays: number | undefined,
): figures is RetroFigures {
  return figures !== undefined && figures.board.id === boardId && figures.periodDays === periodDays;
}

export async function saveStep(job: JobRecord, step: unknown, progress: JobRecord['progress']) {
  const next: JobRecord = {
    ...job,
    step,
    progress,
    steps: job.steps + 1,
    updatedAt: new Date().toISOString(),
  };
  await saveJob(next);
  return next;
}
