import type { JiraEmulator } from './jira-emulator';
import type { EmField, EmIssue, EmSprint } from './model';
import { issueLinkSite } from './routes/issue-writes';

/**
 * The history behind the retro sub-page, for the demo project (called by seedDemoProject once
 * its items exist; adds only finished items, so the project page's numbers stay as they are):
 *
 * - every item finished in a closed sprint gets its changelog: planned into the sprint an hour
 *   before it started, To Do → In Progress on day j and → Done on day j + 3 (j = its place in
 *   the sprint), created 30 days before its sprint (so it is ready work at the two sprint starts
 *   before its own); the story carried over from sprint 5 is added to sprint 6 when it starts.
 * - one item per sprint is discovery work (spikes in sprints 1, 3, 5; enablers in 2, 4, 6) with a
 *   scoped outcome: the sprint 3 spike started 5 days before sprint 2 closed and overran its
 *   2-day timebox; the sprint 4 enabler overran its 2-day timebox, got its outcome one day into
 *   sprint 4 after the sprint guard moved it back; the sprint 6 enabler got its outcome when
 *   sprint 5 started.
 * - seven finished ideas with dated evidence: five validated (sprints 1-5) and promoted to the
 *   first story of the next sprint, two invalidated (sprints 3 and 5); outcomes recorded for the
 *   first four promoted stories (hit, missed, partly, too early).
 * - sprint guard move-backs in the audit log: 1 in sprint 2, 2 in sprint 4, 1 in sprint 6.
 * - with the Entry triage field: finished stories with uncertainty high and no discovery linked,
 *   3, 2, 2, 1, 1 and 0 in sprints 1-6 (technical risk decreases), and one in sprint 3 covered
 *   by the sprint 1 spike it is linked to.
 */

const DAY = 86_400_000;
const HOUR = 3_600_000;
const STATUS = { todo: '10000', progress: '3', done: '10002' } as const;

export interface RetroSeedInput {
  projectKey: string;
  closed: readonly EmSprint[];
  scopedOutcome: EmField;
  /** The Entry triage field: high-uncertainty stories in the closed sprints (see below). */
  entryTriage?: EmField | undefined;
  carriedOverKey: string;
  now: Date;
  member: string;
}

const plus = (iso: string | undefined, ms: number) =>
  new Date(Date.parse(iso ?? '') + ms).toISOString();

