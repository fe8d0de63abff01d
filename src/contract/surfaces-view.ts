import { z } from 'zod';
import { LevelSchema, MaybeNumber, TrackSchema } from './result-atoms';

/**
 * What the board action (`board/readiness`) and the dashboard gadget (`gadget/rollup`) answer,
 * as schemas shared by src/ and static/.
 */

export const ReadinessRowSchema = z.object({
  key: z.string(),
  summary: z.string(),
  typeName: z.string(),
  /** null: the item's project is not set up for Dual Track. */
  track: TrackSchema.nullable(),
  verdict: z.enum(['ready', 'waived', 'move-back', 'flag', 'not-set-up']),
  /** The rule's name when the item does not meet it. */
  rule: z.string().nullable(),
  missing: z.array(z.string()),
});
export type ReadinessRow = z.infer<typeof ReadinessRowSchema>;

const TallySchema = z.object({ ready: z.number().int(), notReady: z.number().int() });

export const SprintReadinessSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  state: z.string(),
  items: z.array(ReadinessRowSchema),
  byTrack: z.object({ discovery: TallySchema, delivery: TallySchema }),
  unread: z.number().int(),
});
export type SprintReadinessView = z.infer<typeof SprintReadinessSchema>;

export const BoardReadinessSchema = z.object({
  boardId: z.number().int(),
  active: SprintReadinessSchema.nullable(),
  next: SprintReadinessSchema.nullable(),
});
export type BoardReadinessView = z.infer<typeof BoardReadinessSchema>;

/** One picked project on the gadget, as the viewer may see it. */
export const RollupRowSchema = z.discriminatedUnion('state', [
  z.object({
    key: z.string(),
    state: z.literal('ok'),
    name: z.string(),
    runway: z.object({
      level: LevelSchema,
      sprints: MaybeNumber,
      verdict: z.enum(['build-trap', 'healthy', 'ahead', 'paralysis', 'unknown']),
      reason: z.string(),
    }),
    capacity: z.object({ level: LevelSchema, discoveryPercent: MaybeNumber, reason: z.string() }),
    buildTrap: z.object({ level: LevelSchema, reason: z.string() }),
    paralysis: z.object({ level: LevelSchema, reason: z.string() }),
    /** The guard's moves back and flags recorded for the active sprint. */
    interventions: z.object({ sprint: z.string().nullable(), count: z.number().int() }),
  }),
  /** The viewer may browse the project, but Dual Track was never set up there. */
  z.object({ key: z.string(), state: z.literal('not-set-up'), name: z.string() }),
  /** The project does not exist or the viewer may not browse it (Jira answers both alike). */
  z.object({ key: z.string(), state: z.literal('no-access') }),
]);
export type RollupRow = z.infer<typeof RollupRowSchema>;

export const RollupSchema = z.object({ projects: z.array(RollupRowSchema) });
export type RollupView = z.infer<typeof RollupSchema>;

/** Projects one gadget rolls up at most: each costs a page load on a cold share. */
export const ROLLUP_MAX_PROJECTS = 8;

/** What the gadget's configuration offers: projects the viewer may browse matching their text. */
export const ProjectChoicesSchema = z.object({
  projects: z.array(z.object({ key: z.string(), name: z.string() })),
  /** More projects match than were listed: typing more narrows them. */
  more: z.boolean(),
});
export type ProjectChoicesView = z.infer<typeof ProjectChoicesSchema>;
