import { route } from '@forge/api';
import { z } from 'zod';
import { lastStartBefore, type StatusChange } from '../domain/item-checklist';
import type { StatusCategory } from '../domain/signals';
import { BulkChangelogPageSchema } from '../jira/changelog-page';
import type { JiraGateway } from '../jira/jira-gateway';

/**
 * When a done spike last started, for its final timebox figure. Jira keeps only the date of the
 * latest status category change (the close, for a done spike), so the start comes from its
 * history: as the calling user,
 *
 *   POST /rest/api/3/changelog/bulkfetch   the spike's status changes (one page of 1,000 holds
 *                                          any real spike's; further pages are followed, at most 5)
 *   GET /rest/api/3/project/{key}/statuses the categories of the project's statuses
 *
 * in parallel. Only a done spike's panel asks.
 */

const MAX_PAGES = 5;

const ProjectStatusesSchema = z.array(
  z
    .object({
      statuses: z.array(
        z
          .object({
            id: z.string(),
            statusCategory: z.object({ key: z.string() }).passthrough().optional(),
          })
          .passthrough(),
      ),
    })
    .passthrough(),
);

/** An item's own string property (its `toString` key would otherwise be Object.prototype's). */
function own(item: Record<string, unknown>, key: string): string | null {
  const value = Object.hasOwn(item, key) ? item[key] : undefined;
  return typeof value === 'string' ? value : null;
}

function isoOf(created: string | number): string {
  if (typeof created === 'number') return new Date(created * 1000).toISOString();
  const date = new Date(created.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(date.getTime()) ? created : date.toISOString();
}

const CATEGORIES: ReadonlySet<string> = new Set(['new', 'indeterminate', 'done']);

async function statusChanges(jira: JiraGateway, issueId: string): Promise<StatusChange[]> {
  const changes: StatusChange[] = [];
  let nextPageToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await jira.request(
      BulkChangelogPageSchema,
      route`/rest/api/3/changelog/bulkfetch`,
      {
        method: 'POST',
        body: {
          issueIdsOrKeys: [issueId],
          fieldIds: ['status'],
          maxResults: 1000,
          ...(nextPageToken === undefined ? {} : { nextPageToken }),
        },
      },
    );
    for (const log of answer.issueChangeLogs ?? []) {
      if (log.issueId !== issueId) continue;
      for (const history of log.changeHistories ?? []) {
        for (const item of history.items ?? []) {
          if (own(item, 'fieldId') !== 'status') continue;
          changes.push({
            at: isoOf(history.created),
            from: own(item, 'from'),
            to: own(item, 'to'),
          });
        }
      }
    }
    nextPageToken = answer.nextPageToken ?? undefined;
    if (nextPageToken === undefined) break;
  }
  return changes;
}

async function statusCategories(
  jira: JiraGateway,
  projectKey: string,
): Promise<Map<string, StatusCategory>> {
  const types = await jira.request(
    ProjectStatusesSchema,
    route`/rest/api/3/project/${projectKey}/statuses`,
  );
  const categories = new Map<string, StatusCategory>();
  for (const type of types) {
    for (const status of type.statuses) {
      const key = status.statusCategory?.key;
      if (key && CATEGORIES.has(key)) categories.set(status.id, key as StatusCategory);
    }
  }
  return categories;
}

/** When the done spike last entered an in-progress status before `closedAt`; undefined if never. */
export async function spikeStartBeforeClose(
  jira: JiraGateway,
  issue: { id: string; projectKey: string },
  closedAt: string,
): Promise<string | undefined> {
  const [changes, categories] = await Promise.all([
    statusChanges(jira, issue.id),
    statusCategories(jira, issue.projectKey),
  ]);
  return lastStartBefore(changes, categories, closedAt);
}
