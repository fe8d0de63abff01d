import { lastStartBefore, type StatusChange } from '../domain/item-checklist';
import type { StatusCategory } from '../domain/signals';
import { changeTime, changelogPage, own } from '../jira/changelog';
import { projectStatuses } from '../jira/projects';
import type { JiraGateway } from '../jira/jira-gateway';

/**
 * When a done spike last started, for its final timebox figure. Jira keeps only the date of the
 * latest status category change (the close, for a done spike), so the start comes from its
 * history: as the calling user,
 * More: docs/internals.md#issue-panel-spike-history-ts.
 */

const MAX_PAGES = 5;

const CATEGORIES: ReadonlySet<string> = new Set(['new', 'indeterminate', 'done']);

async function statusChanges(jira: JiraGateway, issueId: string): Promise<StatusChange[]> {
  const changes: StatusChange[] = [];
  let nextPageToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await changelogPage(jira, {
      issueIdsOrKeys: [issueId],
      fieldIds: ['status'],
      maxResults: 1000,
      nextPageToken,
    });
    for (const log of answer.issueChangeLogs ?? []) {
      if (log.issueId !== issueId) continue;
      for (const history of log.changeHistories ?? []) {
        for (const item of history.items ?? []) {
          if (own(item, 'fieldId') !== 'status') continue;
          changes.push({
            at: changeTime(history.created),
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
  const types = await projectStatuses(jira, projectKey);
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
