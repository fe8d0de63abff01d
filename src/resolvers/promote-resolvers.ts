import { promoteToDelivery } from '../promote/promote';
import { promoteDraft } from '../promote/promote-draft';
import type { ResolverGroup } from './all-resolvers';
import { fail, issueOf, projectOf, resolver, type Requirement } from './resolver-kit';

/**
 * Promote the discovery item the panel runs on (Forge's context) to delivery items in its
 * project. The user creates and links the items, so Jira's own permissions apply as well.
 */

const canPromote: Requirement = {
  context: (caller) => ({ kind: 'issue', issueKey: issueOf(caller).key }),
  permissions: ['BROWSE_PROJECTS', 'CREATE_ISSUES', 'LINK_ISSUES'],
  because:
    'You need the Browse projects, Create issues and Link issues permissions in this project to promote an idea to delivery.',
};

export const promoteResolvers: ResolverGroup = {
  /** The form's starting point; the same permissions as promoting, as nothing else uses it. */
  'promote/draft': resolver('promote/draft', [canPromote], (caller) =>
    promoteDraft({ jira: caller.jira, discovery: issueOf(caller), project: projectOf(caller) }),
  ),
  'promote/run': resolver('promote/run', [canPromote], async (caller, payload) => {
    const answer = await promoteToDelivery({
      jira: caller.jira,
      discovery: issueOf(caller),
      project: projectOf(caller),
      items: payload.items,
      requestId: payload.requestId,
      accountId: caller.accountId,
      now: caller.now,
    });
    if (!answer.ok) return fail(answer.code, answer.message, answer.details);
    return answer.result;
  }),
};
