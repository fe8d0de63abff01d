import { z } from 'zod';
import { computeRetro, type RetroIssue } from '../domain/retro';
import type { StatusCategory } from '../domain/signals';
import type { StoredCandidate } from '../domain/retro-assemble';
import { trackResolver } from '../items/project-items';
import { hasSecurityLevel } from '../jira/issues';
import { jiraAsApp, type JiraGateway } from '../jira/jira-gateway';
import { searchPage } from '../jira/search';
import { pushStep, type StepEvent } from '../queue/job-queue';
import { jobForStep, saveJob, type JobRecord } from '../storage/job-store';
import { readProjectContext } from '../storage/project-context';
import { readOutcomes } from '../storage/retro-outcome-store';
import {
  PART_ITEMS,
  readFigures,
  readParts,
  removeParts,
  saveFigures,
  writePart,
  type RetroFigures,
} from '../storage/retro-figures-store';
import { guardMovesSince, markUncertainty, readIdeas } from './retro-ideas';
import { loadHistory } from './retro-history';
import {
  linkPromotions,
  RetroFieldsSchema,
  retroIssueOf,
  retroItemFields,
  timeOf,
  type RetroRaw,
} from './retro-items';
import {
  frameStep,
  FrameStepSchema,
  ReadStepSchema,
  sameSource,
  saveStep,
  type ReadStep,
} from './retro-job';
import { settingsEras } from './retro-settings';

/**
 * One step of a retro job, as the queue consumer runs it: the frame, then READ_PAGES_PER_STEP
 * search pages at a time (with those items' history), then the computation. Each step records
 * where the next one starts before queueing it; a step that fails or is stopped records nothing,
 * so Forge's retry of the same event does it again from the same place.
 */

/** Search pages per step: ~2,000 items and their history, a few seconds of Jira time. */
export const READ_PAGES_PER_STEP = 20;

/** An item as a step stores it for the computation: what the retro needs, nothing more. */
const StoredItemSchema = z
  .object({
    issue: z.custom<RetroIssue>((v) => typeof v === 'object' && v !== null),
    category: z.enum(['new', 'indeterminate', 'done']),
    links: z.array(z.unknown()),
    triage: z.unknown().optional(),
    statusNames: z.array(z.tuple([z.string(), z.string()])),
  })
  .strict();
type StoredItem = z.infer<typeof StoredItemSchema>;

export type StepOutcome = 'stale' | 'next' | 'done';

export async function runRetroStep(event: StepEvent): Promise<StepOutcome> {
  const job = await jobForStep('retro', event.scope, event.generation);
  if (!job || job.steps !== event.step) return 'stale';
  const jira = jiraAsApp();
  const frame = FrameStepSchema.safeParse(job.step);
  if (frame.success) {
    const figures = await readFigures(job.scope);
    const asked = frame.data.now ? new Date(frame.data.now) : new Date();
    const step = await frameStep(jira, job.scope, frame.data.count, figures, asked);
    if ('done' in step) return finish(job, { done: 0, total: 0 }, step.done);
    const saved = await saveStep(job, step, { done: 0, total: step.window.length });
    return queueNext(saved);
  }
  const step = ReadStepSchema.parse(job.step);
  if (step.phase === 'read') {
    const next = await readStep(jira, job, step);
    const saved = await saveStep(job, next, { done: sprintsRead(next), total: next.window.length });
    return queueNext(saved);
  }
  await computeStep(job, step);
  await removeParts(job.scope, job.generation, step.parts);
  return finish(job, { done: step.window.length, total: step.window.length });
}

async function queueNext(job: JobRecord): Promise<StepOutcome> {
  await pushStep({
    kind: 'retro',
    scope: job.scope,
    generation: job.generation,
    step: job.steps,
  });
  return 'next';
}

