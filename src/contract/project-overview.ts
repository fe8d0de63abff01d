import { z } from 'zod';
import {
  BoardRefSchema,
  DiscoveryStageSchema,
  EstimateUnitSchema,
  ItemKindSchema,
  ItemRefSchema,
  LevelSchema,
  MaybeNumber,
  ProjectRefSchema,
  StatusCategorySchema,
  TrackSchema,
} from './result-atoms';
import { NOT_READY_REASONS } from '../domain/ready-work';
import { ENGINEERING_LANES } from '../domain/discovery-lanes';
import { EVIDENCE_TYPES } from '../domain/track';

/**
 * What the `project/overview` resolver answers and the project page renders, as a schema (the
 * signals mirror domain/signals.ts). Shared by src/ and static/ (imported, never copied).
 */

const NotReadyReasonSchema = z.enum(NOT_READY_REASONS);

const FlaggedItemSchema = ItemRefSchema.extend({
  /** `needs-discovery`: nothing linked answers the question; `waiting`: linked discovery under way. */
  state: z.enum(['needs-discovery', 'waiting']),
  reasons: z.array(z.string()),
  waitingOn: z.array(z.string()),
  inSprint: z.boolean(),
  started: z.boolean(),
});

/** Who waived an item a signal would count as failing, why and until when (see WaiverFacts). */
const WaiverFactsSchema = z.object({
  grantedBy: z.string(),
  grantedByName: z.string().nullable(),
  reason: z.string(),
  expiresOn: z.string(),
});
const WaivedRefSchema = ItemRefSchema.extend(WaiverFactsSchema.shape);

export const SignalsSchema = z.object({
  runway: z.object({
    level: LevelSchema,
    /** Weeks of throughput on a Kanban board; absent: sprints (then `sprints` counts sprints). */
    per: z.literal('week').optional(),
    sprints: MaybeNumber,
    atLeast: z.boolean(),
    readyWork: z.number(),
    velocity: MaybeNumber,
    velocitySprints: z.number(),
    unit: EstimateUnitSchema,
    target: z.object({ min: z.number(), max: z.number(), pauseAt: z.number() }),
    verdict: z.enum(['build-trap', 'healthy', 'ahead', 'paralysis', 'unknown']),
    reason: z.string(),
    /** Not-started delivery items left out of the ready work, by reason, and the first ones. */
    excluded: z.object({
      counts: z.record(NotReadyReasonSchema, z.number()),
      items: z.array(
        ItemRefSchema.extend({ reason: NotReadyReasonSchema, keys: z.array(z.string()) }),
      ),
    }),
    /** Listed not-ready items an active waiver lets into a sprint; not in `excluded`. */
    waived: z.array(WaivedRefSchema),
  }),
  buildTrap: z.object({
    level: LevelSchema,
    runwaySprints: MaybeNumber,
    floor: z.number(),
    belowFloor: z.boolean(),
    started: z.array(ItemRefSchema.extend({ detail: z.string() })),
    startedCount: z.number(),
    /** Started items an active waiver lets through; not in `startedCount`. */
    waived: z.array(WaivedRefSchema),
    reason: z.string(),
  }),
  paralysis: z.object({
    level: LevelSchema,
    runwaySprints: MaybeNumber,
    pauseAt: z.number(),
    atPause: z.boolean(),
    unpromoted: z.array(ItemRefSchema.extend({ days: z.number() })),
    unpromotedCount: z.number(),
    promoteWithinDays: z.number(),
    staleEvidence: z.array(ItemRefSchema.extend({ days: z.number() })),
    staleCount: z.number(),
    evidenceFreshDays: z.number(),
    reason: z.string(),
  }),
  capacity: z.object({
    level: LevelSchema,
    /** Measured on work in progress (Kanban); absent: on the active sprint. */
    of: z.literal('wip').optional(),
    discoveryPercent: MaybeNumber,
    discovery: z.number(),
    delivery: z.number(),
    unit: EstimateUnitSchema,
    targetPercent: z.number(),
    warnBelowPercent: z.number(),
    leftOut: z.array(ItemRefSchema.extend({ why: z.enum(['idea', 'unscoped']) })),
    /** Unscoped spikes or enablers an active waiver lets into the sprint (counted in the share). */
    waived: z.array(WaivedRefSchema),
    reason: z.string(),
  }),
  cadence: z.object({
    level: LevelSchema,
    count: z.number(),
    byType: z.record(z.enum(EVIDENCE_TYPES), z.number()),
    target: z.number(),
    expectedByNow: z.number(),
    days: z.object({ elapsed: z.number(), length: z.number() }).nullable(),
    reason: z.string(),
  }),
  openEnded: z.object({
    level: LevelSchema,
    overrunSpikes: z.array(ItemRefSchema.extend({ daysUsed: z.number(), timeboxDays: z.number() })),
    idleItems: z.array(ItemRefSchema.extend({ idleDays: z.number() })),
    overrunCount: z.number(),
    idleCount: z.number(),
    idleDaysThreshold: z.number(),
    reason: z.string(),
  }),
  unscopedEnablers: z.object({
    level: LevelSchema,
    items: z.array(
      ItemRefSchema.extend({
        kind: z.enum(['enabler', 'spike']),
        inSprint: z.boolean(),
        missing: z.array(z.enum(['outcome', 'successMeasure', 'bound'])),
      }),
    ),
    count: z.number(),
    inSprintCount: z.number(),
    /** Unscoped items an active waiver lets into a sprint; not in `count`. */
    waived: z.array(WaivedRefSchema.extend({ kind: z.enum(['enabler', 'spike']) })),
    reason: z.string(),
  }),
  needsDiscovery: z.object({
    level: LevelSchema,
    measured: z.boolean(),
    items: z.array(FlaggedItemSchema),
    /** Flagged items an active waiver lets through; not in `count` or `inSprintCount`. */
    waived: z.array(FlaggedItemSchema.extend(WaiverFactsSchema.shape)),
    count: z.number(),
    atLeast: z.boolean(),
    inSprintCount: z.number(),
    meetingCriteria: z.number(),
    criteria: z.string(),
    reason: z.string(),
  }),
});

