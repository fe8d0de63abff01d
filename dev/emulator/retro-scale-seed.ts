import { DEMO_USERS, addDemoItem, seedProjectShell } from './demo-project';
import type { JiraEmulator } from './jira-emulator';
import type { EmIssue, EmSprint } from './model';
import { issueLinkSite } from './routes/issue-writes';

/**
 * A project with a long sprint history, for measuring what the retro sub-page costs at its
 * largest (12 sprints): `closedSprints` closed two-week sprints (default 16: the 12 shown, the 3
 * before them for the first sprint's velocity, and one older whose items the retro skips), an
 * active sprint, and `openItems` open items in the backlog (default 120). Deterministic: every
 * date is fixed relative to `now`.
 *
 * Each closed sprint holds `itemsPerSprint` finished items (default 40) with their changelog:
 * planned into the sprint an hour before it started, To Do → In Progress on day 1-9 and → Done
 * three days later. Item 1 is a spike (3-day timebox), item 2 an enabler with a target date,
 * every 7th a bug, the rest stories; points cycle 1, 2, 3, 5, 8. Next to the sprint, one idea
 * per sprint was decided (Done, with an evidence log): invalidated in every 4th sprint, else
 * validated on day 5 and promoted to item 0 of the next sprint; the promoted stories carry
 * recorded outcomes (hit, partly, missed, hit, too early, in turn) except the last two.
 */

const DAY = 86_400_000;
const HOUR = 3_600_000;
const STATUS = { todo: '10000', progress: '3', done: '10002' } as const;
const POINTS = [1, 2, 3, 5, 8] as const;
const RESULTS = ['hit', 'partly', 'missed', 'hit', 'too-early'] as const;

export interface RetroScaleOptions {
  now: Date;
  key?: string;
  closedSprints?: number;
  itemsPerSprint?: number;
  openItems?: number;
}

export interface RetroScaleSprint {
  sprint: EmSprint;
  /** Points completed, by track. */
  completed: { discovery: number; delivery: number };
  /** The idea decided in this sprint. */
  idea: { key: string; decision: 'validated' | 'invalidated' };
}

export interface RetroScaleProject {
  projectKey: string;
  projectId: string;
  boardId: number;
  /** Oldest first. */
  closed: RetroScaleSprint[];
  active: EmSprint;
  /** Every issue of the project. */
  issueCount: number;
  /** Promoted stories with a recorded outcome, by key. */
  outcomes: Map<string, (typeof RESULTS)[number]>;
}

const plus = (iso: string | undefined, ms: number) =>
  new Date(Date.parse(iso ?? '') + ms).toISOString();

