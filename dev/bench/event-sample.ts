import { filterInvokes } from './filter-expression';

/**
 * A mixed sample of the issue events a Jira site sends the sprint guard's trigger
 * (`avi:jira:created:issue`, `avi:jira:updated:issue`), shaped as Forge delivers them: the
 * issue, and for updates the changelog items (`field`, `fieldtype`, `fieldId`, `from`,
 * `fromString`, `to`, `toString`). The bench replays it through the manifest's filter
 * expression to count how many events would invoke the function.
 *
 * The mix is our estimate of a team's everyday traffic (no measured data behind the weights):
 * mostly status transitions, rank changes and edits; a few percent of the updates touch the
 * Sprint field. It is fixed, so that every run counts the same events.
 */

export type EventKind =
  | 'created'
  | 'summary'
  | 'description'
  | 'status'
  | 'assignee'
  | 'labels'
  | 'story points'
  | 'status and assignee'
  | 'rank'
  | 'comment only'
  | 'sprint added'
  | 'sprint added with rank'
  | 'sprint moved'
  | 'sprint removed';

export interface EventMixEntry {
  kind: EventKind;
  /** Events of this kind per 1,000. */
  perThousand: number;
  /**
   * What the guard needs to see: a creation (it may be created straight into a sprint) or an
   * update that puts the issue into a sprint. Everything else must not invoke it.
   */
  guardNeedsIt: boolean;
  /** Whether the event edits something other than the Sprint field only (no Sprint item). */
  nonSprintEdit: boolean;
}

export const EVENT_MIX: readonly EventMixEntry[] = [
  { kind: 'created', perThousand: 80, guardNeedsIt: true, nonSprintEdit: false },
  { kind: 'summary', perThousand: 60, guardNeedsIt: false, nonSprintEdit: true },
  { kind: 'description', perThousand: 80, guardNeedsIt: false, nonSprintEdit: true },
  { kind: 'status', perThousand: 200, guardNeedsIt: false, nonSprintEdit: true },
  { kind: 'assignee', perThousand: 80, guardNeedsIt: false, nonSprintEdit: true },
  { kind: 'labels', perThousand: 40, guardNeedsIt: false, nonSprintEdit: true },
  { kind: 'story points', perThousand: 60, guardNeedsIt: false, nonSprintEdit: true },
  { kind: 'status and assignee', perThousand: 50, guardNeedsIt: false, nonSprintEdit: true },
  { kind: 'rank', perThousand: 120, guardNeedsIt: false, nonSprintEdit: true },
  { kind: 'comment only', perThousand: 80, guardNeedsIt: false, nonSprintEdit: true },
  { kind: 'sprint added', perThousand: 60, guardNeedsIt: true, nonSprintEdit: false },
  { kind: 'sprint added with rank', perThousand: 20, guardNeedsIt: true, nonSprintEdit: false },
  { kind: 'sprint moved', perThousand: 40, guardNeedsIt: true, nonSprintEdit: false },
  { kind: 'sprint removed', perThousand: 30, guardNeedsIt: false, nonSprintEdit: false },
];

export interface SampleIssue {
  id: string;
  key: string;
  projectId: string;
  projectKey: string;
  typeId: string;
  typeName: string;
}

export interface SiteFieldIds {
  sprint: string;
  storyPoints: string;
  rank: string;
}

export interface SampleEvent {
  kind: EventKind;
  event: Record<string, unknown>;
}

interface Item {
  field: string;
  fieldtype: 'jira' | 'custom';
  fieldId: string;
  from: string | null;
  fromString: string | null;
  to: string | null;
  toString: string | null;
}

const STATUSES = [
  ['10000', 'To Do'],
  ['3', 'In Progress'],
  ['10001', 'In Review'],
  ['10002', 'Done'],
] as const;

/** The changelog items of one update of this kind (n varies the values). */
function itemsOf(kind: EventKind, n: number, ids: SiteFieldIds, sprints: number[]): Item[] {
  const jira = (field: string, from: string | null, to: string | null, fs = from, ts = to) => ({
    field,
    fieldtype: 'jira' as const,
    fieldId: field,
    from,
    fromString: fs,
    to,
    toString: ts,
  });
  const sprintName = (id: number | undefined) => (id === undefined ? '' : `Sprint ${id}`);
  const sprintItem = (from: number[], to: number[]): Item => ({
    field: 'Sprint',
    fieldtype: 'custom',
    fieldId: ids.sprint,
    from: from.join(', '),
    fromString: from.map(sprintName).join(', '),
    to: to.join(', '),
    toString: to.map(sprintName).join(', '),
  });
  const rank: Item = {
    field: 'Rank',
    fieldtype: 'custom',
    fieldId: ids.rank,
    from: '',
    fromString: '',
    to: '',
    toString: n % 2 === 0 ? 'Ranked higher' : 'Ranked lower',
  };
  const [a, b] = [sprints[n % sprints.length] ?? 1, sprints[(n + 1) % sprints.length] ?? 2];
  const status = (i: number) => STATUSES[i % STATUSES.length] ?? STATUSES[0];
  const [fromId, fromName] = status(n);
  const [toId, toName] = status(n + 1);
  const account = (i: number) => `user-${(i % 12) + 1}`;
  switch (kind) {
    case 'summary':
      return [jira('summary', null, null, `Item ${n}`, `Item ${n}, reworded`)];
    case 'description':
      return [jira('description', null, null, 'Old text', 'New text')];
    case 'status':
      return [jira('status', fromId, toId, fromName, toName)];
    case 'assignee':
      return [jira('assignee', n % 3 === 0 ? null : account(n), account(n + 1))];
    case 'labels':
      return [jira('labels', null, null, n % 2 ? 'ux' : '', n % 2 ? 'ux backend' : 'ux')];
    case 'story points':
      return [
        {
          field: 'Story point estimate',
          fieldtype: 'custom',
          fieldId: ids.storyPoints,
          from: null,
          fromString: n % 4 === 0 ? null : String(n % 5),
          to: null,
          toString: String((n % 5) + 1),
        },
      ];
    case 'status and assignee':
      return [jira('status', fromId, toId, fromName, toName), jira('assignee', null, account(n))];
    case 'rank':
      return [rank];
    case 'sprint added':
      // From the backlog, or a second open sprint next to one the issue is already in.
      return [n % 5 === 0 ? sprintItem([a], [a, b]) : sprintItem([], [a])];
    case 'sprint added with rank':
      return [sprintItem([], [a]), rank];
    case 'sprint moved':
      return [sprintItem([a], [b])];
    case 'sprint removed':
      return [sprintItem([a], [])];
    case 'created':
    case 'comment only':
      return [];
  }
}