export const OverviewItemSchema = z.object({
  key: z.string(),
  summary: z.string(),
  issueType: z.string(),
  kind: ItemKindSchema,
  track: TrackSchema,
  status: z.string(),
  statusCategory: StatusCategorySchema,
  estimate: z.number().nullable(),
  /** Ideas on the discovery track: their validation stage. */
  stage: DiscoveryStageSchema.nullable(),
  /** Spikes and enablers on the discovery track: their engineering discovery lane. */
  lane: z.enum(ENGINEERING_LANES).nullable(),
  inActiveSprint: z.boolean(),
  badges: z.object({
    /** e.g. "2 interviews · 1 usability test"; null when there is no evidence yet. */
    evidence: z.string().nullable(),
    noScopedOutcome: z.boolean(),
    spikeOverrun: z.object({ daysUsed: z.number(), timeboxDays: z.number() }).nullable(),
    ageDays: z.number(),
    /**
     * Delivery items meeting the discovery entry criteria without finished discovery:
     * "Explore first: uncertainty high" or "Waiting on DT-12"; null otherwise (or when the item
     * is beyond the first flagged items read).
     */
    entry: z.object({ state: z.enum(['needs-discovery', 'waiting']), text: z.string() }).nullable(),
    /**
     * Ready column: why a not-started item is left out of runway ("Not ready: waiting on DT-61");
     * null when it is ready (or not judged).
     */
    notReady: z.object({ reason: NotReadyReasonSchema, text: z.string() }).nullable(),
    /** The last day of the item's active waiver (yyyy-mm-dd); null without one. */
    waivedUntil: z.string().nullable(),
  }),
});

const byStage = <T extends z.ZodType>(value: T) =>
  z.object({ new: value, validating: value, validated: value, invalidated: value });
const byLane = <T extends z.ZodType>(value: T) =>
  z.object(
    Object.fromEntries(ENGINEERING_LANES.map((lane) => [lane, value])) as Record<
      (typeof ENGINEERING_LANES)[number],
      T
    >,
  );
const byDeliveryColumn = <T extends z.ZodType>(value: T) =>
  z.object({ activeSprint: value, ready: value, inProgress: value });

export const ProjectOverviewSchema = z.object({
  project: ProjectRefSchema,
  generatedAt: z.string(),
  unit: EstimateUnitSchema,
  board: BoardRefSchema.nullable(),
  /** How the board runs: `kanban` (no sprints: throughput and work in progress). */
  boardFlow: z.enum(['sprints', 'kanban']).optional(),
  /** The projects whose items the page shows, when the board spans more than this one. */
  boardProjects: z.array(z.string()).optional(),
  activeSprint: BoardRefSchema.nullable(),
  signals: SignalsSchema,
  /** Ideas by validation stage. */
  discovery: byStage(z.array(OverviewItemSchema)),
  /**
   * Engineering discovery (spikes and enablers) by lane: the open ones, and in `done` those
   * finished in the active sprint.
   */
  engineering: byLane(z.array(OverviewItemSchema)),
  /** Open delivery work; the sprint column also holds the sprint's done items. */
  delivery: byDeliveryColumn(z.array(OverviewItemSchema)),
  /**
   * How many items each column holds: open ones, and in the sprint column the sprint's done
   * delivery work too. A column lists at most `listLimit` of them, the first
   * in rank order; long delivery columns are counted with Jira's approximate count.
   */
  columnCounts: z.object({
    discovery: byStage(z.number()),
    engineering: byLane(z.number()),
    delivery: byDeliveryColumn(z.number()),
  }),
  /**
   * The JQL of each column, built by the loader, for "Open all N in Jira" (Jira's issue search).
   * The discovery stages share the discovery track's query: a stage is the app's reading of the
   * evidence, not a Jira field. Null where the column has no query of its own (no active
   * sprint, no type on the discovery track, or a load that read every item instead).
   */
  columnJql: z.object({
    discovery: z.string().nullable(),
    delivery: byDeliveryColumn(z.string().nullable()),
  }),
  listLimit: z.number(),
  /** Open items counted, and how many of each list were left out to keep the answer small. */
  totals: z.object({
    openItems: z.number(),
    discovery: z.number(),
    delivery: z.number(),
    omitted: z.number(),
  }),
  /** Plain-words notes about missing data ("not set up yet", "no board"). */
  notes: z.array(z.string()),
});

export type SignalsView = z.infer<typeof SignalsSchema>;
export type OverviewItem = z.infer<typeof OverviewItemSchema>;
export type ProjectOverview = z.infer<typeof ProjectOverviewSchema>;
