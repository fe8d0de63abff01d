import { route } from '@forge/api';
import { z } from 'zod';
import type { JiraGateway } from './jira-gateway';
import { JPD_PROJECT_TYPE } from '../domain/jpd';

/**
 * The Jira Product Discovery spaces whoever the gateway acts for can browse: GET
 * /rest/api/3/project/search with `typeKey=product_discovery` and `action=browse`. The answer is
 * filtered by `projectTypeKey` too, since the parameter's text lists only the other types.
 */

/** A page of `GET /rest/api/3/project/search`, as every caller of it reads one. */
export const ProjectPageSchema = z
  .object({
    values: z.array(
      z
        .object({
          id: z.string(),
          key: z.string(),
          name: z.string(),
          projectTypeKey: z.string().optional(),
        })
        .passthrough(),
    ),
    isLast: z.boolean().optional(),
  })
  .passthrough();

export interface DiscoverySpace {
  id: string;
  key: string;
  name: string;
}

/** At most this many spaces are listed (one page); `more` says when there are others. */
export const SPACES_PAGE = 50;

export async function discoverySpaces(
  jira: JiraGateway,
  keys: readonly string[] = [],
): Promise<{ spaces: DiscoverySpace[]; more: boolean }> {
  const query = new URLSearchParams({
    typeKey: JPD_PROJECT_TYPE,
    action: 'browse',
    maxResults: String(SPACES_PAGE),
  });
  for (const key of keys.slice(0, SPACES_PAGE)) query.append('keys', key);
  const answer = await jira.request(ProjectPageSchema, route`/rest/api/3/project/search?${query}`);
  const spaces = answer.values
    .filter((p) => p.projectTypeKey === undefined || p.projectTypeKey === JPD_PROJECT_TYPE)
    .map((p) => ({ id: p.id, key: p.key, name: p.name }));
  return { spaces, more: answer.isLast === false };
}
