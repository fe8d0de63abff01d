import { z } from 'zod';
import type { SprintReport } from '../domain/retro';
import { BoardRefSchema, EstimateUnitSchema, MaybeNumber, ProjectRefSchema } from './result-atoms';

/**
 * What `retro/report` answers (the retro sub-page's data, a schema mirroring domain/retro.ts)
 * and the CSV the page offers for download. Shared by the resolver and the Custom UI; the CSV is
 * built in the browser.
 */

const Keys = z.array(z.string());
const OutcomeResultSchema = z.enum(['hit', 'partly', 'missed', 'too-early']);
export const CandidateSchema = z.object({
  issueId: z.string(),
  key: z.string(),
  summary: z.string(),
  sprintId: z.number(),
  ideas: z.array(z.object({ key: z.string(), summary: z.string() })),
  outcome: z
    .object({
      issueId: z.string(),
      result: OutcomeResultSchema,
      note: z.string(),
      recordedAt: z.string(),
      recordedBy: z.string(),
    })
    .optional(),
});

export const SprintReportSchema = z.object({
  sprint: z.object({
    id: z.number(),
    name: z.string(),
    startDate: z.string(),
    completeDate: z.string(),
    /** A Kanban board's period of `kanban.retroPeriodDays` days, not a sprint. */
    period: z.boolean().optional(),
  }),
  completed: z.object({
    discovery: z.number(),
    delivery: z.number(),
    total: z.number(),
    discoveryPercent: MaybeNumber,
  }),
  ideas: z.object({ validated: Keys, invalidated: Keys, promoted: Keys }),
  promotedDelivered: Keys,
  enablers: z.object({ delivered: Keys, withinBound: Keys }),
  spikes: z.object({ finished: Keys, withinTimebox: Keys }),
  movedBack: Keys,
  uncertainWithoutDiscovery: Keys,
  runwayAtStart: z.object({
    sprints: MaybeNumber,
    readyWork: z.number(),
    velocity: MaybeNumber,
    velocitySprints: z.number(),
  }),
  flow: z.object({
    cycleTimeDays: z.object({ median: MaybeNumber, p85: MaybeNumber, measured: z.number() }),
    carryOver: Keys,
    committed: z.number(),
    completedOfCommitted: z.number(),
    predictability: MaybeNumber,
  }),
  thresholds: z.object({
    targetPercent: z.number(),
    runwayMin: z.number(),
    runwayMax: z.number(),
    touchpointsPerSprint: z.number(),
  }),
  cadence: z.object({ count: z.number(), target: z.number(), met: z.boolean() }).optional(),
  atEnd: z.object({
    overrunSpikes: z.number(),
    idleDiscovery: z.number(),
    unscopedEnablers: z.number(),
  }),
  outcomes: z.object({
    hit: z.number(),
    partly: z.number(),
    missed: z.number(),
    'too-early': z.number(),
    unrecorded: z.number(),
    judged: z.number(),
    hitRate: MaybeNumber,
    hitRateToDate: MaybeNumber,
  }),
});

export const RetroAnswerSchema = z.object({
  unit: EstimateUnitSchema,
  targetPercent: z.number(),
  /** Oldest first. */
  sprints: z.array(SprintReportSchema),
  trends: z.array(
    z.object({
      metric: z.enum([
        'openEnded',
        'unscopedEnablers',
        'overrunSpikes',
        'runway',
        'uncertainWithoutDiscovery',
        'cycleTime',
        'carryOver',
        'predictability',
        'cadence',
      ]),
      label: z.string(),
      /** Oldest sprint first; undefined where it could not be measured (null after JSON). */
      values: z.array(
        z
          .number()
          .nullable()
          .optional()
          .transform((v) => v ?? undefined),
      ),
      /** Runway and cadence: each sprint's target when it ended, and the value judged by it. */
      targets: z
        .array(
          z
            .object({ min: z.number(), max: z.number().optional() })
            .nullable()
            .optional()
            .transform((v) => v ?? undefined),
        )
        .optional(),
      judged: z
        .array(
          z
            .enum(['below', 'within', 'above'])
            .nullable()
            .optional()
            .transform((v) => v ?? undefined),
        )
        .optional(),
      summary: z.string(),
    }),
  ),
  /** One sentence per trend, plain words. */
  summary: z.array(z.string()),
  candidates: z.array(CandidateSchema),
  misses: z.array(
    CandidateSchema.extend({
      evidence: z.array(
        z.object({ ideaKey: z.string(), date: z.string(), type: z.string(), summary: z.string() }),
      ),
    }),
  ),
  hitRate: z.object({ hits: z.number(), rated: z.number(), rate: MaybeNumber }),
  project: ProjectRefSchema,
  board: BoardRefSchema.nullable(),
  /** Sprints asked for and closed sprints the board has. */
  requested: z.number(),
  available: z.number(),
  notes: z.array(z.string()),
});

