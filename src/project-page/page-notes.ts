import type { Config } from '../domain/config';
import type { EstimateUnit } from '../domain/signals';
import type { Estimation, Sprint } from '../jira/boards';
import { unreadCount, type ProjectReads } from './project-reads';

/** What the page's notes are drawn from: what the load found missing or unusual. */
export interface NoteFacts {
  key: string;
  config: Config;
  tracksGuessed: boolean;
  fields: { scopedOutcome?: string; discoveryEvidence?: string; entryTriage?: string };
  board:
    | {
        name: string;
        more: boolean;
        kanban?: boolean;
        /** A chosen board id the viewer could not read; the first Scrum board is used instead. */
        missing?: number | undefined;
        /** The board's projects left out: the viewer may not browse them. */
        hiddenProjects?: number;
      }
    | undefined;
  estimation: Estimation | undefined;
  closed: readonly Sprint[];
  active: Sprint | undefined;
  unit: EstimateUnit;
  reads: ProjectReads;
  /** Notes the reads left (components Jira does not know). */
  readNotes: readonly string[];
}

/** The notes above the page, in the order a reader needs them: setup, fields, board, work. */
export function pageNotes(facts: NoteFacts): string[] {
  return [...setupNotes(facts), ...facts.readNotes, ...boardNotes(facts), ...workNotes(facts)];
}

function setupNotes({ tracksGuessed, fields, config }: NoteFacts): string[] {
  const notes: string[] = [];
  if (tracksGuessed) {
    notes.push(
      'Dual Track is not set up for this project yet, so tracks are guessed from issue type names: Discovery, Spike and Enabler are discovery, every other type is delivery. A project admin can run setup in the project settings.',
    );
  }
  if (!fields.scopedOutcome) {
    notes.push(
      'The app’s Scoped outcome field is not on this Jira site, so every enabler counts as unscoped. Reinstalling or upgrading Dual Track registers it.',
    );
  }
  if (!fields.discoveryEvidence) {
    notes.push(
      'The app’s Discovery evidence field is not on this Jira site, so ideas show no evidence. Reinstalling or upgrading Dual Track registers it.',
    );
  }
  const { entry: criteria } = config;
  if (
    !fields.entryTriage &&
    (criteria.uncertaintyAtLeast !== 'off' || criteria.riskAtLeast !== 'off')
  ) {
    notes.push(
      'The app’s Entry triage field is not on this Jira site, so the discovery entry criteria look at labels and components only, not at uncertainty or risk. Reinstalling or upgrading Dual Track registers it.',
    );
  }
  return notes;
}

function boardNotes({ key, board, estimation, closed, active }: NoteFacts): string[] {
  if (!board) {
    return [
      `No Scrum board shows ${key}, so there is no velocity, no runway and no sprint to split: add the project to a Scrum board. Work is counted in issues.`,
    ];
  }
  const notes: string[] = [];
  if (board.missing !== undefined) {
    notes.push(
      `The board chosen in this project's settings (id ${board.missing}) is gone or you may not see it; the signals use "${board.name}", the first Scrum board.`,
    );
  }
  if (board.more) {
    notes.push(
      `More than one Scrum board shows ${key}; the signals use the first one, "${board.name}". A project admin can choose another in the project's settings.`,
    );
  }
  if (board.hiddenProjects) {
    notes.push(
      `"${board.name}" also shows ${board.hiddenProjects === 1 ? 'a project' : `${board.hiddenProjects} projects`} you may not browse: their items are left out of this page.`,
    );
  }
  if (!estimation) {
    notes.push(
      `The board "${board.name}" has no estimation field, so work is counted in issues, not points.`,
    );
  }
  if (board.kanban) return notes;
  if (closed.length === 0) {
    notes.push(
      `The board "${board.name}" has no closed sprints yet, so there is no velocity: runway appears once a sprint is completed.`,
    );
  }
  if (!active) {
    notes.push(
      `No sprint is active on "${board.name}": the capacity split is measured on the sprint in progress.`,
    );
  }
  return notes;
}

function workNotes({ key, reads, unit, estimation }: NoteFacts): string[] {
  const open =
    reads.discovery.length +
    unreadCount(reads) +
    reads.activeSprint.filter((i) => i.track === 'delivery' && i.statusCategory !== 'done').length +
    reads.ready.count +
    reads.inProgress.count;
  if (open === 0) return [`${key} has no open items: nothing is waiting in discovery or delivery.`];
  if (
    unit === 'points' &&
    estimation &&
    reads.ready.items.length > 0 &&
    !reads.ready.items.some((i) => i.estimate !== undefined)
  ) {
    return [
      reads.ready.complete || reads.ready.estimatesComplete === true
        ? `No ready delivery item has a ${estimation.displayName} value, so ready work counts as 0 ${unit}.`
        : `None of the first ${reads.ready.items.length} ready delivery items has a ${estimation.displayName} value: they count as 0 ${unit}.`,
    ];
  }
  return [];
}