/**
 * `size` events (rounded per kind from EVENT_MIX) on the given issues, in a fixed order that
 * interleaves the kinds as a site's traffic would.
 */
export function eventSample(
  size: number,
  issues: readonly SampleIssue[],
  ids: SiteFieldIds,
  sprintIds: readonly number[],
): SampleEvent[] {
  if (issues.length === 0) throw new Error('eventSample: no issues to send events about');
  if (sprintIds.length === 0) throw new Error('eventSample: no sprints to move issues between');
  const queues = EVENT_MIX.map((m) => ({
    kind: m.kind,
    left: Math.round((m.perThousand * size) / 1000),
  }));
  const out: SampleEvent[] = [];
  let n = 0;
  while (queues.some((q) => q.left > 0)) {
    for (const q of queues) {
      if (q.left === 0) continue;
      q.left -= 1;
      const issue = issues[n % issues.length] ?? issues[0];
      if (!issue) break;
      out.push({ kind: q.kind, event: eventOf(q.kind, n, issue, ids, [...sprintIds]) });
      n += 1;
    }
  }
  return out;
}

function eventOf(
  kind: EventKind,
  n: number,
  issue: SampleIssue,
  ids: SiteFieldIds,
  sprints: number[],
): Record<string, unknown> {
  const base = {
    atlassianId: `user-${(n % 12) + 1}`,
    timestamp: 1_790_000_000_000 + n * 1000,
    issue: {
      id: issue.id,
      key: issue.key,
      fields: {
        summary: `Item ${n}`,
        issuetype: { id: issue.typeId, name: issue.typeName },
        project: { id: issue.projectId, key: issue.projectKey },
      },
    },
  };
  if (kind === 'created') return { ...base, eventType: 'avi:jira:created:issue' };
  // A comment changes no field: Jira's update event then carries no changelog.
  if (kind === 'comment only') return { ...base, eventType: 'avi:jira:updated:issue' };
  return {
    ...base,
    eventType: 'avi:jira:updated:issue',
    changelog: { id: String(200_000 + n), items: itemsOf(kind, n, ids, sprints) },
  };
}

export interface KindReplay {
  kind: EventKind;
  events: number;
  invoked: number;
  guardNeedsIt: boolean;
  nonSprintEdit: boolean;
}

export interface FilterReplay {
  events: number;
  invoked: number;
  filteredOut: number;
  byKind: KindReplay[];
  /** Invocations for events that edit other fields than Sprint (the budget: 0). */
  nonSprintInvocations: number;
  /** Events the guard needs (creations, sprint entries) that the filter drops. */
  missed: number;
}

/** Replays the sample through the trigger's filter (see filterInvokes). */
export function replayFilter(
  filter: { expression: string; onError?: string },
  sample: readonly SampleEvent[],
): FilterReplay {
  const byKind = EVENT_MIX.map((m): KindReplay => ({
    kind: m.kind,
    events: 0,
    invoked: 0,
    guardNeedsIt: m.guardNeedsIt,
    nonSprintEdit: m.nonSprintEdit,
  }));
  for (const { kind, event } of sample) {
    const row = byKind.find((r) => r.kind === kind);
    if (!row) throw new Error(`replayFilter: unknown kind ${kind}`);
    row.events += 1;
    if (filterInvokes(filter, event)) row.invoked += 1;
  }
  const kept = byKind.filter((r) => r.events > 0);
  const invoked = kept.reduce((a, r) => a + r.invoked, 0);
  return {
    events: sample.length,
    invoked,
    filteredOut: sample.length - invoked,
    byKind: kept,
    nonSprintInvocations: kept.filter((r) => r.nonSprintEdit).reduce((a, r) => a + r.invoked, 0),
    missed: kept.filter((r) => r.guardNeedsIt).reduce((a, r) => a + r.events - r.invoked, 0),
  };
}
