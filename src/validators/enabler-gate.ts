import { z } from 'zod';
import { checkScopedOutcome, describeOutcomeProblem } from '../domain/readiness';
import { assessReadiness } from '../domain/sprint-readiness';
import { typeIsIn } from '../domain/track';
import { jiraAsApp, type RetryPolicy } from '../jira/jira-gateway';
import { readEnforcementContext } from '../storage/enforcement-store';
import { scopedOutcomeFieldId } from '../track/app-fields';
import { readScopedOutcome } from '../track/scoped-outcome-field';
import { actorOf, blockOrWaive } from './validator-audit';
import type { ValidatorResult } from './validator-contract';
import {
  allow,
  cannotCheck,
  openValidatorCall,
  reasonFor,
  refuse,
  VALIDATOR_RETRY,
} from './validator-kit';

/**
 * The enabler gate: a workflow validator for transitions into sprint-ready statuses. Enablers
 * and spikes (configurable) pass only with a complete scoped outcome; other types pass untouched.
 *
 * Cost of one decision: one storage request (configuration, project override and known field
 * ids together) and one Jira call (the issue with three fields). It fails closed: when it cannot
 * decide, it refuses and says why. It never throws.
 */

const RULE_NAME = 'Dual Track: scoped outcome before sprint';

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
  const opened = openValidatorCall(RULE_NAME, args);
  if (!opened.ok) return opened.answer;
  const { key, projectKey, modifiedFields, rule } = opened.call;

  try {
    let context = await readEnforcementContext(projectKey);
    const jira = jiraAsApp(retry);
    const field = await scopedOutcomeFieldId(context.fields, jira);
    const found = await jira.getIssue(key, ['issuetype', 'project', field.id]);

    const fields = IssueFieldsSchema.safeParse(found.fields);
    if (!fields.success) {
      return cannotCheck(
        RULE_NAME,
        key,
        'Jira did not return the issue type and project of the issue.',
      );
    }
    if (fields.data.project.key !== projectKey) {
      // The issue moved or its project was re-keyed: use that project's settings.
      context = await readEnforcementContext(fields.data.project.key);
    }
    const gatedTypes = rule.issueTypes ?? context.config.gate.issueTypes;
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
    const checks = rule.checks ?? ['scoped-outcome'];
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
    return cannotCheck(RULE_NAME, key, reasonFor('enabler-gate', error));
  }
}

const IssueFieldsSchema = z
  .object({
    issuetype: z.object({ name: z.string() }).passthrough(),
    project: z.object({ key: z.string() }).passthrough(),
  })
  .passthrough();