export function seedRetroScaleProject(
  em: JiraEmulator,
  options: RetroScaleOptions,
): RetroScaleProject {
  const key = options.key ?? 'RS';
  const { now } = options;
  const sprintCount = options.closedSprints ?? 16;
  const perSprint = options.itemsPerSprint ?? 40;
  const openCount = options.openItems ?? 120;
  if (perSprint < 3) throw new Error('seedRetroScaleProject: itemsPerSprint must be at least 3');
  const shell = seedProjectShell(em, { key, name: 'Retro Scale Project', now });
  const boardId = shell.boardId ?? 0;
  const member = DEMO_USERS.member;
  const scopedOutcome = [...em.fields.values()].find((f) =>
    f.schema.custom?.endsWith('/static/scoped-outcome'),
  );
  if (!scopedOutcome) throw new Error('seedRetroScaleProject: no Scoped outcome field');
  const iso = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY).toISOString();

  const sprints: EmSprint[] = [];
  for (let k = 1; k <= sprintCount; k++) {
    const startDaysAgo = 4 + (sprintCount + 1 - k) * 14;
    sprints.push(
      em.addSprint({
        boardId,
        name: `${key} Sprint ${k}`,
        state: 'closed',
        goal: `Sprint ${k} goal`,
        startDate: iso(startDaysAgo),
        endDate: iso(startDaysAgo - 14),
        completeDate: iso(startDaysAgo - 14),
      }),
    );
  }
  const active = em.addSprint({
    boardId,
    name: `${key} Sprint ${sprintCount + 1}`,
    state: 'active',
    goal: 'Keep going',
    startDate: iso(4),
    endDate: iso(-10),
  });

  const links = issueLinkSite(em);
  const implementsType =
    [...links.types.values()].find((t) => t.name === 'Implements') ??
    links.addType({ name: 'Implements', inward: 'is implemented by', outward: 'implements' });
  const change = (issue: EmIssue, field: string, from: string | null, to: string, at: string) =>
    em.recordChange(issue.id, field, from, to, at, member);

  const closed: RetroScaleSprint[] = [];
  const outcomes = new Map<string, (typeof RESULTS)[number]>();
  const promoted: EmIssue[] = [];
  let validatedBefore: EmIssue | undefined;
  sprints.forEach((sprint, si) => {
    const completed = { discovery: 0, delivery: 0 };
    for (let j = 0; j < perSprint; j++) {
      const type = j === 1 ? 'Spike' : j === 2 ? 'Enabler' : j % 7 === 6 ? 'Bug' : 'Story';
      const points = POINTS[j % POINTS.length] ?? 1;
      const issue = addDemoItem(em, key, now, {
        type,
        summary: `${sprint.name}: ${type.toLowerCase()} ${j + 1}`,
        status: 'Done',
        points,
        sprints: [sprint],
      });
      if (type === 'Spike') {
        issue.custom.set(scopedOutcome.id, {
          outcome: 'A recommendation with measurements the team can decide on',
          successMeasure: 'The team picks one option at the review',
          timeboxDays: 3,
        });
      } else if (type === 'Enabler') {
        issue.custom.set(scopedOutcome.id, {
          outcome: 'The change is live for every service with the CI pipeline green',
          successMeasure: 'No incidents caused by the change for a week',
          targetDate: plus(sprint.startDate, 12 * DAY).slice(0, 10),
        });
      }
      const day = 1 + (j % 9);
      issue.created = plus(sprint.startDate, -20 * DAY);
      issue.updated = plus(sprint.startDate, (day + 3) * DAY);
      issue.statusCategoryChanged = plus(sprint.startDate, (day + 3) * DAY);
      change(issue, em.sprintField.id, null, String(sprint.id), plus(sprint.startDate, -HOUR));
      change(issue, 'status', STATUS.todo, STATUS.progress, plus(sprint.startDate, day * DAY));
      change(
        issue,
        'status',
        STATUS.progress,
        STATUS.done,
        plus(sprint.startDate, (day + 3) * DAY),
      );
      completed[type === 'Story' || type === 'Bug' ? 'delivery' : 'discovery'] += points;
      if (j === 0 && validatedBefore) {
        issue.created = plus(sprints[si - 1]?.startDate, 6 * DAY);
        links.addLink(implementsType.id, validatedBefore.id, issue.id);
        promoted.push(issue);
      }
    }

    // The idea decided in this sprint, outside the sprint.
    const decision = (si + 1) % 4 === 0 ? 'invalidated' : 'validated';
    const idea = addDemoItem(em, key, now, {
      type: 'Discovery',
      summary: `Idea ${si + 1}: would customers use it?`,
      status: 'Done',
    });
    idea.created = plus(sprint.startDate, -5 * DAY);
    idea.updated = plus(sprint.startDate, 6 * DAY);
    idea.statusCategoryChanged = plus(sprint.startDate, 6 * DAY);
    change(idea, 'status', STATUS.todo, STATUS.progress, plus(sprint.startDate, DAY));
    change(idea, 'status', STATUS.progress, STATUS.done, plus(sprint.startDate, 6 * DAY));
    const entries: Array<[string, number, string]> =
      decision === 'validated'
        ? [
            ['interview', 2, 'Interview: the problem is real'],
            ['interview', 3, 'Interview: confirmed the problem'],
            ['interview', 4, 'Interview: confirmed it again'],
            ['usability-test', 5, 'Usability test: passed without help'],
          ]
        : [
            ['interview', 2, 'Interview: nobody asked for it'],
            ['interview', 3, 'Interview: problem not confirmed'],
          ];
    em.kvs.seed(`evidence:${idea.id}`, {
      version: 1,
      issueId: idea.id,
      updatedAt: plus(sprint.startDate, 5 * DAY),
      updatedBy: member,
      nextEntry: entries.length + 1,
      entries: entries.map(([evidenceType, d, text], i) => ({
        id: `e${i + 1}`,
        type: evidenceType,
        date: plus(sprint.startDate, d * DAY).slice(0, 10),
        summary: text,
        positive: decision === 'validated',
        recordedBy: member,
        recordedAt: plus(sprint.startDate, d * DAY + HOUR),
      })),
      invalidated:
        decision === 'invalidated'
          ? {
              reason: 'Interviews did not confirm the problem',
              decidedBy: member,
              decidedAt: plus(sprint.startDate, 5 * DAY),
            }
          : null,
    });
    validatedBefore = decision === 'validated' ? idea : undefined;
    closed.push({ sprint, completed, idea: { key: idea.key, decision } });
  });

  // Outcomes recorded after release, except for the two most recent promoted stories.
  promoted.slice(0, Math.max(0, promoted.length - 2)).forEach((story, i) => {
    const result = RESULTS[i % RESULTS.length] ?? 'hit';
    outcomes.set(story.key, result);
    em.kvs.seed(`retro-outcome:${story.id}`, {
      version: 1,
      issueId: story.id,
      issueKey: story.key,
      projectKey: key,
      current: {
        result,
        note: result === 'missed' ? 'No change in the measure we expected to move' : '',
        recordedAt: plus(now.toISOString(), -DAY),
        recordedBy: member,
      },
      history: [],
    });
  });

  // The backlog: open items created over the sprints, one in ten an idea, 10 in the active sprint.
  const span = sprintCount * 14;
  for (let i = 0; i < openCount; i++) {
    const discovery = i % 10 === 0;
    const type = discovery ? 'Discovery' : i % 7 === 0 ? 'Bug' : 'Story';
    const created = 1 + ((i * 7) % span);
    addDemoItem(em, key, now, {
      type,
      summary: `${type} ${i + 1}: backlog item with a realistic length of summary text`,
      status: i % 9 === 0 ? 'Ready for sprint' : 'To Do',
      ...(discovery ? {} : { points: POINTS[i % POINTS.length] ?? 1 }),
      createdDaysAgo: created,
      updatedDaysAgo: Math.min(created, i % 30),
      ...(i < 10 ? { sprints: [active] } : {}),
    });
  }

  return {
    projectKey: key,
    projectId: shell.projectId,
    boardId,
    closed,
    active,
    issueCount: sprintCount * (perSprint + 1) + openCount,
    outcomes,
  };
}
