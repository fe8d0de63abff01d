import { assessReadiness } from '../domain/sprint-readiness';
import { typeIsIn } from '../domain/track';
import { itemOf, trackOfItem, withLoggedEvidence } from '../items/item-facts';
import { type EnforcementFieldIds } from '../items/site-fields';
import { jiraAsApp, type RetryPolicy } from '../jira/jira-gateway';
import { readEnforcementContext } from '../storage/enforcement-store';
import { appFieldId } from '../items/app-fields';
import { actorOf, blockOrWaive } from './validator-audit';
import type { ValidatorResult } from './validator-contract';
import {
  allow,
  cannotCheck,
  decideInTime,
  openValidatorCall,
  reasonFor,
  refuse,
  toFix,
  VALIDATOR_RETRY,
} from './validator-kit';

/**
 * "Discovery item validated before it moves to delivery": a workflow validator for transitions
 * into delivery statuses. A discovery item passes only when its evidence meets the configured
 * thresholds and it was not invalidated.
 * More: docs/internals.md#validators-discovery-gate-ts.
 */

const RULE_NAME = 'Dual Track: discovery validated before delivery';

export function discoveryGate(args: unknown, context?: unknown): Promise<ValidatorResult> {
  return checkDiscoveryGate(args, VALIDATOR_RETRY, actorOf(context));
}

export async function checkDiscoveryGate(
  args: unknown,
  retry: RetryPolicy,
  actor?: string,
  now: Date = new Date(),
): Promise<ValidatorResult> {
  const opened = openValidatorCall(RULE_NAME, args);
  if (!opened.ok) return opened.answer;
  const { key, projectKey, rule } = opened.call;
  if (rule.checks && !rule.checks.includes('discovery-validated')) return allow();
  try {
    return await decideInTime(async (inFlight) => {
      let context = await readEnforcementContext(projectKey);
      const jira = jiraAsApp(retry, inFlight);
      const evidenceField = await appFieldId('discoveryEvidence', context.fields, jira);
      const ids: EnforcementFieldIds = {
        // Stryker disable next-line StringLiteral: equivalent, no field of the answer has either id
        sprint: 'none',
        scopedOutcome: undefined,
        discoveryEvidence: evidenceField.id,
        track: context.fields.track,
        entryTriage: undefined,
        flagged: null,
      };
      const fields = ['issuetype', 'project', evidenceField.id, ...(ids.track ? [ids.track] : [])];
      let item = itemOf(await jira.getIssue(key, fields), ids);
      if (item.projectKey !== projectKey) context = await readEnforcementContext(item.projectKey);

      const named = rule.issueTypes;
      const track = named
        ? typeIsIn(item.typeName, named)
          ? 'discovery'
          : // Stryker disable next-line StringLiteral: equivalent, only 'discovery' is judged here
            'delivery'
        : trackOfItem(item, context.mapping, context.config);
      if (track === 'discovery') item = (await withLoggedEvidence([item], () => true))[0] ?? item;
      const verdict = assessReadiness({ ...item.facts, track }, context.config, {
        checks: ['discovery-validated'],
        // No type is gated by scoped outcome when the rule names its own types.
        // Stryker disable next-line ArrayDeclaration: equivalent for any list without the type
        issueTypes: named ? [] : context.config.gate.issueTypes,
      });
      if (verdict.ready) return allow();
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
          `${item.key} (${item.typeName}) is a discovery item that is not validated, so it cannot move to delivery. ${toFix(verdict.missing)}`,
        ),
      );
    });
  } catch (error) {
    return cannotCheck(RULE_NAME, key, reasonFor('discovery-gate', error));
  }
}
