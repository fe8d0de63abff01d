import type { EstimateUnit } from './signals';
import type {
  OutcomeCandidate,
  OutcomeMiss,
  OutcomeRecord,
  RetroReport,
  SprintReport,
} from './retro-model';
import { outcomesIn } from './retro';
import { percentOf } from './retro-replay';
import { trendSeries } from './retro-trends';
import { flowVerdict } from './retro-flow';

/**
 * The retro report from stored figures: each closed sprint's figures as they were computed when
 * it was first read, and the outcomes recorded since (the only part of a closed sprint that
 * changes later). Trends, hit rates and misses are worked out again here. Pure.
 */

export type StoredCandidate = Omit<OutcomeCandidate, 'outcome'> & {
  /** The ideas' evidence, newest first, shown when the outcome is a miss. */
  evidence: OutcomeMiss['evidence'];
};

export interface StoredSprintFigures {
  report: SprintReport;
  candidates: readonly StoredCandidate[];
}

export function assembleRetro(input: {
  /** The sprints to show, oldest first. */
  figures: readonly StoredSprintFigures[];
  outcomes: readonly OutcomeRecord[];
  unit: EstimateUnit;
  targetPercent: number;
  triageRead: boolean;
}): RetroReport {
  const outcomeOf = new Map(input.outcomes.map((o) => [o.issueId, o]));
  const withOutcome = (
    c: StoredCandidate,
  ): OutcomeCandidate & { evidence: StoredCandidate['evidence'] } => ({
    ...c,
    outcome: outcomeOf.get(c.issueId),
  });
  let hits = 0;
  let judged = 0;
  const sprints: SprintReport[] = input.figures.map((f) => {
    const outcomes = outcomesIn(f.candidates.map(withOutcome));
    hits += outcomes.hit;
    judged += outcomes.judged;
    return { ...f.report, outcomes: { ...outcomes, hitRateToDate: percentOf(hits, judged) } };
  });
  const all = input.figures.flatMap((f) => f.candidates.map(withOutcome));
  const candidates: OutcomeCandidate[] = all.map(({ evidence: _evidence, ...c }) => c);
  const misses: OutcomeMiss[] = all.filter((c) => c.outcome?.result === 'missed');
  const rated = all.filter((c) => c.outcome && c.outcome.result !== 'too-early').length;
  const hitCount = all.filter((c) => c.outcome?.result === 'hit').length;
  const trends = trendSeries(sprints, input.triageRead);
  return {
    unit: input.unit,
    targetPercent: input.targetPercent,
    sprints,
    trends,
    summary: [...trends.map((t) => t.summary), flowVerdict(trends)],
    candidates,
    misses,
    hitRate: { hits: hitCount, rated, rate: percentOf(hitCount, rated) },
  };
}
