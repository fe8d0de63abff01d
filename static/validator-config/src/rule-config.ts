import { READINESS_CHECKS, RULE_WORDING, type ReadinessCheck } from '@domain/sprint-readiness';

/**
 * The rule configuration this screen saves with `workflowRules.onConfigure` (the backend reads
 * it with RuleConfigurationSchema in src/validators/validator-contract.ts): which issue types and
 * which checks; for the expression validator also the field id and thresholds it cannot fetch.
 */
export interface RuleConfig {
  issueTypes?: string[];
  checks?: ReadinessCheck[];
  fieldId?: string;
  minOutcomeLength?: number;
  placeholders?: string[];
  requireSuccessMeasure?: boolean;
  requireBound?: boolean;
  maxTimeboxDays?: number;
}

export const CHECK_LABELS: Record<ReadinessCheck, string> = Object.fromEntries(
  READINESS_CHECKS.map((check) => [check, RULE_WORDING[check].tickBox]),
) as Record<ReadinessCheck, string>;

export type RuleKind = 'enabler-function' | 'enabler-expression' | 'discovery-function';

/** Which checks each validator can apply. */
export const CHECKS_OF: Record<RuleKind, ReadinessCheck[]> = {
  'enabler-function': ['scoped-outcome', 'spike-timebox'],
  'enabler-expression': ['scoped-outcome'],
  'discovery-function': ['discovery-validated'],
};

export function kindOf(moduleKey: unknown): RuleKind {
  const key = typeof moduleKey === 'string' ? moduleKey : '';
  if (key.includes('expression')) return 'enabler-expression';
  if (key.includes('discovery')) return 'discovery-function';
  return 'enabler-function';
}

/** The Scoped outcome field id the expression reads (RuleConfigurationSchema's rule). */
const FIELD_ID = /^customfield_\d+$/;

/**
 * Reads a saved configuration (a JSON string, an object, or either wrapped as `{ value }`, the
 * forms the validators accept). Parts of the wrong type are dropped; the expression rule's field
 * id and thresholds are kept, so that saving the rule again never loses them.
 */
export function parseRuleConfig(raw: unknown): RuleConfig {
  let value: unknown = raw;
  if (typeof value === 'object' && value !== null && 'value' in value) {
    const keys = Object.keys(value);
    if (keys.length === 1) value = value.value;
  }
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return {};
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const v = value as Record<string, unknown>;
  const strings = (x: unknown) =>
    Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : undefined;
  const checks = strings(v['checks'])?.filter((c): c is ReadinessCheck =>
    (READINESS_CHECKS as readonly string[]).includes(c),
  );
  const whole = (x: unknown, min: number, max: number) =>
    typeof x === 'number' && Number.isInteger(x) && x >= min && x <= max ? x : undefined;
  const out: RuleConfig = {};
  const types = strings(v['issueTypes'])
    ?.map((t) => t.trim())
    .filter((t) => t.length > 0);
  if (types && types.length > 0) out.issueTypes = types;
  if (checks && checks.length > 0) out.checks = checks;
  if (typeof v['fieldId'] === 'string' && FIELD_ID.test(v['fieldId'])) out.fieldId = v['fieldId'];
  const minOutcomeLength = whole(v['minOutcomeLength'], 1, 500);
  if (minOutcomeLength !== undefined) out.minOutcomeLength = minOutcomeLength;
  const placeholders = strings(v['placeholders']);
  if (placeholders) out.placeholders = placeholders;
  if (typeof v['requireSuccessMeasure'] === 'boolean') {
    out.requireSuccessMeasure = v['requireSuccessMeasure'];
  }
  if (typeof v['requireBound'] === 'boolean') out.requireBound = v['requireBound'];
  const maxTimeboxDays = whole(v['maxTimeboxDays'], 1, 365);
  if (maxTimeboxDays !== undefined) out.maxTimeboxDays = maxTimeboxDays;
  return out;
}

/** What `validator/config-defaults` answers: the settings an expression rule carries. */
export interface RuleDefaults {
  scopedOutcomeFieldId?: string;
  gateIssueTypes: string[];
  scopedOutcome: {
    minOutcomeLength: number;
    placeholders: string[];
    requireSuccessMeasure: boolean;
    requireBound: boolean;
  };
  maxTimeboxDays: number;
}

/** What the admin chose on the screen. */
export interface RuleChoice {
  /** The issue types field as typed (comma-separated; empty: the Dual Track settings). */
  issueTypes: string;
  checks: ReadinessCheck[];
}

export function typeNames(text: string): string[] {
  return text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
}

/**
 * What the manifest's expression reads from `config`: a rule saved without any of them makes the
 * expression false (or fail) for every issue, so it would refuse every transition.
 */
