import { z } from 'zod';
import { describeConfigIssues } from '../domain/config';
import { checkScopedOutcome, describeOutcomeProblem } from '../domain/readiness';
import { typeIsIn } from '../domain/track';
import { explainJiraFailure, isJiraError } from '../jira/errors';
import { ISSUE_KEY, jiraAsApp, type RetryPolicy } from '../jira/jira-gateway';
import { readEnforcementContext } from '../storage/enforcement-store';
import { assessReadiness } from '../domain/sprint-readiness';
import { blockOrWaive, actorOf } from './validator-audit';
import { StoredValueError } from '../storage/kvs-store';
import { AppFieldMissingError, scopedOutcomeFieldId } from '../track/app-fields';
import { readScopedOutcome } from '../track/scoped-outcome-field';
import {
  parseRuleConfiguration,
  ValidatorArgsSchema,
  type ValidatorResult,
} from './validator-contract';

/**
 * The enabler gate: a workflow validator for transitions into sprint-ready statuses. Enablers
 * and spikes (configurable) pass only with a complete scoped outcome; other types pass untouched.
 *
 * Cost of one decision: one storage request (configuration, project override and known field
 * ids together) and one Jira call (the issue with three fields). It fails closed: when it cannot
 * decide, it refuses and says why. It never throws.
 */

const RULE_NAME = 'Dual Track: scoped outcome before sprint';

export const VALIDATOR_RETRY: RetryPolicy = {
  maxRetries: 2,
  maxWaitSeconds: 3,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

const allow = (): ValidatorResult => ({ result: true });
const refuse = (errorMessage: string): ValidatorResult => ({ result: false, errorMessage });

function cannotCheck(key: string, why: string): ValidatorResult {
  return refuse(
    `${RULE_NAME}: the check for ${key} could not be completed, so the transition is refused. ${why}`,
  );
}

/** The handler Forge invokes: `(payload, context)`; the context may name the user. */
export function enablerGate(args: unknown, context?: unknown): Promise<ValidatorResult> {
  return checkEnablerGate(args, VALIDATOR_RETRY, actorOf(context));
}

export async function checkEnablerGate(
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
  const { issue, modifiedFields } = parsed.data;
  const key = issue.key;

  const rule = parseRuleConfiguration(parsed.data.configuration);
  if (!rule.ok) {
    return refuse(
      `${RULE_NAME} is misconfigured on this transition (${rule.message}). The transition is refused; ask a Jira admin to edit the rule.`,
    );
  }

  try {
    const projectKey = ISSUE_KEY.test(key) ? key.slice(0, key.lastIndexOf('-')) : undefined;
    if (!projectKey) return cannotCheck(key, 'The issue key has no project part.');
    let context = await readEnforcementContext(projectKey);
    const jira = jiraAsApp(retry);
    const field = await scopedOutcomeFieldId(context.fields, jira);
    const found = await jira.getIssue(key, ['issuetype', 'project', field.id]);

    const fields = IssueFieldsSchema.safeParse(found.fields);
    if (!fields.success) {
      return cannotCheck(key, 'Jira did not return the issue type and project of the issue.');
    }
    if (fields.data.project.key !== projectKey) {
      // The issue moved or its project was re-keyed: use that project's settings.
      context = await readEnforcementContext(fields.data.project.key);
    }
    const gatedTypes = rule.value.issueTypes ?? context.config.gate.issueTypes;
    const typeName = fields.data.issuetype.name;
    if (!typeIsIn(typeName, gatedTypes)) return allow();

    if (!(field.id in found.fields) && !(modifiedFields && field.id in modifiedFields)) {
      // Jira leaves out a field that has no context for this project and issue type.
      return refuse(
        `${found.key} (${typeName}) must have a scoped outcome before it can enter a sprint, but the Scoped outcome field is not available on ${typeName} issues in this project (its field context or screens leave it out). A Jira admin should add the Scoped outcome field back to this project; until then the transition is refused.`,
      );
    }
    const reading = readScopedOutcome(found.fields, field.id, modifiedFields);
    if (reading.kind === 'unreadable') {
      return refuse(
        `${found.key} (${typeName}) needs a scoped outcome before it can be planned into a sprint, but its Scoped outcome field could not be read (${reading.detail}). Re-enter the scoped outcome and try again.`,
      );
    }
    const outcome = reading.kind === 'present' ? reading.value : undefined;
    const checks = rule.value.checks ?? ['scoped-outcome'];
    const block = {
      context,
      issue: { id: found.id, key: found.key },
      actor,
      now,
      source: 'validator:enabler-gate',
    };
    if (checks.includes('scoped-outcome')) {
      const check = checkScopedOutcome(outcome, context.config.scopedOutcome);
      if (!check.ready) {
        const fixes = check.problems.map(describeOutcomeProblem);
        const lead =
          reading.kind === 'empty'
            ? `${found.key} (${typeName}) has no scoped outcome yet`
            : `${found.key} (${typeName}) has an incomplete scoped outcome`;
        return blockOrWaive(
          { ...block, rule: 'scoped-outcome', missing: fixes },
          refuse(`${lead}, so it cannot enter a sprint. To fix: ${fixes.join('; ')}.`),
        );
      }
    }
    if (checks.includes('spike-timebox')) {
      const verdict = assessReadiness(
        { typeName, track: 'discovery', scopedOutcome: outcome, evidence: undefined },
        context.config,
        { checks: ['spike-timebox'], issueTypes: gatedTypes },
      );
      if (!verdict.ready) {
        return blockOrWaive(
          { ...block, rule: verdict.rule, missing: verdict.missing },
          refuse(
            `${found.key} (${typeName}) cannot enter a sprint without a bounded timebox. To fix: ${verdict.missing.join('; ')}.`,
          ),
        );
      }
    }
    return allow();
  } catch (error) {
    return cannotCheck(key, reasonFor(error));
  }
}

const IssueFieldsSchema = z
  .object({
    issuetype: z.object({ name: z.string() }).passthrough(),
    project: z.object({ key: z.string() }).passthrough(),
  })
  .passthrough();

function reasonFor(error: unknown): string {
  if (isJiraError(error)) {
    if (error.kind === 'not-found') {
      return 'Jira says the issue does not exist or the app cannot see it (it may have been deleted, or the app lacks Browse permission on the project).';
    }
    if (error.kind === 'rate-limited') {
      return `${explainJiraFailure(error)}. Try the transition again in a moment.`;
    }
    return `${explainJiraFailure(error)}.`;
  }
  if (error instanceof StoredValueError) {
    return `Dual Track's settings could not be read (${error.message}). A Jira admin should open the Dual Track settings and save them again.`;
  }
  if (error instanceof AppFieldMissingError) return error.message;
  if (error instanceof z.ZodError) {
    return `Dual Track's settings are not valid (${describeConfigIssues(error).join('; ')}). A Jira admin should correct them in the Dual Track settings.`;
  }
  const message = error instanceof Error ? error.message : String(error);
  console.error('enabler-gate: unexpected failure', message);
  return 'An unexpected error occurred in Dual Track; the details are in the app logs.';
}
