import type { HistoryChange, HistoryField } from '../domain/retro';
import { changeTime, changelogPage, own } from '../jira/changelog';
import type { JiraGateway } from '../jira/jira-gateway';

/**
 * Issue history for the retro: POST /rest/api/3/changelog/bulkfetch, at most 1000 issues per
 * request and only the fields the retro rebuilds (status, Sprint, Scoped outcome), following
 * `nextPageToken` until the last page.
 */

export const CHANGELOG_ISSUES_PER_CALL = 1000;
const PAGE_SIZE = 1000;

export interface HistoryFieldIds {
  sprint: string;
  scopedOutcome: string | undefined;
}

/** The recorded changes of these issues' status, Sprint and Scoped outcome, by issue id. */
export async function loadHistory(
  jira: JiraGateway,
  issueIds: readonly string[],
  fields: HistoryFieldIds,
): Promise<{
  changes: Map<string, HistoryChange[]>;
  statusNames: Map<string, string>;
  requests: number;
}> {
  const byFieldId = new Map<string, HistoryField>([
    ['status', 'status'],
    [fields.sprint, 'sprint'],
    ...(fields.scopedOutcome ? [[fields.scopedOutcome, 'scopedOutcome'] as const] : []),
  ]);
  const changes = new Map<string, HistoryChange[]>();
  const statusNames = new Map<string, string>();
  let requests = 0;
  for (let i = 0; i < issueIds.length; i += CHANGELOG_ISSUES_PER_CALL) {
    const batch = issueIds.slice(i, i + CHANGELOG_ISSUES_PER_CALL);
    let nextPageToken: string | undefined;
    for (;;) {
      const page = await changelogPage(jira, {
        issueIdsOrKeys: batch,
        fieldIds: [...byFieldId.keys()],
        maxResults: PAGE_SIZE,
        nextPageToken,
      });
      requests += 1;
      for (const log of page.issueChangeLogs ?? []) {
        const list = changes.get(log.issueId) ?? [];
        for (const history of log.changeHistories ?? []) {
          const at = changeTime(history.created);
          for (const item of history.items ?? []) {
            const fieldId = own(item, 'fieldId');
            const field = fieldId === null ? undefined : byFieldId.get(fieldId);
            if (!field) continue;
            // Scoped outcome: the value's text; status and Sprint: ids.
            const text = field === 'scopedOutcome';
            const [from, fromString] = [own(item, 'from'), own(item, 'fromString')];
            const [to, toString] = [own(item, 'to'), own(item, 'toString')];
            if (field === 'status') {
              if (from && fromString) statusNames.set(from, fromString);
              if (to && toString) statusNames.set(to, toString);
            }
            list.push({ field, at, from: text ? fromString : from, to: text ? toString : to });
          }
        }
        changes.set(log.issueId, list);
      }
      const token = page.nextPageToken ?? undefined;
      if (token === undefined) break;
      nextPageToken = token;
    }
  }
  return { changes, statusNames, requests };
}
