import { projectOfIssueKey } from '../jira/jira-gateway';
import {
  changeEvidenceLog,
  listEvidence,
  type ChangeResult,
  type IssueRef,
} from '../evidence/evidence-service';
import type { EvidenceChange } from '../domain/evidence-log';
import type { ResolverGroup } from './all-resolvers';
import { fail, issueOf, resolver, type Caller, type Requirement } from './resolver-kit';

/**
 * The evidence log of the issue the panel runs on (from Forge's context, never the payload).
 * Reading needs Browse projects on the issue; changing it also needs Edit issues. Jira answers
 * 404 to a permission check on an issue the user cannot see, so such a user gets `not-found`
 * and no data.
 */

const canBrowse: Requirement = {
  context: (caller) => ({ kind: 'issue', issueKey: issueOf(caller).key }),
  permissions: ['BROWSE_PROJECTS'],
  because: 'You need the Browse projects permission on this issue to see its evidence.',
};

const canEdit: Requirement = {
  context: (caller) => ({ kind: 'issue', issueKey: issueOf(caller).key }),
  permissions: ['BROWSE_PROJECTS', 'EDIT_ISSUES'],
  because: 'You need the Edit issues permission on this issue to change its evidence.',
};

/** The project whose settings apply: Forge's project context, else the issue key's project. */
export function projectKeyOf(caller: Caller, issue: IssueRef): string {
  const fromContext = caller.context.extension?.project?.key;
  if (fromContext) return fromContext;
  return (
    projectOfIssueKey(issue.key) ??
    fail('invalid-input', 'This action needs a Jira project context.')
  );
}

async function change(caller: Caller, what: EvidenceChange) {
  const issue = issueOf(caller);
  const result: ChangeResult = await changeEvidenceLog(
    { accountId: caller.accountId, now: caller.now },
    issue,
    projectKeyOf(caller, issue),
    what,
    caller.jira,
  );
  if (!result.ok) return fail(result.code, result.message, result.details);
  return {
    entryId: result.entryId,
    evidence: result.evidence,
    summaryField: result.summaryField,
  };
}

export const evidenceResolvers: ResolverGroup = {
  'evidence/list': resolver('evidence/list', [canBrowse], async (caller) => {
    const issue = issueOf(caller);
    return listEvidence(issue, projectKeyOf(caller, issue));
  }),
  'evidence/add': resolver('evidence/add', [canEdit], (caller, payload) =>
    change(caller, { kind: 'add', entry: payload.entry }),
  ),
  'evidence/update': resolver('evidence/update', [canEdit], (caller, payload) =>
    change(caller, { kind: 'update', id: payload.id, entry: payload.entry }),
  ),
  'evidence/remove': resolver('evidence/remove', [canEdit], (caller, payload) =>
    change(caller, { kind: 'remove', id: payload.id }),
  ),
  'evidence/restore': resolver('evidence/restore', [canEdit], (caller, payload) =>
    change(caller, { kind: 'restore', id: payload.id }),
  ),
  'evidence/decide': resolver('evidence/decide', [canEdit], (caller, payload) =>
    change(caller, { kind: 'decide', invalidated: payload.invalidated, reason: payload.reason }),
  ),
};
