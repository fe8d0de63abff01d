import { z } from 'zod';
import {
  computeRetro,
  validatedOn,
  type GuardMove,
  type RetroIdea,
  type RetroIssue,
  type RetroSprint,
} from '../domain/retro';
import { covers, readTriage } from '../domain/entry-criteria';
import type { ValidationState } from '../domain/readiness';
import type { EstimateUnit, StatusCategory } from '../domain/signals';
import type { EvidenceEntry } from '../domain/evidence-log';
import { validationOf } from '../domain/evidence-log';
import type { JiraGateway, RawIssue } from '../jira/jira-gateway';
import { pageFieldIds } from '../items/field-ids';
import { isoOf, kindOf, sprintsOf, trackResolver } from '../items/project-items';
import {
  activeAndClosedSprints,
  boardEstimation,
  firstScrumBoard,
  projectName,
  searchAll,
} from '../items/project-jira';
import { chooseLinkType } from '../domain/link-type';
import { ProjectKeySchema } from '../contract/bridge-contract';
import type { RetroAnswer } from '../contract/retro-report';
import { listAudit, AUDIT_PAGE_MAX } from '../storage/audit-store';
import { loadDecisionContext } from '../storage/config-store';
import { readEvidenceLogs } from '../storage/evidence-store';
import { readOutcomes } from '../storage/retro-outcome-store';
import { readTrackMapping } from '../storage/track-mapping-store';
import { readScopedOutcome } from '../items/scoped-outcome-field';
import { loadHistory } from './retro-history';

/**
 * Loads the retro report of one project as the calling user. Jira requests (N = sprints shown):
 *
 *   GET  /rest/api/3/field                          only while a field id is not remembered
 *   GET  /rest/agile/1.0/board                       the project's first Scrum board
 *   GET  /rest/agile/1.0/board/{id}/configuration    estimation field  } in parallel
 *   GET  /rest/agile/1.0/board/{id}/sprint           closed sprints    } (one page per 50)
 *   POST /rest/api/3/search/jql                      the project's items, page by page
 *   POST /rest/api/3/changelog/bulkfetch             status/Sprint/Scoped outcome history of the
 *                                                    items that matter for the window, ≤1000
 *                                                    issues per request, page by page
 *   GET  /rest/api/3/project/{key}                   only without a board (for the name)
 *
 * The Entry triage field is read with the items (no extra request): the count of high-uncertainty
 * items entering sprints without discovery uses its current value and the current links.
 *
 * Storage: settings, track mapping, the ideas' evidence logs (20 keys per batch read), the audit
 * log (100 entries per page) and recorded outcomes. The window is the N closed sprints plus the
 * 3 before them (velocity for the first sprint's runway).
 */

export const DEFAULT_SPRINTS = 6;
export const MAX_SPRINTS = 12;
const VELOCITY_SPRINTS = 3;

const RetroFieldsSchema = z
  .object({
    summary: z.string(),
    issuetype: z.object({ id: z.string(), name: z.string() }).passthrough(),
    status: z
      .object({
        id: z.string(),
        name: z.string(),
        statusCategory: z
          .object({ key: z.enum(['new', 'indeterminate', 'done', 'undefined']) })
          .passthrough(),
      })
      .passthrough(),
    created: z.string(),
    statuscategorychangedate: z.string().nullish(),
    issuelinks: z
      .array(
        z
          .object({
            type: z
              .object({
                id: z.string(),
                name: z.string(),
                inward: z.string().optional(),
                outward: z.string().optional(),
              })
              .passthrough(),
            inwardIssue: z.object({ id: z.string() }).passthrough().optional(),
            outwardIssue: z.object({ id: z.string() }).passthrough().optional(),
          })
          .passthrough(),
      )
      .nullish(),
  })
  .passthrough();

const timeOf = (iso: string | undefined) => {
  const t = iso === undefined ? NaN : Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
};

/** Status category of a status no current issue has: from its name, else in progress. */
function guessCategory(name: string): StatusCategory {
  const n = name.trim().toLowerCase();
  if (/^(done|closed|resolved|released|shipped)$/.test(n)) return 'done';
  if (/^(to do|todo|open|backlog|new|ready.*|selected.*)$/.test(n)) return 'new';
  return 'indeterminate';
}

/** Every move-back the sprint guard logged since `since` (newest pages first). */
async function guardMovesSince(projectKey: string, since: number): Promise<GuardMove[]> {
  const moves: GuardMove[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await listAudit(projectKey, cursor, AUDIT_PAGE_MAX);
    for (const e of page.entries) {
      if (e.action === 'moved-back') {
        moves.push({ at: e.at, issueKey: e.issueKey, sprintId: e.sprintId });
      }
    }
    const oldest = page.entries.at(-1);
    if (!page.nextCursor || !oldest || timeOf(oldest.at) < since) return moves;
    cursor = page.nextCursor;
  }
}

