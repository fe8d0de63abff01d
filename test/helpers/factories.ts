import type { RetroSprint } from '../../src/domain/retro';
import type { ProjectItem, StatusCategory } from '../../src/domain/signals';

/** Plain domain values the domain and retro tests build on, with overrides per case. */

let seq = 0;

/** A not-started delivery story; each call gets the next key (DT-1, DT-2, …) unless given one. */
export function makeProjectItem(overrides: Partial<ProjectItem> = {}): ProjectItem {
  seq += 1;
  return {
    key: `DT-${seq}`,
    summary: 'An item',
    issueType: 'Story',
    kind: 'delivery',
    track: 'delivery',
    status: 'To Do',
    statusCategory: 'new',
    estimate: 5,
    scopedOutcome: undefined,
    validation: undefined,
    evidenceCount: 0,
    sprint: undefined,
    created: '2026-11-01T09:00:00.000Z',
    updated: '2026-11-18T09:00:00.000Z',
    statusCategoryChanged: undefined,
    ...overrides,
  };
}

/** A not-started spike on the discovery track, estimated 2. */
export function makeSpike(overrides: Partial<ProjectItem> = {}): ProjectItem {
  return makeProjectItem({
    summary: 'A spike',
    issueType: 'Spike',
    kind: 'spike',
    track: 'discovery',
    estimate: 2,
    ...overrides,
  });
}

/** Status categories by status id, as the retro tests' histories use them. */
export const RETRO_CATEGORIES = new Map<string, StatusCategory>([
  ['1', 'new'],
  ['3', 'indeterminate'],
  ['9', 'done'],
]);

/** Two consecutive two-week sprints. */
export const SPRINT_1: RetroSprint = {
  id: 1,
  name: 'S1',
  startDate: '2026-01-05T09:00:00.000Z',
  completeDate: '2026-01-19T09:00:00.000Z',
};
export const SPRINT_2: RetroSprint = {
  id: 2,
  name: 'S2',
  startDate: '2026-01-19T10:00:00.000Z',
  completeDate: '2026-02-02T09:00:00.000Z',
};