export type RetroAnswer = z.infer<typeof RetroAnswerSchema>;

/** A retro job as a viewer follows it: "N of M sprints read", and the report once done. */
export const RetroJobAnswerSchema = z.object({
  state: z.enum(['running', 'done', 'failed']),
  /** This viewer joined the job another started. */
  joined: z.boolean(),
  progress: z.object({ done: z.number().int().min(0), total: z.number().int().min(0) }),
  /** What the job reads once it knows: a Scrum board's sprints or a Kanban board's periods. */
  span: z.enum(['sprint', 'period']).optional(),
  failure: z.string().optional(),
  report: RetroAnswerSchema.optional(),
});
export type RetroJobAnswer = z.infer<typeof RetroJobAnswerSchema>;
export type OutcomeCandidateView = RetroAnswer['candidates'][number];
export type TrendSeriesView = RetroAnswer['trends'][number];

export const RETRO_CSV_HEADER = [
  'sprint',
  'start',
  'complete',
  'unit',
  'discovery_completed',
  'delivery_completed',
  'discovery_percent',
  'discovery_target_percent',
  'ideas_validated',
  'ideas_invalidated',
  'ideas_promoted',
  'promoted_delivered',
  'enablers_delivered',
  'enablers_within_bound',
  'spikes_finished',
  'spikes_within_timebox',
  'moved_back_by_guard',
  'high_uncertainty_without_discovery',
  'ready_work_at_start',
  'velocity_before',
  'runway_at_start',
  'overrun_spikes_at_end',
  'idle_discovery_at_end',
  'enablers_without_outcome_at_end',
  'outcome_hit',
  'outcome_partly',
  'outcome_missed',
  'outcome_too_early',
  'outcome_unrecorded',
  'hit_rate_percent',
  'hit_rate_to_date_percent',
  'cycle_time_median_days',
  'cycle_time_p85_days',
  'carry_over',
  'committed_at_start',
  'completed_of_committed',
  'predictability_percent',
  'discovery_activities',
  'discovery_activities_target',
  'runway_target_min',
  'runway_target_max',
] as const;

/** One CSV field: quoted when it holds a comma, quote or line break; formula starts defused. */
export function csvField(value: string | number | undefined): string {
  if (value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function row(
  s: SprintReport | RetroAnswer['sprints'][number],
  unit: string,
): Array<string | number | undefined> {
  // Each sprint is judged by the target in force when it ended.
  const target = s.thresholds.targetPercent;
  return [
    s.sprint.name,
    s.sprint.startDate.slice(0, 10),
    s.sprint.completeDate.slice(0, 10),
    unit,
    s.completed.discovery,
    s.completed.delivery,
    s.completed.discoveryPercent,
    target,
    s.ideas.validated.length,
    s.ideas.invalidated.length,
    s.ideas.promoted.length,
    s.promotedDelivered.length,
    s.enablers.delivered.length,
    s.enablers.withinBound.length,
    s.spikes.finished.length,
    s.spikes.withinTimebox.length,
    s.movedBack.length,
    s.uncertainWithoutDiscovery.length,
    s.runwayAtStart.readyWork,
    s.runwayAtStart.velocity,
    s.runwayAtStart.sprints,
    s.atEnd.overrunSpikes,
    s.atEnd.idleDiscovery,
    s.atEnd.unscopedEnablers,
    s.outcomes.hit,
    s.outcomes.partly,
    s.outcomes.missed,
    s.outcomes['too-early'],
    s.outcomes.unrecorded,
    s.outcomes.hitRate,
    s.outcomes.hitRateToDate,
    s.flow.cycleTimeDays.median,
    s.flow.cycleTimeDays.p85,
    s.flow.carryOver.length,
    s.flow.committed,
    s.flow.completedOfCommitted,
    s.flow.predictability,
    s.cadence?.count,
    s.thresholds.touchpointsPerSprint,
    s.thresholds.runwayMin,
    s.thresholds.runwayMax,
  ];
}

/** The retro data as CSV (RFC 4180, CRLF line ends), one row per sprint, oldest first. */
export function retroCsv(report: Pick<RetroAnswer, 'sprints' | 'unit'>): string {
  const lines = [
    RETRO_CSV_HEADER.join(','),
    ...report.sprints.map((s) => row(s, report.unit).map(csvField).join(',')),
  ];
  return `${lines.join('\r\n')}\r\n`;
}
