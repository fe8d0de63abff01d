import { READINESS_CHECKS, type ReadinessCheck } from '@domain/sprint-readiness';

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

export const CHECK_LABELS: Record<ReadinessCheck, string> = {
  'scoped-outcome': 'Scoped outcome is complete',
  'discovery-validated': 'Discovery item is validated',
  'spike-timebox': 'Spike timebox is set',
};

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

/** Reads a saved configuration (a JSON string, or already an object); unknown parts dropped. */
export function parseRuleConfig(raw: unknown): RuleConfig {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return {};
    }
  }
  if (typeof value !== 'object' || value === null) return {};
  const v = value as Record<string, unknown>;
  const strings = (x: unknown) =>
    Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : undefined;
  const checks = strings(v['checks'])?.filter((c): c is ReadinessCheck =>
    (READINESS_CHECKS as readonly string[]).includes(c),
  );
  const out: RuleConfig = {};
  const types = strings(v['issueTypes']);
  if (types && types.length > 0) out.issueTypes = types;
  if (checks && checks.length > 0) out.checks = checks;
  return out;
}

export function describeRule(config: RuleConfig, kind: RuleKind): string {
  const checks = (config.checks ?? CHECKS_OF[kind]).map((c) => CHECK_LABELS[c].toLowerCase());
  const types = config.issueTypes?.join(', ') ?? 'the types in the Dual Track settings';
  return `Checks: ${checks.join('; ')}. Applies to: ${types}.`;
}
