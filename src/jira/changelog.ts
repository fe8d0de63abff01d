import { route } from '@forge/api';
import { z } from 'zod';
import type { JiraGateway } from './jira-gateway';

/** Issue history: POST /rest/api/3/changelog/bulkfetch, and reading its change items. */

/** One changelog item (field, fieldId, from, to, ...): read field by field by each caller. */
export const ChangeItemSchema = z.record(z.string(), z.unknown());

/** A page of `POST /rest/api/3/changelog/bulkfetch`. */
const BulkChangelogPageSchema = z
  .object({
    issueChangeLogs: z
      .array(
        z
          .object({
            issueId: z.string(),
            changeHistories: z
              .array(
                z
                  .object({
                    created: z.union([z.string(), z.number()]),
                    items: z.array(ChangeItemSchema).optional(),
                  })
                  .passthrough(),
              )
              .optional(),
          })
          .passthrough(),
      )
      .optional(),
    nextPageToken: z.string().nullish(),
  })
  .passthrough();

export type ChangelogPage = z.infer<typeof BulkChangelogPageSchema>;

/**
 * One page of the changes of these issues (at most 1,000 issues a request) to the named fields:
 * POST /rest/api/3/changelog/bulkfetch (`nextPageToken` for the next page).
 */
export async function changelogPage(
  jira: JiraGateway,
  query: {
    issueIdsOrKeys: readonly string[];
    fieldIds: readonly string[];
    maxResults: number;
    nextPageToken?: string | undefined;
  },
): Promise<ChangelogPage> {
  return jira.request(BulkChangelogPageSchema, route`/rest/api/3/changelog/bulkfetch`, {
    method: 'POST',
    body: {
      issueIdsOrKeys: [...query.issueIdsOrKeys],
      fieldIds: [...query.fieldIds],
      maxResults: query.maxResults,
      ...(query.nextPageToken === undefined ? {} : { nextPageToken: query.nextPageToken }),
    },
  });
}

/**
 * A change item's own string property; absent or null is null. Read as a record: its `toString`
 * key would otherwise be found on Object.prototype when Jira leaves it out.
 */
export function own(item: Record<string, unknown>, key: string): string | null {
  const value = Object.hasOwn(item, key) ? item[key] : undefined;
  return typeof value === 'string' ? value : null;
}

/** When a change was made, as an ISO date (Jira sends "+0000" offsets or epoch seconds). */
export function changeTime(created: string | number): string {
  if (typeof created === 'number') return new Date(created * 1000).toISOString();
  const date = new Date(created.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(date.getTime()) ? created : date.toISOString();
}
