import type { RouteGroup } from '../jira-emulator';
import { issueTypeRoutes } from './issue-types';
import { issueWriteRoutes } from './issue-writes';
import { permissionRoutes } from './permissions';
import { searchRoutes } from './search';
import { agileRoutes } from './agile';
import { enforcementRoutes } from './enforcement';
import { changelogRoutes } from './changelog';
import { issueBulkRoutes } from './issue-bulk';
import { userRoutes } from './users';
import { groupRoutes } from './groups';
import { projectStatusRoutes } from './project-statuses';
import { projectSearchRoutes } from './project-search';

/** Every emulated endpoint group; each maps contract operationIds to handlers. */
export const ROUTE_GROUPS: RouteGroup[] = [
  permissionRoutes,
  issueTypeRoutes,
  issueWriteRoutes,
  searchRoutes,
  agileRoutes,
  enforcementRoutes,
  changelogRoutes,
  issueBulkRoutes,
  userRoutes,
  groupRoutes,
  projectStatusRoutes,
  projectSearchRoutes,
];
