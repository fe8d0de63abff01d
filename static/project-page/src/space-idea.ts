import type { OverviewItem, ProjectOverview } from '@contract/project-overview';

/**
 * Whether a discovery item of the page is an idea of a connected JPD space: an idea of another
 * project than the page's and its board's (the page lists no other discovery items). The server
 * checks the space is connected before anything else.
 */
export function isSpaceIdea(item: OverviewItem, overview: ProjectOverview): boolean {
  if (item.kind !== 'idea') return false;
  const projectKey = item.key.slice(0, item.key.lastIndexOf('-'));
  const own = [overview.project.key, ...(overview.boardProjects ?? [])];
  return !own.includes(projectKey);
}
