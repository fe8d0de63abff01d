import { CONFIG_SECTIONS, type Config } from '../domain/config';
import type { SettingValue } from '../domain/config-changes';

/**
 * Every setting the settings screens show: where it lives in the configuration (`section.key`),
 * what a person calls it, and what it accepts. The ranges repeat those of the configuration
 * schema (src/domain/config.ts) for the helper text; test/settings/settings-fields.test.ts keeps
 * the two in step and checks that every setting of the schema is listed here.
 */

export type SettingSection = keyof Config;

interface FieldBase {
  path: `${SettingSection}.${string}`;
  label: string;
  help: string;
}

export type SettingField = FieldBase &
  (
    | { kind: 'integer' | 'number'; min: number; max: number; unit: string; step?: number }
    | { kind: 'boolean' }
    | {
        kind: 'list';
        item: string;
        minItems: number;
        /** Picked by name from Jira (users or groups) instead of typed; the ids are stored. */
        picker?: 'user' | 'group';
      }
    | { kind: 'choice'; options: ReadonlyArray<{ value: string; label: string }> }
  );

export const SECTION_TITLES: Readonly<Record<SettingSection, string>> = {
  runway: 'Runway',
  validation: 'Evidence to call an idea validated',
  spike: 'Spike timebox',
  capacity: 'Discovery capacity',
  scopedOutcome: 'Scoped outcome requirements',
  gate: 'Enabler gate',
  staleness: 'Staleness',
  guard: 'Sprint guard',
  tracks: 'Type-to-track mapping defaults',
  entry: 'Discovery entry criteria',
  feasibility: 'Engineers in early (feasibility)',
  page: 'Project page',
  kanban: 'Kanban boards',
  board: 'Board the signals read',
  jpd: 'Jira Product Discovery spaces',
};

export const SETTING_SECTIONS: readonly SettingSection[] = CONFIG_SECTIONS;

/** The entry criteria's level for uncertainty or risk: the same choice for both. */
function entryLevelField(part: 'uncertainty' | 'risk'): SettingField {
  const Part = part === 'risk' ? 'Risk' : 'Uncertainty';
  return {
    path: `entry.${part}AtLeast`,
    label: `${Part} that sends an item to discovery first`,
    help: `A delivery item with at least this ${part} needs a validated idea or a finished spike linked before delivery.`,
    kind: 'choice',
    options: [
      { value: 'high', label: 'High' },
      { value: 'medium', label: 'Medium or high' },
      { value: 'off', label: 'Never (this level alone does not count)' },
    ],
  };
}

