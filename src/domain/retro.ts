import type {
  OutcomeCandidate,
  OutcomeMiss,
  OutcomeResult,
  RetroInput,
  RetroIssue,
  RetroReport,
  RetroSprint,
  SprintReport,
} from './retro-model';
import {
  completedSprint,
  percentOf,
  readyWorkAt,
  round1,
  signalsAt,
  size,
  time,
  uncertainWithoutDiscovery,
  within,
  withinBound,
  withinTimebox,
} from './retro-replay';
import { trendSeries } from './retro-trends';
import { configAt, flowVerdict, sprintFlow, sprintThresholds } from './retro-flow';
import { isEngineeringDiscovery } from './discovery-lanes';

/**
 * The retro view: per closed sprint, what each track finished, what discovery decided and
 * whether the signals improved. Pure: the caller passes the issues with their history, the
 * ideas' validation dates, the sprint guard's move-backs and recorded outcomes; nothing here
 * reads a clock. History is replayed in retro-replay.ts, trends said in retro-trends.ts.
 */

export * from './retro-model';
export * from './retro-replay';
export { describeTrend, validatedOn } from './retro-trends';

/** Two weeks: a sprint's worth of runway on a Kanban board (signals-kanban.ts). */
const SPRINT_MS = 14 * 86_400_000;

const byCompletion = (a: RetroSprint, b: RetroSprint) =>
  time(a.completeDate) - time(b.completeDate);

export function computeRetro(input: RetroInput): RetroReport {
  const { config, unit } = input;
  const all = [...input.sprints].sort(byCompletion);
  const shown = all.slice(Math.max(0, all.length - input.count));
  const { completedBy, sprintOf } = completions(input, all);
  const ideasById = new Map(input.ideas.map((i) => [i.id, i]));
  const candidates = outcomeCandidates(input, sprintOf, ideasById);
  const sprints = shown.map((sprint) =>
    sprintReport(input, sprint, { all, completedBy, candidates }),
  );
  let hitsToDate = 0;
  let judgedToDate = 0;
  for (const s of sprints) {
    hitsToDate += s.outcomes.hit;
    judgedToDate += s.outcomes.judged;
    s.outcomes.hitRateToDate = percentOf(hitsToDate, judgedToDate);
  }
  const shownIds = new Set(shown.map((s) => s.id));
  const inView = candidates.filter((c) => shownIds.has(c.sprintId));
  const misses: OutcomeMiss[] = inView
    .filter((c) => c.outcome?.result === 'missed')
    .map((c) => {
      const issue = input.issues.find((i) => i.id === c.issueId);
      const evidence = (issue?.promotedFrom ?? []).flatMap((id) => {
        const idea = ideasById.get(id);
        return idea ? idea.evidence.map((e) => ({ ideaKey: idea.key, ...e })) : [];
      });
      return { ...c, evidence };
    });
  const hits = inView.filter((c) => c.outcome?.result === 'hit').length;
  const rated = inView.filter((c) => c.outcome && c.outcome.result !== 'too-early').length;
  const trends = trendSeries(sprints, input.triageRead !== false);
  return {
    unit,
    targetPercent: config.capacity.discoveryTargetPercent,
    sprints,
    trends,
    summary: [...trends.map((t) => t.summary), flowVerdict(trends)],
    candidates: inView,
    misses,
    hitRate: { hits, rated, rate: percentOf(hits, rated) },
  };
}

/** Which sprint completed each issue, and the issues each sprint completed. */
function completions(input: RetroInput, all: readonly RetroSprint[]) {
  const completedBy = new Map<number, RetroIssue[]>();
  const sprintOf = new Map<string, RetroSprint>();
  for (const issue of input.issues) {
    const sprint = completedSprint(issue, all, input.statusCategories);
    if (!sprint) continue;
    sprintOf.set(issue.id, sprint);
    completedBy.set(sprint.id, [...(completedBy.get(sprint.id) ?? []), issue]);
  }
  return { completedBy, sprintOf };
}

/** Delivery items completed in a sprint that were promoted from a still-validated idea. */
function outcomeCandidates(
  input: RetroInput,
  sprintOf: ReadonlyMap<string, RetroSprint>,
  ideasById: ReadonlyMap<string, RetroInput['ideas'][number]>,
): OutcomeCandidate[] {
  const validatedIdeas = new Set(
    input.ideas.filter((i) => i.validatedAt && !i.invalidatedAt).map((i) => i.id),
  );
  const outcomeOf = new Map(input.outcomes.map((o) => [o.issueId, o]));
  const candidates: OutcomeCandidate[] = [];
  for (const issue of input.issues) {
    const sprint = sprintOf.get(issue.id);
    const from = issue.promotedFrom.filter((id) => validatedIdeas.has(id));
    if (!sprint || issue.track !== 'delivery' || from.length === 0) continue;
    candidates.push({
      issueId: issue.id,
      key: issue.key,
      summary: issue.summary,
      sprintId: sprint.id,
      ideas: from.map((id) => ({
        key: ideasById.get(id)?.key ?? id,
        summary: ideasById.get(id)?.summary ?? '',
      })),
      outcome: outcomeOf.get(issue.id),
    });
  }
  return candidates;
}

