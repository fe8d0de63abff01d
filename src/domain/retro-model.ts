import type { Config } from './config';
import type { TriageLevel } from './entry-criteria';
import type { EstimateUnit, StatusCategory } from './signals';
import type { ItemKind, ScopedOutcome, Track } from './track';
import type { Touchpoint } from './discovery-cadence';
import type { SettingsEra } from './retro-flow';

/** What the retro is computed from and what it reports (see retro.ts). */

export type HistoryField = 'status' | 'sprint' | 'scopedOutcome';

export interface HistoryChange {
  field: HistoryField;
  /** ISO timestamp. */
  at: string;
  /** Status: status id; sprint: comma-separated sprint ids; scoped outcome: its JSON text. */
  from: string | null;
  to: string | null;
}

export interface RetroIssue {
  id: string;
  key: string;
  summary: string;
  kind: ItemKind;
  track: Track;
  created: string;
  estimate: number | undefined;
  statusId: string;
  sprintIds: readonly number[];
  scopedOutcome: ScopedOutcome | undefined;
  /** Jira's statuscategorychangedate: when the current status category began. */
  statusCategoryChanged: string | undefined;
  /** Oldest first; any order is accepted. */
  changes: readonly HistoryChange[];
  /** Other activity (evidence recorded), ISO timestamps: counts against idleness. */
  activity: readonly string[];
  /** Delivery items: ids of the discovery items they were promoted from (promote's link). */
  promotedFrom: readonly string[];
  /**
   * The Entry triage uncertainty: its current value (the field's history is not read, so an
   * item re-triaged since counts with its level of today). Undefined when not set or unknown.
   */
  uncertainty?: TriageLevel | undefined;
  /**
   * Is a validated idea or a finished spike or enabler linked to it (as the entry criteria's
   * `covers` decides), by its links and their state today.
   */
  discoveryCovered?: boolean | undefined;
}

export interface RetroIdea {
  id: string;
  key: string;
  summary: string;
  /** When the idea's evidence first met the validation rule (and it is validated now). */
  validatedAt: string | undefined;
  invalidatedAt: string | undefined;
  /** When its first promoted delivery item was created. */
  promotedAt: string | undefined;
  /** The evidence behind the decision, newest first (for the misses list). */
  evidence: readonly { date: string; type: string; summary: string }[];
}

export interface RetroSprint {
  id: number;
  name: string;
  startDate: string;
  completeDate: string;
  /**
   * A period of a Kanban board (retro-periods.ts), not a sprint: an item belongs to it by when it
   * moved (started, finished), as a Kanban board has no sprint to be in.
   */
  period?: boolean | undefined;
}

export interface GuardMove {
  at: string;
  issueKey: string;
  sprintId: number | undefined;
}

export const OUTCOME_RESULTS = ['hit', 'partly', 'missed', 'too-early'] as const;
export type OutcomeResult = (typeof OUTCOME_RESULTS)[number];

export interface OutcomeRecord {
  issueId: string;
  result: OutcomeResult;
  note: string;
  recordedAt: string;
  recordedBy: string;
}

export interface RetroInput {
  /** Closed sprints, any order: the last `count` are reported, earlier ones give velocity. */
  sprints: readonly RetroSprint[];
  count: number;
  issues: readonly RetroIssue[];
  ideas: readonly RetroIdea[];
  guardMoves: readonly GuardMove[];
  outcomes: readonly OutcomeRecord[];
  /** Category of each status id (statuses no issue has now are guessed from their name). */
  statusCategories: ReadonlyMap<string, StatusCategory>;
  unit: EstimateUnit;
  /** The settings in force now. */
  config: Config;
  /** The settings history: each sprint is judged by those in force at its end (else `config`). */
  settings?: readonly SettingsEra[];
  /** Every evidence entry of the project's ideas by date (product discovery activities). */
  touchpoints?: readonly Touchpoint[];
  /** False when the Entry triage field was not read: technical risk is then not measured. */
  triageRead?: boolean;
}

