import { z } from 'zod';
import { DEFAULT_PLACEHOLDERS } from './placeholders';
import { RULE_SETTINGS } from './config-rules';
import { count, inRange, LEAD_GROUPS_MAX, names, section } from './config-parts';

export { LEAD_GROUPS_MAX } from './config-parts';
import { jpd } from './config-jpd';

export { settingsComparedAt } from './config-rules';

/**
 * The practice's rules of thumb, as settings. Every number has the default the practice
 * recommends and a range an admin may choose from. Global defaults and per-project overrides are
 * both checked against this schema; an override is merged over the global value and the result is
 * checked again (so cross-field rules hold for the effective configuration).
 */

const runway = section(
  {
    /** Below this many sprints of validated, ready work: build-trap warning. */
    targetMinSprints: inRange(0, 10, 'number'),
    /** The upper end of the healthy runway. */
    targetMaxSprints: inRange(0, 10, 'number'),
    /** At or above this many sprints of runway discovery pauses (analysis paralysis). */
    pauseAtSprints: inRange(1, 12, 'number'),
    /** Days a validated idea may wait for delivery: 3 two-week sprints, the pause threshold. */
    promoteWithinDays: inRange(1, 365),
    /** Days evidence stays fresh in validation: 2 two-week sprints, the most to run ahead. */
    evidenceFreshDays: inRange(1, 365),
  },
  {
    targetMinSprints: 1,
    targetMaxSprints: 2,
    pauseAtSprints: 3,
    promoteWithinDays: 42,
    evidenceFreshDays: 28,
  },
);

const validation = section(
  {
    /** Interviews confirming the problem before an idea counts as validated. */
    minInterviews: count(20),
    /** Usability tests passed without help before an idea counts as validated. */
    minUsabilityTests: count(20),
  },
  { minInterviews: 3, minUsabilityTests: 1 },
);

const spike = section(
  {
    /** Timebox a spike gets when none is set. */
    defaultTimeboxDays: inRange(1, 10),
    /** Longest timebox a spike may have. */
    maxTimeboxDays: inRange(1, 10),
  },
  { defaultTimeboxDays: 3, maxTimeboxDays: 3 },
);

const capacity = section(
  {
    /** Share of the sprint (by estimate) for engineering discovery: spikes and enablers. */
    discoveryTargetPercent: inRange(0, 100, 'number'),
    /**
     * Product discovery activities (interviews, usability tests, prototype reviews, concierge
     * tests, experiments) dated within each sprint: the practice's "each sprint" list of three.
     */
    touchpointsPerSprint: count(50),
  },
  { discoveryTargetPercent: 20, touchpointsPerSprint: 3 },
);

const scopedOutcome = section(
  {
    minOutcomeLength: inRange(1, 500),
    placeholders: names('placeholder', 60, 100),
    requireSuccessMeasure: z.boolean(),
    requireBound: z.boolean(),
  },
  {
    minOutcomeLength: 20,
    placeholders: [...DEFAULT_PLACEHOLDERS],
    requireSuccessMeasure: true,
    requireBound: true,
  },
);

const gate = section(
  {
    /** Issue type names (case-insensitive) the enabler gate applies to; other types pass. */
    issueTypes: names('issue type', 255, 50, 1),
  },
  { issueTypes: ['Enabler', 'Spike'] },
);

const staleness = section(
  {
    /** A discovery item untouched for this many days counts as open-ended discovery. */
    discoveryIdleDays: inRange(1, 365),
  },
  { discoveryIdleDays: 14 },
);

/** The board a project's signals read, by id (0: the project's first Scrum board). */
const board = section({ boardId: inRange(0, 2 ** 31 - 1) }, { boardId: 0 });
/** Kanban: weeks throughput is averaged over; days one retro period covers. */
const kanbanFields = { throughputWeeks: inRange(1, 26), retroPeriodDays: inRange(7, 56) };
const kanban = section(kanbanFields, { throughputWeeks: 6, retroPeriodDays: 14 });

/** Seconds one load of the project page is shared with the project's other viewers (0: never). */
const page = section({ sharedSeconds: inRange(0, 600) }, { sharedSeconds: 60 });

const guard = section(
  {
    /** What the sprint guard does when an item that is not ready enters a sprint. */
    policy: z.enum(['move-back', 'flag-only']),
  },
  { policy: 'move-back' },
);