export const EXPRESSION_NEEDS = [
  'issueTypes',
  'fieldId',
  'minOutcomeLength',
  'placeholders',
  'requireSuccessMeasure',
  'requireBound',
] as const satisfies ReadonlyArray<keyof RuleConfig>;

export function missingForExpression(cfg: RuleConfig): string[] {
  return EXPRESSION_NEEDS.filter((k) => cfg[k] === undefined);
}

/**
 * The expression rule's configuration: the issue types (the settings' gate types when none are
 * typed) and the field id and thresholds of the current settings when they have loaded, else
 * those it was saved with.
 */
function expressionConfig(
  choice: RuleChoice,
  saved: RuleConfig,
  defaults: RuleDefaults | undefined,
): RuleConfig {
  const types = typeNames(choice.issueTypes);
  const issueTypes = types.length > 0 ? types : (defaults?.gateIssueTypes ?? saved.issueTypes);
  const fieldId = defaults?.scopedOutcomeFieldId ?? saved.fieldId;
  const rules = defaults?.scopedOutcome;
  const cfg: RuleConfig = {
    ...(issueTypes && issueTypes.length > 0 ? { issueTypes } : {}),
    ...(fieldId ? { fieldId } : {}),
  };
  const minOutcomeLength = rules?.minOutcomeLength ?? saved.minOutcomeLength;
  if (minOutcomeLength !== undefined) cfg.minOutcomeLength = minOutcomeLength;
  const placeholders = rules
    ? rules.placeholders.map((p) => p.trim().toLowerCase())
    : saved.placeholders;
  if (placeholders !== undefined) cfg.placeholders = placeholders;
  const requireSuccessMeasure = rules?.requireSuccessMeasure ?? saved.requireSuccessMeasure;
  if (requireSuccessMeasure !== undefined) cfg.requireSuccessMeasure = requireSuccessMeasure;
  const requireBound = rules?.requireBound ?? saved.requireBound;
  if (requireBound !== undefined) cfg.requireBound = requireBound;
  // The spike rule's limit (domain/spike-timebox.ts): the expression holds spikes to it, and
  // refuses every spike (only spikes) while a rule saved before it carries none.
  const maxTimeboxDays = defaults?.maxTimeboxDays ?? saved.maxTimeboxDays;
  if (maxTimeboxDays !== undefined) cfg.maxTimeboxDays = maxTimeboxDays;
  return cfg;
}

/**
 * The JSON `workflowRules.onConfigure` hands Jira, or undefined: Jira then keeps the form open
 * and saves nothing (https://developer.atlassian.com/platform/forge/custom-ui-jira-bridge/workflowRules/).
 * Function validators get the choice (issue types, checks). The expression rule gets
 * expressionConfig(), and only when it has everything its expression reads.
 */
export function toSave(
  kind: RuleKind,
  choice: RuleChoice,
  saved: RuleConfig,
  defaults: RuleDefaults | undefined,
): string | undefined {
  if (kind !== 'enabler-expression') {
    const types = typeNames(choice.issueTypes);
    const checks = CHECKS_OF[kind].filter((c) => choice.checks.includes(c));
    const cfg: RuleConfig = {
      ...(types.length > 0 ? { issueTypes: types } : {}),
      ...(checks.length > 0 ? { checks } : {}),
    };
    return JSON.stringify(cfg);
  }
  const cfg = expressionConfig(choice, saved, defaults);
  return missingForExpression(cfg).length === 0 ? JSON.stringify(cfg) : undefined;
}

/**
 * Why the screen cannot save the rule (shown to the admin), or undefined when it can.
 * `loadProblem` is why the current settings could not be read, when they could not.
 */
export function saveProblem(
  kind: RuleKind,
  choice: RuleChoice,
  saved: RuleConfig,
  defaults: RuleDefaults | undefined,
  loadProblem?: string,
): string | undefined {
  if (kind !== 'enabler-expression') return undefined;
  const missing = missingForExpression(expressionConfig(choice, saved, defaults));
  if (missing.length === 0) return undefined;
  const why = loadProblem
    ? `the Dual Track settings could not be loaded (${loadProblem})`
    : defaults && !defaults.scopedOutcomeFieldId && !saved.fieldId
      ? 'the Scoped outcome field was not found on this site'
      : 'the Dual Track settings have not loaded';
  return `This rule cannot be saved: ${why}, and without ${missing.join(', ')} its expression would refuse every transition.`;
}

export function describeRule(config: RuleConfig, kind: RuleKind): string {
  const checks = (config.checks ?? CHECKS_OF[kind]).map((c) => CHECK_LABELS[c].toLowerCase());
  const types = config.issueTypes?.join(', ') ?? 'the types in the Dual Track settings';
  return `Checks: ${checks.join('; ')}. Applies to: ${types}.`;
}
