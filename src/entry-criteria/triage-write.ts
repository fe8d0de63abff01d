import { describeTriage, type Triage, type TriageInput } from '../domain/entry-criteria';
import { explainJiraFailure, isJiraError } from '../jira/errors';
import { editIssue } from '../jira/issues';
import type { JiraGateway } from '../jira/jira-gateway';
import { readProjectContext } from '../storage/project-context';
import { appFieldIds } from '../items/app-fields';

/**
 * Sets an issue's Entry triage field as the user (the resolver has checked Edit issues; Jira
 * checks it again, and that the field is on the issue's edit screen):
 * More: docs/internals.md#entry-criteria-triage-write-ts.
 */

export type TriageAnswer =
  | { ok: true; triage: Triage; text: string }
  | { ok: false; code: 'unsupported' | 'jira-error'; message: string };

/** The stored value of a checked input: the reason only when there is one. */
export function triageValue(input: TriageInput): Triage {
  const reason = input.reason?.trim();
  return {
    uncertainty: input.uncertainty,
    risk: input.risk,
    ...(reason ? { reason } : {}),
  };
}

export async function saveTriage(args: {
  jira: JiraGateway;
  issueKey: string;
  projectKey: string;
  input: TriageInput;
}): Promise<TriageAnswer> {
  const { jira, issueKey } = args;
  const decision = await readProjectContext(args.projectKey);
  const { ids } = await appFieldIds(['entryTriage'], decision.fields, jira);
  const fieldId = ids.entryTriage;
  if (!fieldId) {
    return {
      ok: false,
      code: 'unsupported',
      message:
        'The app’s Entry triage field is not on this Jira site, so uncertainty and risk cannot be saved. Reinstalling or upgrading Dual Track registers it.',
    };
  }
  const triage = triageValue(args.input);
  try {
    await editIssue(jira, issueKey, { fields: { [fieldId]: triage } });
  } catch (error) {
    if (isJiraError(error) && error.kind === 'bad-request') {
      return {
        ok: false,
        code: 'jira-error',
        message: `Jira did not save the Entry triage of ${issueKey}: ${explainJiraFailure(error)}. If it says the field cannot be set, a Jira admin needs to add the Entry triage field to this issue type's edit screen.`,
      };
    }
    throw error;
  }
  return { ok: true, triage, text: describeTriage(triage) };
}
