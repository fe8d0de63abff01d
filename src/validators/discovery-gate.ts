import { z } from 'zod';
import { describeConfigIssues } from '../domain/config';
import { assessReadiness } from '../domain/sprint-readiness';
import { typeIsIn } from '../domain/track';
import { itemOf, trackOfItem, type EnforcementFieldIds } from '../enforcement/item-facts';
import { explainJiraFailure, isJiraError } from '../jira/errors';
import { ISSUE_KEY, jiraAsApp, type RetryPolicy } from '../jira/jira-gateway';
import { readEnforcementContext } from '../storage/enforcement-store';
import { StoredValueError } from '../storage/kvs-store';
import { AppFieldMissingError, appFieldId } from '../track/app-fields';
import { VALIDATOR_RETRY } from './enabler-gate';
import { actorOf, blockOrWaive } from './validator-audit';
import {
  parseRuleConfiguration,
  ValidatorArgsSchema,
  type ValidatorResult,
} from './validator-contract';

/**
 * "Discovery item validated before it moves to delivery": a workflow validator for transitions
 * into delivery statuses. A discovery item (by the project's track mapping, else its Track
 * field, else the configured discovery type names; enablers and spikes are left to the enabler
 * gate) passes only when its Discovery evidence meets the configured thresholds (interviews,
 * usability tests) and it was not invalidated. The rule configuration may name the issue types
 * it applies to instead.
 *
 * Cost: one storage request (settings, field ids, mapping, waivers, audit head) and one Jira
 * call (the issue with its type, project, evidence and track). Fails closed, never throws.
 */

const RULE_NAME = 'Dual Track: discovery validated before delivery';

const refuse = (errorMessage: string): ValidatorResult => ({ result: false, errorMessage });
const cannotCheck = (key: string, why: string) =>
  refuse(
    `${RULE_NAME}: the check for ${key} could not be completed, so the transition is refused. ${why}`,
  );

export function discoveryGate(args: unknown, context?: unknown): Promise<ValidatorResult> {
  return checkDiscoveryGate(args, VALIDATOR_RETRY, actorOf(context));
}

export async function checkDiscoveryGate(
  args: unknown,
  retry: RetryPolicy,
  actor?: string,
  now: Date = new Date(),
): Promise<ValidatorResult> {
  const parsed = ValidatorArgsSchema.safeParse(args);
  if (!parsed.success) {
    return refuse(
      `${RULE_NAME}: the validator was called without a usable issue (${describeConfigIssues(parsed.error).join('; ')}). The transition is refused; ask a Jira admin to check the workflow rule.`,
    );
  }
  const key = parsed.data.issue.key;
  const rule = parseRuleConfiguration(parsed.data.configuration);
  if (!rule.ok) {
    return refuse(
      `${RULE_NAME} is misconfigured on this transition (${rule.message}). The transition is refused; ask a Jira admin to edit the rule.`,
    );
  }
  if (rule.value.checks && !rule.value.checks.includes('discovery-validated')) {
    return { result: true };
  }
  try {
    const projectKey = ISSUE_KEY.test(key) ? key.slice(0, key.lastIndexOf('-')) : undefined;
    if (!projectKey) return cannotCheck(key, 'The issue key has no project part.');
    let context = await readEnforcementContext(projectKey);
    const jira = jiraAsApp(retry);
    const evidenceField = await appFieldId('discoveryEvidence', context.fields, jira);
    const ids: EnforcementFieldIds = {
      sprint: 'none',
      scopedOutcome: undefined,
      discoveryEvidence: evidenceField.id,
      track: context.fields.track,
      flagged: null,
    };
    const fields = ['issuetype', 'project', evidenceField.id, ...(ids.track ? [ids.track] : [])];
    const item = itemOf(await jira.getIssue(key, fields), ids);
    if (item.projectKey !== projectKey) context = await readEnforcementContext(item.projectKey);

    const named = rule.value.issueTypes;
    const track = named
      ? typeIsIn(item.typeName, named)
        ? 'discovery'
        : 'delivery'
      : trackOfItem(item, context.mapping, context.config);
    const verdict = assessReadiness({ ...item.facts, track }, context.config, {
      checks: ['discovery-validated'],
      issueTypes: named ? [] : context.config.gate.issueTypes,
    });
    if (verdict.ready) return { result: true };
    return blockOrWaive(
      {
        context,
        issue: { id: item.id, key: item.key },
        actor,
        now,
        source: 'validator:discovery-gate',
        rule: verdict.rule,
        missing: verdict.missing,
      },
      refuse(
        `${item.key} (${item.typeName}) is a discovery item that is not validated, so it cannot move to delivery. To fix: ${verdict.missing.join('; ')}.`,
      ),
    );
  } catch (error) {
    return cannotCheck(key, reasonFor(error));
  }
}

function reasonFor(error: unknown): string {
  if (isJiraError(error)) {
    if (error.kind === 'not-found') {
      return 'Jira says the issue does not exist or the app cannot see it.';
    }
    return `${explainJiraFailure(error)}.`;
  }
  if (error instanceof StoredValueError) {
    return `Dual Track's settings could not be read (${error.message}).`;
  }
  if (error instanceof AppFieldMissingError) return error.message;
  if (error instanceof z.ZodError) {
    return `Dual Track's settings are not valid (${describeConfigIssues(error).join('; ')}).`;
  }
  console.error(
    'discovery-gate: unexpected failure',
    error instanceof Error ? error.message : error,
  );
  return 'An unexpected error occurred in Dual Track; the details are in the app logs.';
}
