import { sharedProjectOverview } from '../project-page/shared-overview';
import type { ResolverGroup } from './all-resolvers';
import { projectOf, requirePermissions, resolver, type Requirement } from './resolver-kit';

/**
 * `project/overview` for the project page: both tracks and the signals of the project the page
 * runs in (Forge's context, never the payload). Needs Browse projects there; every Jira read
 * is made as the user, so the page shows only what they may see (a page shared between viewers
 * only with those who see the same items: src/project-page/shared-overview.ts).
 */

const CAN_BROWSE: Requirement = {
  context: (caller) => ({ kind: 'project', projectKey: projectOf(caller).key }),
  permissions: ['BROWSE_PROJECTS'],
  because:
    'You need the Browse projects permission on this project to see its dual-track overview.',
};

export const projectResolvers: ResolverGroup = {
  // Browse is checked by sharedProjectOverview: by Jira's answer to the viewer's first search,
  // or with CAN_BROWSE before a load that is not shared.
  'project/overview': resolver('project/overview', [], (caller) =>
    sharedProjectOverview({ jira: caller.jira, project: projectOf(caller), now: caller.now }, () =>
      requirePermissions(caller, CAN_BROWSE),
    ),
  ),
};