export function seedRetroHistory(em: JiraEmulator, input: RetroSeedInput): void {
  const { closed, projectKey, member } = input;
  const so = input.scopedOutcome.id;
  const type = (name: string) => [...em.issueTypes.values()].find((t) => t.name === name);
  const itemsBySprint = new Map(
    closed.map((s) => [
      s.id,
      [...em.issues.values()]
        .filter((i) => i.summary.startsWith(`${s.name}: `))
        .sort((a, b) => Number(a.id) - Number(b.id)),
    ]),
  );
  const sprintItems = (s: EmSprint) => itemsBySprint.get(s.id) ?? [];

  // Discovery work among the finished items: [sprint index, item index, type, summary, outcome].
  const discovery: Array<[number, number, string, string, (s: EmSprint) => object]> = [
    [0, 3, 'Spike', 'Spike: cache warm-up options', () => spike(3)],
    [1, 3, 'Enabler', 'Enabler: move images to object storage', (s) => dated(s, 10)],
    [2, 2, 'Spike', 'Spike: address validation providers', () => spike(2)],
    [3, 3, 'Enabler', 'Enabler: retry queue for webhooks', () => spike(2)],
    [
      4,
      2,
      'Spike',
      'Spike: fraud scoring libraries',
      () => ({ ...spike(3), timeboxDays: undefined }),
    ],
    [5, 1, 'Enabler', 'Enabler: split the order database', (s) => dated(s, 5)],
  ];
  const converted = new Map<string, EmSprint>();
  for (const [si, ii, typeName, summary, outcome] of discovery) {
    const sprint = closed[si];
    const issue = sprint ? sprintItems(sprint)[ii] : undefined;
    const t = type(typeName);
    if (!sprint || !issue || !t) continue;
    issue.issueTypeId = t.id;
    issue.summary = summary;
    issue.custom.set(so, JSON.parse(JSON.stringify(outcome(sprint))) as unknown);
    converted.set(issue.id, sprint);
  }

  closed.forEach((sprint) => {
    sprintItems(sprint).forEach((issue, j) => {
      const day = j + 1;
      issue.created = plus(sprint.startDate, -30 * DAY);
      em.recordChange(
        issue.key,
        em.sprintField.id,
        null,
        String(sprint.id),
        plus(sprint.startDate, -HOUR),
        member,
      );
      em.recordChange(
        issue.key,
        'status',
        STATUS.todo,
        STATUS.progress,
        plus(sprint.startDate, day * DAY),
        member,
      );
      em.recordChange(
        issue.key,
        'status',
        STATUS.progress,
        STATUS.done,
        plus(sprint.startDate, (day + 3) * DAY),
        member,
      );
      issue.statusCategoryChanged = plus(sprint.startDate, (day + 3) * DAY);
    });
  });
  const [s1, s2, s3, s4, s5, s6] = closed;
  if (!s1 || !s2 || !s3 || !s4 || !s5 || !s6) return;

  // The sprint 3 spike started before sprint 2 closed and overran.
  const spike3 = sprintItems(s3)[2];
  if (spike3) {
    const log = em.changelog.get(spike3.id) ?? [];
    const start = log.find((c) => c.fieldId === 'status' && c.to === STATUS.progress);
    if (start) start.at = plus(s2.completeDate, -5 * DAY);
    em.changelog.set(
      spike3.id,
      log.sort((a, b) => a.at.localeCompare(b.at)),
    );
  }
  // Outcomes written during the sprints: before, the enablers had none.
  const enabler4 = sprintItems(s4)[3];
  if (enabler4) {
    em.recordChange(
      enabler4.key,
      so,
      null,
      JSON.stringify(enabler4.custom.get(so)),
      plus(s4.startDate, DAY),
      member,
    );
  }
  const enabler6 = sprintItems(s6)[1];
  if (enabler6) {
    em.recordChange(
      enabler6.key,
      so,
      null,
      JSON.stringify(enabler6.custom.get(so)),
      s5.startDate ?? '',
      member,
    );
  }
  // Carried over from sprint 5 and finished in sprint 6.
  const carried = em.findIssue(input.carriedOverKey);
  if (carried) {
    em.recordChange(
      carried.key,
      em.sprintField.id,
      null,
      String(s5.id),
      plus(s5.startDate, -HOUR),
      member,
    );
    em.recordChange(
      carried.key,
      'status',
      STATUS.todo,
      STATUS.progress,
      plus(s5.startDate, 2 * DAY),
      member,
    );
    em.recordChange(
      carried.key,
      em.sprintField.id,
      String(s5.id),
      `${s5.id},${s6.id}`,
      s6.startDate ?? '',
      member,
    );
    em.recordChange(
      carried.key,
      'status',
      STATUS.progress,
      STATUS.done,
      plus(s6.startDate, 3 * DAY),
      member,
    );
    carried.statusCategoryChanged = plus(s6.startDate, 3 * DAY);
  }

  // Decided ideas, their evidence and the stories promoted from the validated ones.
  const links = issueLinkSite(em);
  const implementsType =
    [...links.types.values()].find((t) => t.name === 'Implements') ??
    links.addType({ name: 'Implements', inward: 'is implemented by', outward: 'implements' });
  const ideas: Array<
    [EmSprint, string, 'validated' | 'invalidated', EmSprint | undefined, string?, string?]
  > = [
    [
      s1,
      'Express delivery upsell',
      'validated',
      s2,
      'hit',
      'Upsell taken by 9% of orders, above the 5% we expected',
    ],
    [
      s2,
      'Bundle discounts at checkout',
      'validated',
      s3,
      'missed',
      'Basket size unchanged after four weeks',
    ],
    [
      s3,
      'Delivery time estimates',
      'validated',
      s4,
      'partly',
      'Fewer "where is my order" tickets, but only on desktop',
    ],
    [s3, 'Live chat support', 'invalidated', undefined],
    [
      s4,
      'Reviews with photos',
      'validated',
      s5,
      'too-early',
      'Released last week; too few reviews yet',
    ],
    [s5, 'Subscribe and save', 'validated', s6],
    [s5, 'Social login', 'invalidated', undefined],
  ];
  for (const [sprint, summary, decision, deliveredIn, result, note] of ideas) {
    const discoveryType = type('Discovery');
    if (!discoveryType) continue;
    const idea = em.addIssue({ projectKey, type: 'Discovery', summary, status: 'Done' });
    idea.created = plus(sprint.startDate, -5 * DAY);
    idea.updated = plus(sprint.startDate, 6 * DAY);
    idea.statusCategoryChanged = plus(sprint.startDate, 6 * DAY);
    em.recordChange(
      idea.key,
      'status',
      STATUS.todo,
      STATUS.progress,
      plus(sprint.startDate, DAY),
      member,
    );
    em.recordChange(
      idea.key,
      'status',
      STATUS.progress,
      STATUS.done,
      plus(sprint.startDate, 6 * DAY),
      member,
    );
    const day = (n: number) => plus(sprint.startDate, n * DAY).slice(0, 10);
    const entries =
      decision === 'validated'
        ? [
            ['interview', 2, `Interview: ${summary.toLowerCase()} would help`],
            ['interview', 3, 'Interview: confirmed the problem'],
            ['interview', 4, 'Interview: confirmed the problem again'],
            ['usability-test', 5, 'Usability test: passed without help'],
          ]
        : [
            ['interview', 2, `Interview: nobody asked for ${summary.toLowerCase()}`],
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
        date: day(Number(d)),
        summary: String(text),
        positive: decision === 'validated',
        recordedBy: member,
        recordedAt: plus(sprint.startDate, Number(d) * DAY + HOUR),
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
    const story: EmIssue | undefined = deliveredIn ? sprintItems(deliveredIn)[0] : undefined;
    if (!story) continue;
    story.created = plus(sprint.startDate, 6 * DAY);
    links.addLink(implementsType.id, idea.id, story.id);
    if (result) {
      const at = plus(input.now.toISOString(), -DAY);
      em.kvs.seed(`retro-outcome:${story.id}`, {
        version: 1,
        issueId: story.id,
        issueKey: story.key,
        projectKey,
        current: { result, note: note ?? '', recordedAt: at, recordedBy: member },
        history: [],
      });
    }
  }

  // The sprint guard's move-backs, as its audit log holds them.
  const moves: Array<[EmSprint, EmIssue | undefined, string]> = [
    [s2, sprintItems(s2)[3], 'enabler-without-outcome'],
    [s4, enabler4, 'enabler-without-outcome'],
    [s4, sprintItems(s4)[0], 'not-ready'],
    [s6, enabler6, 'enabler-without-outcome'],
  ];
  moves.forEach(([sprint, issue, rule], seq) => {
    if (!issue) return;
    em.kvs.seed(`audit:${projectKey}:${seq}`, {
      version: 1,
      seq,
      at: plus(sprint.startDate, 2 * HOUR),
      action: 'moved-back',
      source: 'sprint-guard',
      rule,
      issueId: issue.id,
      issueKey: issue.key,
      actor: member,
      detail: `Moved ${issue.key} back to the backlog: it was not ready for ${sprint.name}.`,
      sprintId: sprint.id,
    });
  });
  em.kvs.seed(`audit:${projectKey}:head`, {
    version: 1,
    next: moves.length,
    oldest: 0,
    dropped: 0,
  });

  // High-uncertainty stories that entered the closed sprints without discovery, fewer each sprint.
  const triageField = input.entryTriage;
  if (triageField) {
    const high = (reason: string) => ({ uncertainty: 'high', risk: 'medium', reason });
    const stories = (sprint: EmSprint) =>
      sprintItems(sprint)
        .slice(1)
        .filter((i) => !converted.has(i.id))
        .reverse();
    const perSprint = [3, 2, 2, 1, 1, 0];
    closed.forEach((sprint, si) => {
      for (const story of stories(sprint).slice(0, perSprint[si] ?? 0)) {
        story.custom.set(triageField.id, high('First time we build on this part of the stack'));
      }
    });
    const covered = stories(s3)[2];
    const spike1 = sprintItems(s1)[3];
    if (covered && spike1) {
      covered.custom.set(triageField.id, high('New search engine; the spike chose it'));
      const relates =
        [...links.types.values()].find((t) => t.name === 'Relates') ??
        links.addType({ name: 'Relates', inward: 'relates to', outward: 'relates to' });
      links.addLink(relates.id, covered.id, spike1.id);
    }
  }
}

function spike(timeboxDays: number) {
  return {
    outcome: 'A recommendation with measurements the team can decide on in the sprint review',
    successMeasure: 'The team picks one option at the review',
    timeboxDays,
  };
}

function dated(sprint: EmSprint, days: number) {
  return {
    outcome: 'The change is live for every service with the CI pipeline green',
    successMeasure: 'No incidents caused by the change for a week',
    targetDate: new Date(Date.parse(sprint.startDate ?? '') + days * DAY)
      .toISOString()
      .slice(0, 10),
  };
}