/** One sprint's report: what each track finished, what discovery decided, runway, outcomes. */
function sprintReport(
  input: RetroInput,
  sprint: RetroSprint,
  ctx: {
    all: readonly RetroSprint[];
    completedBy: ReadonlyMap<number, RetroIssue[]>;
    candidates: readonly OutcomeCandidate[];
  },
): SprintReport {
  const { statusCategories: cats, config, unit } = input;
  const done = ctx.completedBy.get(sprint.id) ?? [];
  const sum = (items: readonly RetroIssue[]) => items.reduce((s, i) => s + size(i, unit), 0);
  const discovery = sum(done.filter((i) => isEngineeringDiscovery(i)));
  const delivery = sum(done.filter((i) => i.track === 'delivery'));
  const then = configAt(input.settings ?? [], sprint.completeDate, config);
  const total = discovery + delivery;
  const enablers = done.filter((i) => i.kind === 'enabler');
  const spikes = done.filter((i) => i.kind === 'spike');
  const keysWithin = (at: (i: RetroInput['ideas'][number]) => string | undefined) =>
    input.ideas.filter((i) => within(at(i), sprint)).map((i) => i.key);
  return {
    sprint,
    completed: {
      discovery,
      delivery,
      total,
      discoveryPercent: total === 0 ? undefined : Math.round((discovery / total) * 100),
    },
    ideas: {
      validated: keysWithin((i) => i.validatedAt),
      invalidated: keysWithin((i) => i.invalidatedAt),
      promoted: keysWithin((i) => i.promotedAt),
    },
    promotedDelivered: done
      .filter((i) => i.track === 'delivery' && i.promotedFrom.length > 0)
      .map((i) => i.key),
    enablers: {
      delivered: enablers.map((i) => i.key),
      withinBound: enablers.filter((i) => withinBound(i, cats)).map((i) => i.key),
    },
    spikes: {
      finished: spikes.map((i) => i.key),
      withinTimebox: spikes.filter((i) => withinTimebox(i, cats, then.spike)).map((i) => i.key),
    },
    movedBack: movedBackIn(input, sprint, ctx.all),
    uncertainWithoutDiscovery: uncertainWithoutDiscovery(input.issues, sprint, cats),
    runwayAtStart: runwayAtStart(input, sprint, ctx),
    flow: sprintFlow(input.issues, sprint, ctx.all, cats, unit),
    ...sprintThresholds(sprint, then, input.touchpoints),
    atEnd: signalsAt(input.issues, sprint.completeDate, cats, then),
    outcomes: outcomesIn(ctx.candidates.filter((c) => c.sprintId === sprint.id)),
  };
}

/** Items the guard moved back out of this sprint (by its id, else by the time of the move). */
function movedBackIn(input: RetroInput, sprint: RetroSprint, all: readonly RetroSprint[]) {
  return [
    ...new Set(
      input.guardMoves
        .filter((m) =>
          m.sprintId !== undefined && all.some((s) => !s.period && s.id === m.sprintId)
            ? m.sprintId === sprint.id
            : within(m.at, sprint),
        )
        .map((m) => m.issueKey),
    ),
  ];
}

/** Runway when the sprint started: ready work over the velocity of the 3 sprints before it. */
function runwayAtStart(
  input: RetroInput,
  sprint: RetroSprint,
  ctx: { all: readonly RetroSprint[]; completedBy: ReadonlyMap<number, RetroIssue[]> },
): SprintReport['runwayAtStart'] {
  const work = (s: RetroSprint) =>
    (ctx.completedBy.get(s.id) ?? []).reduce((sum, i) => sum + size(i, input.unit), 0);
  const before = ctx.all.filter((s) => time(s.completeDate) <= time(sprint.startDate)).slice(-3);
  const velocity =
    before.length === 0 ? undefined : before.reduce((s, b) => s + work(b), 0) / before.length;
  const readyWork = readyWorkAt(input.issues, sprint, input.statusCategories, input.unit);
  // A period's runway is said in sprints of two weeks, as a Kanban board reads the targets.
  const perSprint = sprint.period
    ? (time(sprint.completeDate) - time(sprint.startDate) + 1) / SPRINT_MS
    : 1;
  return {
    sprints:
      velocity === undefined || velocity === 0
        ? undefined
        : round1((readyWork / velocity) * perSprint),
    readyWork,
    velocity: velocity === undefined ? undefined : round1(velocity),
    velocitySprints: before.length,
  };
}

export function outcomesIn(rated: readonly OutcomeCandidate[]): SprintReport['outcomes'] {
  const count = (r: OutcomeResult) => rated.filter((c) => c.outcome?.result === r).length;
  const hits = count('hit');
  const judged = hits + count('partly') + count('missed');
  return {
    hit: hits,
    partly: count('partly'),
    missed: count('missed'),
    'too-early': count('too-early'),
    unrecorded: rated.filter((c) => !c.outcome).length,
    judged,
    hitRate: percentOf(hits, judged),
    hitRateToDate: undefined,
  };
}
