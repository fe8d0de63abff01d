import { z } from 'zod';
import { typeIsIn } from '../domain/track';
import { jiraAsApp, type RetryPolicy } from '../jira/jira-gateway';
import { kindOf, trackResolver } from '../items/project-items';
import { readSpikeCloseContext } from '../storage/spike-close-store';
import type { ValidatorResult } from './validator-contract';
import {
  allow,
  cannotCheck,
  decideInTime,
  openValidatorCall,
  reasonFor,
  refuse,
  VALIDATOR_RETRY,
} from './validator-kit';

/**
 * "Spike closes with what we learned": a workflow validator for transitions into Done. A spike
 * (the Spike issue type on the discovery track, by the project's track mapping, else the
 * configured discovery type names; or, when the rule's configuration names issue types, those)
 * passes only when its "what we learned / decision" note is recorded in the Dual Track issue
 * panel. Other items pass untouched. The rule needs no configuration.
 * More: docs/internals.md#validators-spike-close-gate-ts.
 */

export const SPIKE_CLOSE_RULE_NAME = 'Dual Track: spike closes with what we learned';

const IssueSchema = z
  .object({
    id: z.string(),
    key: z.string(),
    fields: z
      .object({
        issuetype: z.object({ id: z.string(), name: z.string() }).passthrough(),
        project: z.object({ key: z.string() }).passthrough(),
      })
      .passthrough(),
  })
  .passthrough();

export function spikeCloseGate(args: unknown): Promise<ValidatorResult> {
  return checkSpikeClose(args, VALIDATOR_RETRY);
}

export async function checkSpikeClose(args: unknown, retry: RetryPolicy): Promise<ValidatorResult> {
  const opened = openValidatorCall(SPIKE_CLOSE_RULE_NAME, args);
  if (!opened.ok) return opened.answer;
  const { key, rule } = opened.call;
  try {
    return await decideInTime(async (inFlight) => {
      const read = IssueSchema.safeParse(
        await jiraAsApp(retry, inFlight).getIssue(key, ['issuetype', 'project']),
      );
      if (!read.success) {
        return cannotCheck(
          SPIKE_CLOSE_RULE_NAME,
          key,
          'Jira answered without the issue’s type or project.',
        );
      }
      const issue = read.data;
      const type = issue.fields.issuetype;
      const context = await readSpikeCloseContext(issue.fields.project.key, issue.id);
      const applies = rule.issueTypes
        ? typeIsIn(type.name, rule.issueTypes)
        : kindOf(
            type.name,
            trackResolver(context.mapping, context.config.tracks.discoveryTypeNames).trackOf(
              type.id,
              type.name,
            ),
          ) === 'spike';
      if (!applies || context.note) return allow();
      return refuse(
        `${issue.key} (${type.name}) cannot be closed yet: its "What we learned / decision" note is missing. Write it in the Dual Track panel on the issue (what the spike found out and what was decided), then close the spike again.`,
      );
    });
  } catch (error) {
    return cannotCheck(SPIKE_CLOSE_RULE_NAME, key, reasonFor('spike-close-gate', error));
  }
}