async function finish(job: JobRecord, progress: JobRecord['progress'], note?: string) {
  await saveJob({
    ...job,
    state: 'done',
    progress,
    step: { phase: 'done', ...(note ? { note } : {}) },
    steps: job.steps + 1,
    updatedAt: new Date().toISOString(),
  });
  return 'done' as const;
}

/** Window sprints whose items are all read: those that closed before the last item read. */
function sprintsRead(step: ReadStep): number {
  if (step.phase === 'compute') return step.window.length;
  return step.window.filter((s) => timeOf(s.completeDate) < step.readUpTo).length;
}

/** Reads the next pages of the project's items (oldest first) and stores them with history. */
async function readStep(jira: JiraGateway, job: JobRecord, step: ReadStep): Promise<ReadStep> {
  const end = timeOf(step.window.at(-1)?.completeDate);
  const start = timeOf(step.window[0]?.startDate);
  const { config, mapping } = await readProjectContext(job.scope);
  const tracks = trackResolver(mapping, config.tracks.discoveryTypeNames);
  const estimation = step.estimationFieldId
    ? { fieldId: step.estimationFieldId, displayName: '' }
    : undefined;
  // The retro's fields, and the security level: the job leaves secured items out of the report.
  const fields = [...retroItemFields(step.fields, step.estimationFieldId), 'security'];
  const items: StoredItem[] = [];
  let cursor = step.cursor;
  let ended = false;
  let readUpTo = step.readUpTo;
  for (let page = 0; page < READ_PAGES_PER_STEP && !ended; page += 1) {
    const answer = await searchPage(jira, {
      jql: `project = "${job.scope}" ORDER BY created ASC`,
      fields,
      maxResults: 5000,
      ...(cursor === undefined ? {} : { nextPageToken: cursor }),
    });
    for (const issue of answer.issues ?? []) {
      const parsed = RetroFieldsSchema.parse(issue.fields);
      const created = timeOf(parsed.created);
      if (created > end) ended = true;
      if (ended) break;
      readUpTo = Math.max(readUpTo, created);
      if (hasSecurityLevel(issue.fields)) continue;
      const raw: RetroRaw = { issue, fields: parsed };
      const cat = parsed.status.statusCategory.key;
      items.push({
        issue: retroIssueOf(raw, step.fields, estimation, tracks),
        category: cat === 'undefined' ? 'new' : cat,
        links: parsed.issuelinks ?? [],
        ...(step.fields.entryTriage ? { triage: issue.fields[step.fields.entryTriage] } : {}),
        statusNames: [],
      });
    }
    cursor = answer.nextPageToken ?? undefined;
    if (answer.isLast === true || cursor === undefined || (answer.issues ?? []).length === 0)
      ended = true;
  }
  await attachStoredHistory(jira, items, step, start);
  for (let i = 0; i < items.length; i += PART_ITEMS) {
    await writePart(
      job.scope,
      job.generation,
      step.parts + i / PART_ITEMS,
      items.slice(i, i + PART_ITEMS),
    );
  }
  const parts = step.parts + Math.ceil(items.length / PART_ITEMS);
  const base = { ...step, parts, itemsRead: step.itemsRead + items.length, readUpTo };
  delete base.cursor;
  if (ended) return { ...base, phase: 'compute', readUpTo: end };
  return { ...base, ...(cursor === undefined ? {} : { cursor }) };
}

/** The history of the items that can matter (not finished before the window began). */
async function attachStoredHistory(
  jira: JiraGateway,
  items: StoredItem[],
  step: ReadStep,
  start: number,
): Promise<void> {
  const relevant = items.filter(
    (i) =>
      !(
        i.category === 'done' &&
        i.issue.statusCategoryChanged !== undefined &&
        timeOf(i.issue.statusCategoryChanged) < start
      ),
  );
  if (relevant.length === 0) return;
  const history = await loadHistory(
    jira,
    relevant.map((i) => i.issue.id),
    { sprint: step.fields.sprint, scopedOutcome: step.fields.scopedOutcome },
  );
  const names = [...history.statusNames];
  for (const item of relevant) {
    item.issue = { ...item.issue, changes: history.changes.get(item.issue.id) ?? [] };
  }
  const first = relevant[0];
  if (first) first.statusNames = names;
}

