import type { ClosedSprintResult, EstimateUnit, ProjectItem } from '../domain/signals';
import type { JiraGateway } from '../jira/jira-gateway';
import { ProjectKeySchema } from '../shared/bridge-contract';
import type { ProjectOverview } from '../shared/project-overview';
import { loadDecisionContext } from '../storage/config-store';
import { readTrackMapping } from '../storage/track-mapping-store';
import { buildOverview } from './build-overview';
import { pageFieldIds } from './field-ids';
import {
  activeAndClosedSprints,
  boardEstimation,
  firstScrumBoard,
  projectName,
  readAllIssues,
  readIssuesInPages,
  type Estimation,
  type IssueReader,
  type Sprint,
} from './project-jira';
import {
  describeEvidence,
  searchFields,
  sprintsOf,
  toProjectItem,
  trackResolver,
  type ItemFieldIds,
} from './project-items';

/**
 * Loads everything the project page shows for one project, as the calling user, with as few
 * Jira requests as the API allows:
 *
 *   GET  /rest/api/3/field                       only while a field id is not yet remembered
 *   GET  /rest/agile/1.0/board                   the project's first Scrum board
 *   GET  /rest/agile/1.0/board/{id}/configuration  its estimation field   } in parallel
 *   GET  /rest/agile/1.0/board/{id}/sprint       active + closed sprints  }
 *   POST /rest/api/3/search/jql                  open items: the first page with fields;  }
 *        beyond one page, their ids (5,000 a page) and                                    }
 *   POST /rest/api/3/issue/bulkfetch             the rest, 100 a call, 8 at a time         } in
 *   POST /rest/api/3/search/jql                  velocity of the last 3 closed sprints     } parallel
 *   GET  /rest/api/3/project/{key}               only without a board (for the name)
 *
 * Velocity: one search for done issues in the last three closed sprints, each attributed to
 * the latest sprint in its Sprint field (the sprint it was completed in; an issue carried over
 * into a later sprint counts there). One request instead of one per sprint, and it needs no
 * changelog. Estimates are today's values, not the values when the sprint closed.
 */

export interface LoadInput {
  jira: JiraGateway;
  project: { id: string; key: string };
  now: Date;
  /** How issues are read (default readAllIssues; the bench's plain baseline passes its own). */
  readIssues?: IssueReader;
}

const VELOCITY_SPRINTS = 3;

/** Milliseconds of an ISO date; 0 when absent or unreadable (sorts last). */
const timeOf = (iso: string | undefined): number => {
  const t = iso === undefined ? NaN : Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
};