export const SETTING_FIELDS: readonly SettingField[] = [
  {
    path: 'runway.targetMinSprints',
    label: 'Runway target, lower end',
    help: 'Less validated, ready work than this is a build-trap warning.',
    kind: 'number',
    min: 0,
    max: 10,
    step: 0.5,
    unit: 'sprints',
  },
  {
    path: 'runway.targetMaxSprints',
    label: 'Runway target, upper end',
    help: 'The upper end of a healthy runway.',
    kind: 'number',
    min: 0,
    max: 10,
    step: 0.5,
    unit: 'sprints',
  },
  {
    path: 'runway.pauseAtSprints',
    label: 'Pause discovery at',
    help: 'At or above this runway discovery is running too far ahead. Must be above the upper target.',
    kind: 'number',
    min: 1,
    max: 12,
    step: 0.5,
    unit: 'sprints',
  },
  {
    path: 'runway.promoteWithinDays',
    label: 'Promote validated ideas within',
    help: 'A validated idea with no delivery item linked after this long (since its latest evidence) is an analysis-paralysis risk.',
    kind: 'integer',
    min: 1,
    max: 365,
    unit: 'days',
  },
  {
    path: 'runway.evidenceFreshDays',
    label: 'Evidence stays fresh for',
    help: 'Evidence older than this on an idea still in validation is stale: an analysis-paralysis risk.',
    kind: 'integer',
    min: 1,
    max: 365,
    unit: 'days',
  },
  {
    path: 'validation.minInterviews',
    label: 'Interviews needed',
    help: 'Interviews confirming the problem before an idea counts as validated.',
    kind: 'integer',
    min: 0,
    max: 20,
    unit: 'interviews',
  },
  {
    path: 'validation.minUsabilityTests',
    label: 'Usability tests needed',
    help: 'Usability tests passed without help before an idea counts as validated.',
    kind: 'integer',
    min: 0,
    max: 20,
    unit: 'tests',
  },
  {
    path: 'spike.defaultTimeboxDays',
    label: 'Default spike timebox',
    help: 'The timebox a spike gets when its scoped outcome sets none. At most the longest timebox.',
    kind: 'integer',
    min: 1,
    max: 10,
    unit: 'days',
  },
  {
    path: 'spike.maxTimeboxDays',
    label: 'Longest spike timebox',
    help: 'The longest timebox a spike may have.',
    kind: 'integer',
    min: 1,
    max: 10,
    unit: 'days',
  },
  {
    path: 'capacity.discoveryTargetPercent',
    label: 'Engineering discovery capacity target',
    help: 'Share of the sprint, by estimate, for spikes and scoped enablers.',
    kind: 'number',
    min: 0,
    max: 100,
    unit: '%',
  },
  {
    path: 'capacity.touchpointsPerSprint',
    label: 'Product discovery touchpoints per sprint',
    help: 'Interviews, usability tests, prototype reviews, concierge tests and experiments dated within each sprint.',
    kind: 'integer',
    min: 0,
    max: 50,
    unit: 'activities',
  },
  {
    path: 'scopedOutcome.minOutcomeLength',
    label: 'Shortest outcome statement',
    help: 'An outcome statement shorter than this is not a scoped outcome.',
    kind: 'integer',
    min: 1,
    max: 500,
    unit: 'characters',
  },
  {
    path: 'scopedOutcome.placeholders',
    label: 'Placeholder words',
    help: 'An outcome or success measure that is only one of these does not count.',
    kind: 'list',
    item: 'placeholder',
    minItems: 0,
  },
  {
    path: 'scopedOutcome.requireSuccessMeasure',
    label: 'Require a success measure',
    help: 'A scoped outcome must say how success is measured.',
    kind: 'boolean',
  },
  {
    path: 'scopedOutcome.requireBound',
    label: 'Require a timebox or target date',
    help: 'A scoped outcome must be bounded by a timebox in days or a target date.',
    kind: 'boolean',
  },
  {
    path: 'gate.issueTypes',
    label: 'Issue types the gate checks',
    help: 'Items of these types need a complete scoped outcome before they enter a sprint.',
    kind: 'list',
    item: 'issue type',
    minItems: 1,
  },
  {
    path: 'staleness.discoveryIdleDays',
    label: 'Discovery item idle after',
    help: 'A discovery item untouched this long counts as open-ended discovery.',
    kind: 'integer',
    min: 1,
    max: 365,
    unit: 'days',
  },
  {
    path: 'page.sharedSeconds',
    label: 'Share a project page load for',
    help: 'Viewers of a project who may see the same items get the page one of them loaded, for this long: Jira is asked once instead of once per viewer. Writes through the app refresh it. 0: every viewer loads from Jira.',
    kind: 'integer',
    min: 0,
    max: 600,
    unit: 'seconds',
  },
  {
    path: 'guard.policy',
    label: 'When an item that is not ready enters a sprint',
    help: 'What the sprint guard does about it. Items that only miss covering discovery follow the discovery entry criteria setting instead.',
    kind: 'choice',
    options: [
      { value: 'move-back', label: 'Move it back to the backlog and say why' },
      { value: 'flag-only', label: 'Leave it in the sprint and flag it' },
    ],
  },
  {
    path: 'tracks.discoveryTypeNames',
    label: 'Discovery issue types',
    help: 'Issue types on the discovery track in a project without a recorded mapping; every other type is delivery.',
    kind: 'list',
    item: 'issue type',
    minItems: 1,
  },
  entryLevelField('uncertainty'),
  entryLevelField('risk'),
  {
    path: 'entry.labels',
    label: 'Labels that send an item to discovery first',
    help: 'A delivery item with any of these labels (case-insensitive) meets the entry criteria.',
    kind: 'list',
    item: 'label',
    minItems: 0,
  },
  {
    path: 'entry.components',
    label: 'Components that send an item to discovery first',
    help: 'A delivery item in any of these components (case-insensitive) meets the entry criteria.',
    kind: 'list',
    item: 'component',
    minItems: 0,
  },
  {
    path: 'entry.refuseInValidators',
    label: 'Refuse such items on sprint-ready transitions',
    help: 'The enabler gate (the function validator, not its expression variant) refuses a delivery item that meets the criteria without covering discovery (waivers apply).',
    kind: 'boolean',
  },
  {
    path: 'entry.guardMovesBack',
    label: 'Sprint guard moves such items back',
    help: 'When one enters an open sprint (or a sprint starts with it) the guard moves it back to the backlog; otherwise it only flags it.',
    kind: 'boolean',
  },
  {
    path: 'feasibility.novelUncertaintyAtLeast',
    label: 'Uncertainty that makes an idea technically novel',
    help: 'An idea with at least this Entry triage uncertainty needs a "feasible" sign-off from a lead engineer before it is promoted, as if it were flagged technically novel.',
    kind: 'choice',
    options: [
      { value: 'high', label: 'High' },
      { value: 'medium', label: 'Medium or high' },
      { value: 'off', label: 'Never (only the manual flag counts)' },
    ],
  },
  {
    path: 'feasibility.leadAccountIds',
    label: 'Lead engineers',
    help: 'Only these people (and the members of the lead engineer groups) may sign off feasibility, and they are mentioned once on an idea that needs them. With no lead engineers or groups named, anyone who may edit the idea may sign off and nobody is mentioned. Each person is checked against Jira on save.',
    kind: 'list',
    item: 'person',
    minItems: 0,
    picker: 'user',
  },
  {
    path: 'feasibility.leadGroupIds',
    label: 'Lead engineer groups',
    help: 'Members of these Jira groups are lead engineers too: Jira is asked at sign-off whether the person signing off is a member. The first members of each group are mentioned with the named lead engineers (at most 10 people in all). Each group is checked against Jira on save.',
    kind: 'list',
    item: 'group',
    minItems: 0,
    picker: 'group',
  },
  {
    path: 'kanban.throughputWeeks',
    label: 'Weeks throughput is measured over',
    help: 'On a Kanban board runway is ready delivery work divided by the delivery items (or points) finished per week, averaged over this many weeks.',
    kind: 'integer',
    min: 1,
    max: 26,
    unit: 'weeks',
  },
  {
    path: 'kanban.retroPeriodDays',
    label: 'Retro period on a Kanban board',
    help: 'A Kanban board has no sprints: the retro looks back over periods of this many days instead.',
    kind: 'integer',
    min: 7,
    max: 56,
    unit: 'days',
  },
  {
    path: 'board.boardId',
    label: 'Board',
    help: "The board runway, capacity and the retro read, by id: pick it from the project's boards above. 0: the project's first Scrum board. Chosen per project only.",
    kind: 'integer',
    min: 0,
    max: 2147483647,
    unit: 'board id',
  },
  {
    path: 'jpd.spaceKeys',
    label: 'Connected discovery spaces',
    help: "Jira Product Discovery spaces (project keys) whose ideas are on this project's discovery track: pick them from the spaces above. Chosen per project only.",
    kind: 'list',
    item: 'space key',
    minItems: 0,
  },
];

