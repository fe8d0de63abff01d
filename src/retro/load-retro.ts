import { computeRetro, type RetroSprint } from '../domain/retro';
import type { Config } from '../domain/config';
import type { EstimateUnit } from '../domain/signals';
import { closedPeriods } from '../domain/retro-periods';
import { otherProjectsNote, periodNote, retroBoard } from './retro-board';
import { ProjectKeySchema } from '../contract/bridge-contract';
import type { RetroAnswer } from '../contract/retro-report';
import { pageFieldIds } from '../items/site-fields';
import { trackResolver } from '../items/project-items';
import { activeAndClosedSprints, boardEstimation, type Sprint } from '../jira/boards';
import { projectName } from '../jira/projects';
import type { JiraGateway } from '../jira/jira-gateway';
import { readProjectContext } from '../storage/project-context';
import { readOutcomes } from '../storage/retro-outcome-store';
import { guardMovesSince, markUncertainty, readIdeas } from './retro-ideas';
import { settingsEras } from './retro-settings';
import { attachHistory, linkPromotions, readRetroItems, timeOf } from './retro-items';

/**
 * Loads the retro report of one project as the calling user: the board's closed sprints, the
 * project's items with their history, the ideas' evidence, the guard's moves and recorded
 * outcomes. The window is the N closed sprints plus the 3 before them (velocity for the first
 * sprint's runway). The calls it makes are listed in docs/costs.md.
 */

export const DEFAULT_SPRINTS = 6;
export const MAX_SPRINTS = 12;
const VELOCITY_SPRINTS = 3;

export interface RetroLoadInput {
  jira: JiraGateway;
  project: { id: string; key: string };
  sprints: number;
  /** Closes the periods of a Kanban board. */
  now?: Date | undefined;
}

interface RetroFrame {
  input: RetroLoadInput;
  key: string;
  count: number;
  config: Config;
  board: { id: number; name: string } | null;
  notes: string[];
}

export async function loadRetro(input: RetroLoadInput): Promise<RetroAnswer> {
  const { jira } = input;
  const key = ProjectKeySchema.parse(input.project.key);
  const count = Math.max(1, Math.min(MAX_SPRINTS, input.sprints));
  const decision = await readProjectContext(key);
  const { mapping } = decision;
  const { config } = decision;
  const [ids, picked] = await Promise.all([
    pageFieldIds(decision.fields, jira),
    retroBoard(jira, key, config),
  ]);
  const found = 'found' in picked ? picked.found : undefined;
  const board = found ? { id: found.board.id, name: found.board.name } : null;
  const frame: RetroFrame = { input, key, count, config, board, notes: [] };
  if (!found) {
    frame.notes.push('done' in picked ? picked.done : '');
    return emptyRetro(frame, await projectName(jira, key), 'issues');
  }
  const name =
    (found.chosen ? undefined : found.board.location?.projectName) ??
    (await projectName(jira, key));
  const periodDays = 'found' in picked ? picked.periodDays : undefined;
  const [estimation, boardSprints, others] = await Promise.all([
    boardEstimation(jira, found.board.id),
    periodDays === undefined ? activeAndClosedSprints(jira, found.board.id) : [],
    otherProjectsNote(jira, key, found),
  ]);
  const unit: EstimateUnit = estimation ? 'points' : 'issues';
  const closed =
    periodDays === undefined
      ? closedSprintsOf(boardSprints)
      : closedPeriods(input.now ?? new Date(), periodDays, count + VELOCITY_SPRINTS);
  if (periodDays !== undefined) frame.notes.push(periodNote(found.board.name, periodDays));
  if (others) frame.notes.push(others);
  const sprintField = ids.sprint;
  if (closed.length === 0 || !sprintField) {
    frame.notes.push(
      closed.length === 0
        ? `The board "${found.board.name}" has no closed sprints yet.`
        : 'This Jira site has no Sprint field, so sprint history cannot be read.',
    );
    return emptyRetro(frame, name, unit);
  }
  if (closed.length < count && periodDays === undefined) {
    frame.notes.push(`The board has ${closed.length} closed sprints; all of them are shown.`);
  }
  const window = closed.slice(Math.max(0, closed.length - count - VELOCITY_SPRINTS));
  const span = { start: timeOf(window[0]?.startDate), end: timeOf(closed.at(-1)?.completeDate) };
  const tracks = trackResolver(mapping, config.tracks.discoveryTypeNames);
  const fieldIds = { ...ids, sprint: sprintField };
  const { raw, issues, categories } = await readRetroItems(jira, key, fieldIds, estimation, tracks);
  await attachHistory(jira, issues, categories, span, fieldIds);
  const known = [...issues, ...linkPromotions(raw, issues)];
  const { ideas, validationById, touchpoints } = await readIdeas(known, config);
  if (ids.entryTriage) {
    markUncertainty(raw, known, ids.entryTriage, categories, validationById);
  }
  const [guardMoves, outcomes, settings] = await Promise.all([
    guardMovesSince(key, span.start),
    readOutcomes(issues.filter((i) => i.promotedFrom.length > 0).map((i) => i.id)),
    settingsEras(key),
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
    settings,
    touchpoints,
    triageRead: ids.entryTriage !== undefined,
  });
  frame.notes.push(...missingNotes(tracks.guessed, ids));
  const available = periodDays === undefined ? closed.length : Math.min(count, closed.length);
  return { ...report, ...frameOf(frame, name), available };
}

/** The board's closed sprints, oldest first. */
export function closedSprintsOf(sprints: readonly Sprint[]): RetroSprint[] {
  return sprints
    .filter((s) => s.state === 'closed' && s.completeDate)
    .map((s) => {
      const startDate =
        typeof s['startDate'] === 'string' ? s['startDate'] : (s.completeDate ?? '');
      return { id: s.id, name: s.name, startDate, completeDate: s.completeDate ?? '' };
    })
    .sort((a, b) => timeOf(a.completeDate) - timeOf(b.completeDate));
}

function frameOf(frame: RetroFrame, name: string) {
  return {
    project: { id: frame.input.project.id, key: frame.key, name },
    board: frame.board,
    requested: frame.count,
    notes: frame.notes,
  };
}

/** A report with no sprints, and the notes that say why. */
function emptyRetro(frame: RetroFrame, name: string, unit: EstimateUnit): RetroAnswer {
  return {
    ...computeRetro({
      sprints: [],
      count: frame.count,
      issues: [],
      ideas: [],
      guardMoves: [],
      outcomes: [],
      statusCategories: new Map(),
      unit,
      config: frame.config,
    }),
    ...frameOf(frame, name),
    available: 0,
  };
}

export function missingNotes(
  tracksGuessed: boolean,
  ids: { discoveryEvidence?: string | undefined; entryTriage?: string | undefined },
): string[] {
  const notes: string[] = [];
  if (tracksGuessed) {
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
  return notes;
}
