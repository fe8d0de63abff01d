import { runSetup, setupStatus, type SetupInput } from '../setup/setup-action';
import type { ResolverGroup } from './all-resolvers';
import { projectOf, resolver, type Caller, type Requirement } from './resolver-kit';

/**
 * `setup/status` and `setup/run` for the project settings page. The project comes from Forge's
 * context only. Both need Administer Projects there; creating issue types or changing the issue
 * type scheme additionally needs Administer Jira, which the action checks when (and only when)
 * such a change is needed.
 */

const PROJECT_ADMIN: Requirement = {
  context: (caller) => ({ kind: 'project', projectKey: projectOf(caller).key }),
  permissions: ['ADMINISTER_PROJECTS'],
  because: 'Only project admins can set up Dual Track for this project.',
};

function inputOf(caller: Caller): SetupInput {
  return {
    jira: caller.jira,
    accountId: caller.accountId,
    project: projectOf(caller),
    now: caller.now,
  };
}

export const setupResolvers: ResolverGroup = {
  'setup/status': resolver('setup/status', [PROJECT_ADMIN], (caller) =>
    setupStatus(inputOf(caller)),
  ),
  'setup/run': resolver('setup/run', [PROJECT_ADMIN], (caller, payload) =>
    runSetup(inputOf(caller), payload),
  ),
};