export function settingField(path: string): SettingField | undefined {
  return SETTING_FIELDS.find((f) => f.path === path);
}

/** What the field accepts, for its helper text. */
export function allowedText(field: SettingField): string {
  switch (field.kind) {
    case 'integer':
      return `Allowed: whole numbers ${field.min}–${field.max}.`;
    case 'number':
      return `Allowed: ${field.min}–${field.max}.`;
    case 'list':
      return field.minItems > 0
        ? `Separate with commas; at least one ${field.item}.`
        : 'Separate with commas; may be empty.';
    case 'boolean':
    case 'choice':
      return '';
  }
}

/** A stored value as a person reads it: "3 sprints", "Yes", "Enabler, Spike". */
export function formatSetting(field: SettingField | undefined, value: SettingValue | null): string {
  if (value === null) return 'not set';
  if (!field) return Array.isArray(value) ? value.join(', ') : String(value);
  switch (field.kind) {
    case 'integer':
    case 'number':
      if (field.unit === '%') return `${String(value)}%`;
      return `${String(value)} ${value === 1 ? field.unit.replace(/s$/, '') : field.unit}`;
    case 'boolean':
      return value === true ? 'Yes' : 'No';
    case 'list':
      return Array.isArray(value)
        ? value.length > 0
          ? value.join(', ')
          : '(none)'
        : String(value);
    case 'choice':
      return field.options.find((o) => o.value === value)?.label ?? String(value);
  }
}

/** The value at `section.key` in a configuration or an override; undefined when it is not set. */
export function settingAt(settings: unknown, path: string): SettingValue | undefined {
  const [section = '', key = ''] = path.split('.');
  const container: unknown = isRecord(settings) ? settings[section] : undefined;
  const value: unknown = isRecord(container) ? container[key] : undefined;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') {
    return value;
  }
  if (Array.isArray(value) && value.every((v): v is string => typeof v === 'string')) return value;
  return undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