const tracks = section(
  {
    /**
     * Issue type names that are on the discovery track when a project has no recorded mapping
     * (case-insensitive); every other type is delivery.
     */
    discoveryTypeNames: names('issue type', 255, 50, 1),
  },
  { discoveryTypeNames: ['Discovery', 'Spike', 'Enabler'] },
);

const levelThreshold = z.enum(['medium', 'high', 'off'], {
  error: 'must be medium, high or off',
});

const entry = section(
  {
    /** Items with at least this uncertainty belong in discovery first (`off`: uncertainty alone never does). */
    uncertaintyAtLeast: levelThreshold,
    /** Items with at least this risk belong in discovery first. */
    riskAtLeast: levelThreshold,
    /** Labels (case-insensitive) that send an item to discovery first. */
    labels: names('label', 255, 50),
    /** Component names (case-insensitive) that send an item to discovery first. */
    components: names('component', 255, 50),
    /** The function validators refuse a delivery item that meets the criteria without discovery. */
    refuseInValidators: z.boolean(),
    /** The sprint guard moves such an item back out of the sprint (else it only flags it). */
    guardMovesBack: z.boolean(),
  },
  {
    uncertaintyAtLeast: 'high',
    riskAtLeast: 'high',
    labels: ['architecture'],
    components: [],
    refuseInValidators: false,
    guardMovesBack: false,
  },
);

/** Engineers in early: when an idea is novel by its triage; who signs off (none: any editor). */
const feasibility = section(
  {
    novelUncertaintyAtLeast: levelThreshold,
    leadAccountIds: names('account id', 128, 20),
    /** Jira groups (by group id) whose members are lead engineers too. */
    leadGroupIds: names('group id', 128, LEAD_GROUPS_MAX),
  },
  { novelUncertaintyAtLeast: 'high', leadAccountIds: [], leadGroupIds: [] },
);

export const ConfigSchema = z.preprocess(
  (v) => (v === undefined ? {} : v),
  z
    .object({
      runway: runway.full,
      validation: validation.full,
      spike: spike.full,
      capacity: capacity.full,
      scopedOutcome: scopedOutcome.full,
      gate: gate.full,
      staleness: staleness.full,
      guard: guard.full,
      tracks: tracks.full,
      entry: entry.full,
      feasibility: feasibility.full,
      page: page.full,
      kanban: kanban.full,
      board: board.full,
      jpd: jpd.full,
    })
    .strict()
    .superRefine((cfg, ctx) => {
      if (cfg.runway.targetMinSprints > cfg.runway.targetMaxSprints) {
        ctx.addIssue({
          code: 'custom',
          path: ['runway', 'targetMinSprints'],
          message: 'The lower runway target must not be above the upper runway target.',
        });
      }
      if (cfg.runway.targetMaxSprints >= cfg.runway.pauseAtSprints) {
        ctx.addIssue({
          code: 'custom',
          path: ['runway', 'pauseAtSprints'],
          message: 'The pause threshold must be above the upper runway target.',
        });
      }
      if (cfg.spike.defaultTimeboxDays > cfg.spike.maxTimeboxDays) {
        ctx.addIssue({
          code: 'custom',
          path: ['spike', 'defaultTimeboxDays'],
          message: 'The default spike timebox must not exceed the longest allowed timebox.',
        });
      }
    }),
);

export type Config = z.infer<typeof ConfigSchema>;

/** A per-project override: any subset of the settings, section by section. */
export const ConfigOverrideSchema = z
  .object({
    runway: runway.partial.optional(),
    validation: validation.partial.optional(),
    spike: spike.partial.optional(),
    capacity: capacity.partial.optional(),
    scopedOutcome: scopedOutcome.partial.optional(),
    gate: gate.partial.optional(),
    staleness: staleness.partial.optional(),
    guard: guard.partial.optional(),
    tracks: tracks.partial.optional(),
    entry: entry.partial.optional(),
    feasibility: feasibility.partial.optional(),
    page: page.partial.optional(),
    kanban: kanban.partial.optional(),
    board: board.partial.optional(),
    jpd: jpd.partial.optional(),
  })
  .strict();

export type ConfigOverride = z.infer<typeof ConfigOverrideSchema>;

