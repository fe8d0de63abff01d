import type { JiraEmulator } from './jira-emulator';
import type { EmBoard, EmIssue } from './model';
import { addDemoItem, seedProjectShell, type Seed } from './demo-project';

/**
 * A project on a Kanban board (no sprints), for the preview and the tests: KB, estimating in
 * story points, with twelve stories finished over the last six weeks (throughput 2 items, 10
 * points a week), 20 points of ready stories (2 weeks of runway), three stories and a scoped spike
 * in progress (25% engineering discovery of work in progress), an unscoped enabler in progress and
 * an idea being validated.
 */

export interface KanbanProject {
  projectKey: string;
  projectId: string;
  board: EmBoard;
  keys: { spikeInProgress: string; unscopedEnabler: string; idea: string };
}

const SCOPED = {
  outcome: 'A measured answer on whether the search index can serve typeahead at peak load',
  successMeasure: 'p95 typeahead latency under 150 ms in a load test at peak traffic',
  timeboxDays: 3,
};

export function seedKanbanProject(
  em: JiraEmulator,
  options: { now: Date; key?: string; name?: string },
): KanbanProject {
  const key = options.key ?? 'KB';
  const { now } = options;
  const shell = seedProjectShell(em, {
    key,
    name: options.name ?? 'Kanban Demo',
    now,
    board: 'none',
  });
  const board = em.addBoard({
    projectKey: key,
    name: `${key} Kanban board`,
    type: 'kanban',
    estimationFieldId: shell.storyPoints.id,
  });
  const scopedOutcome = em.installAppFields()['scoped-outcome'];
  if (!scopedOutcome) throw new Error('manifest.yml declares no scoped-outcome field');
  const add = (seed: Seed): EmIssue => addDemoItem(em, key, now, seed);
  // Finished: two stories a week for six weeks, 5 points each.
  for (let week = 0; week < 6; week++) {
    for (const n of [1, 2]) {
      add({
        type: 'Story',
        summary: `Finished story ${week * 2 + n}`,
        status: 'Done',
        points: 5,
        createdDaysAgo: 60,
        categoryChangedDaysAgo: week * 7 + n,
      });
    }
  }
  // Older than the throughput window: not counted.
  add({
    type: 'Story',
    summary: 'Finished long ago',
    status: 'Done',
    points: 8,
    categoryChangedDaysAgo: 90,
  });
  add({ type: 'Story', summary: 'Saved searches', status: 'To Do', points: 8, createdDaysAgo: 10 });
  add({ type: 'Story', summary: 'Search filters', status: 'To Do', points: 12, createdDaysAgo: 9 });
  for (const summary of ['Typeahead UI', 'Result ranking', 'Search analytics']) {
    add({ type: 'Story', summary, status: 'In Progress', points: 3, categoryChangedDaysAgo: 2 });
  }
  const spike = add({
    type: 'Spike',
    summary: 'Spike: typeahead on the search index',
    status: 'In Progress',
    points: 2,
    categoryChangedDaysAgo: 1,
    custom: { [scopedOutcome.id]: SCOPED },
  });
  const enabler = add({
    type: 'Enabler',
    summary: 'Enabler: search cluster upgrade',
    status: 'In Progress',
    points: 3,
    categoryChangedDaysAgo: 1,
  });
  const idea = add({ type: 'Discovery', summary: 'Idea: search by photo', status: 'In Progress' });
  return {
    projectKey: key,
    projectId: shell.projectId,
    board,
    keys: { spikeInProgress: spike.key, unscopedEnabler: enabler.key, idea: idea.key },
  };
}