/** Reads the stored items back and computes the window's sprints; stores their figures. */
async function computeStep(job: JobRecord, step: ReadStep): Promise<void> {
  const stored = (await readParts(job.scope, job.generation, step.parts)).map((v) =>
    StoredItemSchema.parse(v),
  );
  const { config } = await readProjectContext(job.scope);
  const issues = stored.map((s) => s.issue);
  const categories = new Map<string, StatusCategory>();
  for (const s of stored) categories.set(s.issue.statusId, s.category);
  for (const s of stored) {
    for (const [id, name] of s.statusNames)
      if (!categories.has(id)) categories.set(id, guessCategory(name));
  }
  const raw = stored.map(
    (s) =>
      ({
        issue: {
          id: s.issue.id,
          key: s.issue.key,
          fields: step.fields.entryTriage ? { [step.fields.entryTriage]: s.triage } : {},
        },
        fields: { issuelinks: s.links },
      }) as unknown as RetroRaw,
  );
  const known = [...issues, ...linkPromotions(raw, issues)];
  const { ideas, validationById, touchpoints } = await readIdeas(known, config);
  const triageField = step.fields.entryTriage;
  if (triageField) markUncertainty(raw, known, triageField, categories, validationById);
  const start = timeOf(step.window[0]?.startDate);
  const [guardMoves, outcomes, settings] = await Promise.all([
    guardMovesSince(job.scope, start),
    readOutcomes(issues.filter((i) => i.promotedFrom.length > 0).map((i) => i.id)),
    settingsEras(job.scope),
  ]);
  const report = computeRetro({
    sprints: step.window,
    count: step.compute,
    issues,
    ideas,
    guardMoves,
    outcomes,
    statusCategories: categories,
    unit: step.estimationFieldId ? 'points' : 'issues',
    config,
    settings,
    touchpoints,
    triageRead: step.fields.entryTriage !== undefined,
  });
  const ideaById = new Map(ideas.map((i) => [i.id, i]));
  const issueById = new Map(issues.map((i) => [i.id, i]));
  const evidenceOf = (issueId: string): StoredCandidate['evidence'] =>
    (issueById.get(issueId)?.promotedFrom ?? []).flatMap((id) => {
      const idea = ideaById.get(id);
      return idea ? idea.evidence.map((e) => ({ ideaKey: idea.key, ...e })) : [];
    });
  const kept = await readFigures(job.scope);
  const previous = sameSource(kept, step.board.id, step.periodDays) ? kept : undefined;
  const figures: RetroFigures = {
    board: step.board,
    projectName: step.projectName,
    unit: step.estimationFieldId ? 'points' : 'issues',
    estimationFieldId: step.estimationFieldId,
    triageRead: step.fields.entryTriage !== undefined,
    available: step.available,
    notes: step.notes,
    ...(step.periodDays === undefined ? {} : { periodDays: step.periodDays }),
    sprints: { ...(previous?.sprints ?? {}) },
  };
  for (const s of report.sprints) {
    const candidates = report.candidates
      .filter((c) => c.sprintId === s.sprint.id)
      .map(({ outcome: _o, ...c }) => ({ ...c, evidence: evidenceOf(c.issueId) }));
    figures.sprints[String(s.sprint.id)] = { report: s, candidates };
  }
  await saveFigures(job.scope, figures);
}

function guessCategory(name: string): StatusCategory {
  const n = name.trim().toLowerCase();
  if (/^(done|closed|resolved|released|shipped)$/.test(n)) return 'done';
  if (/^(to do|todo|open|backlog|new|ready.*|selected.*)$/.test(n)) return 'new';
  return 'indeterminate';
}