export const DEFAULT_CONFIG: Config = ConfigSchema.parse({});

type Section = keyof Config;
/** The configuration's sections, in the order the settings screens show them (as declared). */
export const CONFIG_SECTIONS = Object.keys(ConfigOverrideSchema.shape) as readonly Section[];

/** Part of a project override that is not in effect, and the rule it would break. */
export interface OverrideNotInEffect {
  /** The overridden settings (`section.key`) that follow the global values instead. */
  paths: string[];
  /** Every setting the broken rule compares (`paths` and the others it was checked against). */
  compared: string[];
  /** The rule the merged values break, as the schema words it. */
  rule: string;
}

export interface EffectiveConfig {
  config: Config;
  /** Empty when the whole override is in effect. */
  notInEffect: OverrideNotInEffect[];
}

function merge(global: Config, override: ConfigOverride): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const section of CONFIG_SECTIONS) {
    merged[section] = { ...global[section], ...(override[section] ?? {}) };
  }
  return merged;
}

function overriddenPaths(override: ConfigOverride): string[] {
  return CONFIG_SECTIONS.flatMap((section) =>
    Object.keys(override[section] ?? {}).map((key) => `${section}.${key}`),
  );
}

function withoutPaths(override: ConfigOverride, paths: ReadonlySet<string>): ConfigOverride {
  const out: Record<string, Record<string, unknown>> = {};
  for (const section of CONFIG_SECTIONS) {
    const kept = Object.entries(override[section] ?? {}).filter(
      ([key]) => !paths.has(`${section}.${key}`),
    );
    if (kept.length > 0) out[section] = Object.fromEntries(kept);
  }
  return ConfigOverrideSchema.parse(out);
}

/**
 * The problems of a project override merged over the global configuration (empty when the merged
 * result is valid): what a save of that override is refused with.
 */
export function mergedConfigIssues(global: Config, override: ConfigOverride): z.core.$ZodIssue[] {
  const parsed = ConfigSchema.safeParse(merge(global, override));
  return parsed.success ? [] : parsed.error.issues;
}

/**
 * Merges a project override over the global configuration, and always answers a valid
 * configuration: a global change can make a saved override break a cross-field rule, and then
 * the overridden settings that rule compares follow the global values again (the whole section
 * when the rule is not known by its settings), each such part named with the rule it broke.
 */
export function resolveEffectiveConfig(
  global: Config,
  override: ConfigOverride | undefined,
): EffectiveConfig {
  if (!override) return { config: global, notInEffect: [] };
  const notInEffect: OverrideNotInEffect[] = [];
  let current = override;
  // Every round drops at least one overridden setting, so this ends (with the global values).
  for (;;) {
    const parsed = ConfigSchema.safeParse(merge(global, current));
    if (parsed.success) return { config: parsed.data, notInEffect };
    const overridden = new Set(overriddenPaths(current));
    const dropped = new Set<string>();
    for (const issue of parsed.error.issues) {
      const at = issue.path.slice(0, 2).map(String).join('.');
      const section = String(issue.path[0] ?? '');
      const involved =
        RULE_SETTINGS[at] ?? [...overridden].filter((p) => p.startsWith(`${section}.`));
      let paths = involved.filter((p) => overridden.has(p) && !dropped.has(p));
      // A rule the global values break on their own cannot be helped by the override: drop the
      // section's override so the result is the global section.
      if (paths.length === 0) {
        paths = [...overridden].filter((p) => p.startsWith(`${section}.`) && !dropped.has(p));
      }
      if (paths.length === 0) continue;
      for (const p of paths) dropped.add(p);
      notInEffect.push({
        paths,
        compared: [...new Set([...involved, ...paths])],
        rule: issue.message,
      });
    }
    if (dropped.size === 0) {
      // Nothing of the override is to blame: the global configuration itself is broken.
      ConfigSchema.parse(global);
      return { config: global, notInEffect };
    }
    current = withoutPaths(current, dropped);
  }
}

/** The configuration a project works with (see `resolveEffectiveConfig`); always valid. */
export function effectiveConfig(global: Config, override: ConfigOverride | undefined): Config {
  return resolveEffectiveConfig(global, override).config;
}

/** One human sentence per problem, naming the setting. */
export function describeConfigIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join('.') : 'configuration';
    return `${where}: ${issue.message}`;
  });
}