export async function loadProjectOverview(input: LoadInput): Promise<ProjectOverview> {
  const { jira, now } = input;
  const key = ProjectKeySchema.parse(input.project.key);
  const notes: string[] = [];

  const [decision, mapping] = await Promise.all([loadDecisionContext(key), readTrackMapping(key)]);
  const [ids, found] = await Promise.all([
    pageFieldIds(decision.fields, jira),
    firstScrumBoard(jira, key),
  ]);
  const [estimation, sprints] = found
    ? await Promise.all([
        boardEstimation(jira, found.board.id),
        activeAndClosedSprints(jira, found.board.id),
      ])
    : [undefined, [] as Sprint[]];

  const unit: EstimateUnit = estimation ? 'points' : 'issues';
  const closed = sprints
    .filter((s) => s.state === 'closed')
    .sort((a, b) => timeOf(b.completeDate) - timeOf(a.completeDate));
  const recent = closed.slice(0, VELOCITY_SPRINTS);
  const active = sprints.find((s) => s.state === 'active');

  const fieldIds: ItemFieldIds = {
    sprint: ids.sprint,
    estimate: estimation?.fieldId,
    scopedOutcome: ids.scopedOutcome,
    discoveryEvidence: ids.discoveryEvidence,
  };
  const tracks = trackResolver(mapping, decision.config.tracks.discoveryTypeNames);
  const read = new Map<string, { item: ProjectItem; evidence: string | null }>();

  const [{ order }, closedSprints, name] = await Promise.all([
    (input.readIssues ?? readAllIssues)(
      jira,
      `project = "${key}" AND statusCategory != Done ORDER BY Rank ASC`,
      searchFields(fieldIds),
      (issues) => {
        for (const raw of issues) {
          const { item, evidence } = toProjectItem(raw, fieldIds, tracks);
          read.set(raw.id, { item, evidence: describeEvidence(evidence) });
        }
      },
    ),
    velocity(input.readIssues ?? readIssuesInPages, jira, key, recent, ids.sprint, estimation),
    found?.board.location?.projectName ?? projectName(jira, key),
  ]);
  // In the search's rank order; an item read after it was closed no longer counts as open.
  const inOrder = order ? order.flatMap((id) => read.get(id) ?? []) : [...read.values()];
  const items: ProjectItem[] = [];
  const evidenceText = new Map<string, string>();
  for (const { item, evidence } of inOrder) {
    if (item.statusCategory === 'done') continue;
    items.push(item);
    if (evidence) evidenceText.set(item.key, evidence);
  }

  if (tracks.guessed) {
    notes.push(
      'Dual Track is not set up for this project yet, so tracks are guessed from issue type names: Discovery, Spike and Enabler are discovery, every other type is delivery. A project admin can run setup in the project settings.',
    );
  }
  if (!ids.scopedOutcome) {
    notes.push(
      'The app’s Scoped outcome field is not on this Jira site, so every enabler counts as unscoped. Reinstalling or upgrading Dual Track registers it.',
    );
  }
  if (!ids.discoveryEvidence) {
    notes.push(
      'The app’s Discovery evidence field is not on this Jira site, so ideas show no evidence. Reinstalling or upgrading Dual Track registers it.',
    );
  }
  if (!found) {
    notes.push(
      `No Scrum board shows ${key}, so there is no velocity, no runway and no sprint to split: add the project to a Scrum board. Work is counted in issues.`,
    );
  } else {
    if (found.more) {
      notes.push(
        `More than one Scrum board shows ${key}; the signals use the first one, "${found.board.name}".`,
      );
    }
    if (!estimation) {
      notes.push(
        `The board "${found.board.name}" has no estimation field, so work is counted in issues, not points.`,
      );
    }
    if (closed.length === 0) {
      notes.push(
        `The board "${found.board.name}" has no closed sprints yet, so there is no velocity: runway appears once a sprint is completed.`,
      );
    }
    if (!active) {
      notes.push(
        `No sprint is active on "${found.board.name}": the capacity split is measured on the sprint in progress.`,
      );
    }
  }
  if (items.length === 0) {
    notes.push(`${key} has no open items: nothing is waiting in discovery or delivery.`);
  } else if (
    unit === 'points' &&
    estimation &&
    !items.some((i) => i.track === 'delivery' && i.estimate !== undefined)
  ) {
    notes.push(
      `No open delivery item has a ${estimation.displayName} value, so ready work counts as 0 ${unit}.`,
    );
  }

  return buildOverview({
    project: { id: input.project.id, key, name },
    now,
    unit,
    board: found ? { id: found.board.id, name: found.board.name } : null,
    activeSprint: active ? { id: active.id, name: active.name } : null,
    closedSprints,
    items,
    evidenceText,
    config: decision.config,
    notes,
  });
}

/** What each of the recent closed sprints completed (points, or issues without estimation). */
async function velocity(
  readIssues: IssueReader,
  jira: JiraGateway,
  key: string,
  recent: readonly Sprint[],
  sprintFieldId: string | undefined,
  estimation: Estimation | undefined,
): Promise<ClosedSprintResult[]> {
  if (recent.length === 0 || !sprintFieldId) return [];
  const completed = new Map<number, number>(recent.map((s) => [s.id, 0]));
  const completeDate = new Map(recent.map((s) => [s.id, s.completeDate ?? '']));
  const fields = [sprintFieldId, ...(estimation ? [estimation.fieldId] : [])];
  await readIssues(
    jira,
    `project = "${key}" AND sprint in (${recent.map((s) => s.id).join(', ')}) AND statusCategory = Done`,
    fields,
    (issues) => {
      for (const issue of issues) {
        const sprintId = completedIn(sprintsOf(issue.fields[sprintFieldId]), completeDate);
        if (sprintId === undefined) continue;
        const raw = estimation ? issue.fields[estimation.fieldId] : 1;
        const size = typeof raw === 'number' && Number.isFinite(raw) ? raw : 0;
        completed.set(sprintId, (completed.get(sprintId) ?? 0) + size);
      }
    },
  );
  return recent.map((s) => ({
    id: s.id,
    name: s.name,
    completeDate: s.completeDate ?? '',
    completed: completed.get(s.id) ?? 0,
  }));
}

/**
 * The recent sprint an issue was completed in: the latest sprint in its Sprint field, when that
 * is one of the recent closed ones. An issue still in an open sprint was finished there.
 */
function completedIn(
  sprints: ReturnType<typeof sprintsOf>,
  recentCompleteDate: ReadonlyMap<number, string>,
): number | undefined {
  if (sprints.some((s) => s.state !== 'closed')) return undefined;
  let latest: { id: number; date: number } | undefined;
  for (const s of sprints) {
    const date = timeOf(s.completeDate ?? recentCompleteDate.get(s.id));
    if (!latest || date > latest.date) latest = { id: s.id, date };
  }
  return latest && recentCompleteDate.has(latest.id) ? latest.id : undefined;
}