export interface SprintReport {
  sprint: RetroSprint;
  /**
   * Completed work by estimate: engineering discovery (spikes and enablers) and delivery; ideas
   * are not sprint work and are left out.
   */
  completed: {
    discovery: number;
    delivery: number;
    total: number;
    /** Undefined when nothing was completed. */
    discoveryPercent: number | undefined;
  };
  ideas: { validated: string[]; invalidated: string[]; promoted: string[] };
  /** Delivery items promoted from an idea that were completed in the sprint. */
  promotedDelivered: string[];
  enablers: { delivered: string[]; withinBound: string[] };
  spikes: { finished: string[]; withinTimebox: string[] };
  movedBack: string[];
  /**
   * Delivery items with uncertainty high that entered the sprint (were in it at its start or
   * were added while it ran) without covering discovery linked: "technical risk decreases" when
   * this falls sprint by sprint.
   */
  uncertainWithoutDiscovery: string[];
  runwayAtStart: {
    sprints: number | undefined;
    readyWork: number;
    velocity: number | undefined;
    velocitySprints: number;
  };
  /** Delivery flow: the practice's signal of success (retro-flow.ts). */
  flow: {
    /** Days from first start to done of the delivery items finished in the sprint. */
    cycleTimeDays: { median: number | undefined; p85: number | undefined; measured: number };
    /** Delivery items in the sprint that were started and not done when it closed. */
    carryOver: string[];
    /** Delivery estimate in the sprint at its start, and how much of it the sprint finished. */
    committed: number;
    completedOfCommitted: number;
    predictability: number | undefined;
  };
  /** The thresholds in force when the sprint ended. */
  thresholds: {
    targetPercent: number;
    runwayMin: number;
    runwayMax: number;
    touchpointsPerSprint: number;
  };
  /** Product discovery activities dated in the sprint; undefined when evidence was not read. */
  cadence: { count: number; target: number; met: boolean } | undefined;
  /** The project page's signals as they stood when the sprint closed. */
  atEnd: { overrunSpikes: number; idleDiscovery: number; unscopedEnablers: number };
  /**
   * Recorded outcomes of the items delivered in this sprint that came from a validated idea.
   * `hitRate` is this sprint's hits of those judged (hit, partly, missed; too early is not
   * judged); `hitRateToDate` counts every shown sprint up to this one, so the last sprint's value
   * is the report's hit rate.
   */
  outcomes: Record<OutcomeResult | 'unrecorded', number> & {
    judged: number;
    hitRate: number | undefined;
    hitRateToDate: number | undefined;
  };
}

export interface OutcomeCandidate {
  issueId: string;
  key: string;
  summary: string;
  sprintId: number;
  ideas: Array<{ key: string; summary: string }>;
  outcome: OutcomeRecord | undefined;
}

export interface OutcomeMiss extends OutcomeCandidate {
  evidence: Array<{ ideaKey: string; date: string; type: string; summary: string }>;
}

/** A target in force when a sprint ended: at least `min`, and at most `max` when it has one. */
export interface TrendTarget {
  min: number;
  max?: number | undefined;
}

export type Judgement = 'below' | 'within' | 'above';

export interface TrendSeries {
  metric:
    | 'openEnded'
    | 'unscopedEnablers'
    | 'overrunSpikes'
    | 'runway'
    | 'uncertainWithoutDiscovery'
    | 'cycleTime'
    | 'carryOver'
    | 'predictability'
    | 'cadence';
  label: string;
  /** Oldest sprint first; undefined where it could not be measured. */
  values: Array<number | undefined>;
  /** Runway and cadence: each sprint's target as it stood when the sprint ended. */
  targets?: Array<TrendTarget | undefined>;
  /** Each measured value against its sprint's target (undefined where either is missing). */
  judged?: Array<Judgement | undefined>;
  summary: string;
}

export interface RetroReport {
  unit: EstimateUnit;
  targetPercent: number;
  /** Oldest first. */
  sprints: SprintReport[];
  trends: TrendSeries[];
  /** One sentence per trend, plain words. */
  summary: string[];
  candidates: OutcomeCandidate[];
  misses: OutcomeMiss[];
  hitRate: { hits: number; rated: number; rate: number | undefined };
}