export interface RetroLoadInput {
  jira: JiraGateway;
  project: { id: string; key: string };
  sprints: number;
}

export async function loadRetro(input: RetroLoadInput): Promise<RetroAnswer> {
  const { jira } = input;
  const key = ProjectKeySchema.parse(input.project.key);
  const count = Math.max(1, Math.min(MAX_SPRINTS, input.sprints));
  const notes: string[] = [];
  const [decision, mapping] = await Promise.all([loadDecisionContext(key), readTrackMapping(key)]);
  const { config } = decision;
  const [ids, found] = await Promise.all([
    pageFieldIds(decision.fields, jira),
    firstScrumBoard(jira, key),
  ]);
  const empty = (name: string, unit: EstimateUnit): RetroAnswer => ({
    ...computeRetro({
      sprints: [],
      count,
      issues: [],
      ideas: [],
      guardMoves: [],
      outcomes: [],
      statusCategories: new Map(),
      unit,
      config,
    }),
    project: { id: input.project.id, key, name },
    board: found ? { id: found.board.id, name: found.board.name } : null,
    requested: count,
    available: 0,
    notes,
  });
  if (!found) {
    notes.push(`No Scrum board shows ${key}, so there are no sprints to look back on.`);
    return empty(await projectName(jira, key), 'issues');
  }
  const name = found.board.location?.projectName ?? (await projectName(jira, key));
  const [estimation, boardSprints] = await Promise.all([
    boardEstimation(jira, found.board.id),
    activeAndClosedSprints(jira, found.board.id),
  ]);
  const unit: EstimateUnit = estimation ? 'points' : 'issues';
  const closed: RetroSprint[] = boardSprints
    .filter((s) => s.state === 'closed' && s.completeDate)
    .map((s) => {
      const startDate =
        typeof s['startDate'] === 'string' ? s['startDate'] : (s.completeDate ?? '');
      return { id: s.id, name: s.name, startDate, completeDate: s.completeDate ?? '' };
    })
    .sort((a, b) => timeOf(a.completeDate) - timeOf(b.completeDate));
  if (closed.length === 0) {
    notes.push(`The board "${found.board.name}" has no closed sprints yet.`);
    return empty(name, unit);
  }
  if (!ids.sprint) {
    notes.push('This Jira site has no Sprint field, so sprint history cannot be read.');
    return empty(name, unit);
  }
  if (closed.length < count) {
    notes.push(`The board has ${closed.length} closed sprints; all of them are shown.`);
  }
  const window = closed.slice(Math.max(0, closed.length - count - VELOCITY_SPRINTS));
  const windowStart = timeOf(window[0]?.startDate);
  const windowEnd = timeOf(closed.at(-1)?.completeDate);

  const tracks = trackResolver(mapping, config.tracks.discoveryTypeNames);
  const categories = new Map<string, StatusCategory>();
  const raw: Array<{ issue: RawIssue; fields: z.infer<typeof RetroFieldsSchema> }> = [];
  const sprintField = ids.sprint;
  const fields = [
    'summary',
    'issuetype',
    'status',
    'created',
    'statuscategorychangedate',
    'issuelinks',
    sprintField,
    ...(estimation ? [estimation.fieldId] : []),
    ...(ids.scopedOutcome ? [ids.scopedOutcome] : []),
    ...(ids.entryTriage ? [ids.entryTriage] : []),
  ];
  await searchAll(jira, `project = "${key}" ORDER BY created ASC`, fields, (issues) => {
    for (const issue of issues) {
      const parsed = RetroFieldsSchema.parse(issue.fields);
      const cat = parsed.status.statusCategory.key;
      categories.set(parsed.status.id, cat === 'undefined' ? 'new' : cat);
      raw.push({ issue, fields: parsed });
    }
  });
  const linkType = chooseLinkType(
    raw.flatMap((r) => (r.fields.issuelinks ?? []).map((l) => l.type)),
  );

  const issues: RetroIssue[] = raw.map(({ issue, fields: f }) => {
    const track = tracks.trackOf(f.issuetype.id, f.issuetype.name);
    const estimateRaw = estimation ? issue.fields[estimation.fieldId] : undefined;
    const outcome = ids.scopedOutcome
      ? readScopedOutcome(issue.fields, ids.scopedOutcome)
      : { kind: 'empty' as const };
    return {
      id: issue.id,
      key: issue.key,
      summary: f.summary,
      kind: kindOf(f.issuetype.name, track),
      track,
      created: isoOf(f.created),
      estimate:
        typeof estimateRaw === 'number' && Number.isFinite(estimateRaw) ? estimateRaw : undefined,
      statusId: f.status.id,
      sprintIds: sprintsOf(issue.fields[sprintField]).map((s) => s.id),
      scopedOutcome: outcome.kind === 'present' ? outcome.value : undefined,
      statusCategoryChanged: f.statuscategorychangedate
        ? isoOf(f.statuscategorychangedate)
        : undefined,
      changes: [],
      activity: [],
      promotedFrom: [],
    };
  });
  const byId = new Map(issues.map((i) => [i.id, i]));

  // History only where it can matter: created before the window ends and not finished (without
  // reopening) before the window began.
  const relevant = issues.filter(
    (i) =>
      timeOf(i.created) <= windowEnd &&
      !(
        categories.get(i.statusId) === 'done' &&
        i.statusCategoryChanged !== undefined &&
        timeOf(i.statusCategoryChanged) < windowStart
      ),
  );
  const history = await loadHistory(
    jira,
    relevant.map((i) => i.id),
    { sprint: sprintField, scopedOutcome: ids.scopedOutcome },
  );
  for (const [id, changes] of history.changes) {
    const issue = byId.get(id);
    if (issue) issue.changes = changes;
  }
  for (const [id, statusName] of history.statusNames) {
    if (!categories.has(id)) categories.set(id, guessCategory(statusName));
  }

  // Promote's links: the delivery item implements (outward) the discovery item (inward).
  for (const { issue, fields: f } of raw) {
    const item = byId.get(issue.id);
    if (!item || item.track !== 'delivery' || !linkType) continue;
    const from = (f.issuelinks ?? [])
      .filter((l) => l.type.id === linkType.id)
      .map(
        (l) =>
          l.inwardIssue?.id ??
          (linkType.name.toLowerCase() === 'relates' ? l.outwardIssue?.id : undefined),
      )
      .filter((id): id is string => id !== undefined && byId.get(id)?.track === 'discovery');
    item.promotedFrom = [...new Set(from)];
  }

  // Ideas: validation and invalidation dates from their evidence logs.
  const ideaItems = issues.filter((i) => i.kind === 'idea');
  const validationById = new Map<string, ValidationState>();
  const logs = await readEvidenceLogs(ideaItems.map((i) => i.id));
  const ideas: RetroIdea[] = ideaItems.map((item) => {
    const log = logs.get(item.id);
    const entries: EvidenceEntry[] = log?.entries ?? [];
    item.activity = entries.map((e) => e.recordedAt);
    const state = log ? validationOf(log, config.validation).state : 'unvalidated';
    validationById.set(item.id, state);
    const validatedDay =
      state === 'validated' ? validatedOn(entries, config.validation) : undefined;
    const promotedAt = issues
      .filter((d) => d.promotedFrom.includes(item.id))
      .map((d) => d.created)
      .sort((a, b) => timeOf(a) - timeOf(b))[0];
    return {
      id: item.id,
      key: item.key,
      summary: item.summary,
      validatedAt: validatedDay ? `${validatedDay}T12:00:00.000Z` : undefined,
      invalidatedAt: log?.invalidated?.decidedAt,
      promotedAt,
      evidence: [...entries]
        .sort((a, b) => b.date.localeCompare(a.date))
        .slice(0, 10)
        .map((e) => ({ date: e.date, type: e.type, summary: e.summary })),
    };
  });

  // High-uncertainty delivery items and whether discovery covers them: the Entry triage value
  // and the links as they are now (their history is not read), linked items of this project.
  if (ids.entryTriage) {
    const triageField = ids.entryTriage;
    for (const { issue, fields: f } of raw) {
      const item = byId.get(issue.id);
      if (!item || item.track !== 'delivery') continue;
      item.uncertainty = readTriage(issue.fields[triageField])?.uncertainty;
      if (item.uncertainty !== 'high') continue;
      const linkedIds = (f.issuelinks ?? []).map((l) => l.inwardIssue?.id ?? l.outwardIssue?.id);
      item.discoveryCovered = linkedIds.some((id) => {
        const other = id === undefined ? undefined : byId.get(id);
        if (!other) return false;
        const category = categories.get(other.statusId) ?? 'indeterminate';
        return covers({
          key: other.key,
          kind: other.kind,
          track: other.track,
          statusCategory: category,
          validation: validationById.get(other.id),
        });
      });
    }
  }

  const [guardMoves, outcomes] = await Promise.all([
    guardMovesSince(key, windowStart),
    readOutcomes(issues.filter((i) => i.promotedFrom.length > 0).map((i) => i.id)),
  ]);

  const report = computeRetro({
    sprints: window,
    count,
    issues,
    ideas,
    guardMoves,
    outcomes,
    statusCategories: categories,
    unit,
    config,
  });
  if (tracks.guessed) {
    notes.push(
      'Dual Track is not set up for this project yet, so tracks are guessed from issue type names.',
    );
  }
  if (!ids.discoveryEvidence) {
    notes.push('The Discovery evidence field is missing, so ideas show no validation history.');
  }
  if (!ids.entryTriage) {
    notes.push(
      'The Entry triage field is missing, so high-uncertainty items entering sprints are not counted.',
    );
  }
  return {
    ...report,
    project: { id: input.project.id, key, name },
    board: { id: found.board.id, name: found.board.name },
    requested: count,
    available: closed.length,
    notes,
  };
}
