import type { ProjectItem } from '../domain/signals';
import type { JiraGateway, RawIssue } from '../jira/jira-gateway';
import { readUntil } from '../jira/search';
import {
  describeEvidence,
  toProjectItem,
  type ItemFieldIds,
  type TrackResolver,
} from '../items/project-items';

/** What turns search results into the page's items. */
export interface ItemReader {
  jira: JiraGateway;
  fields: string[];
  fieldIds: ItemFieldIds;
  tracks: TrackResolver;
}

/**
 * A page handler that turns each issue into an item (and its evidence text) in `into`. Done
 * items are dropped unless `keep` says otherwise (the active sprint's finished work).
 */
export function collect(
  reader: ItemReader,
  into: ProjectItem[],
  evidenceText: Map<string, string>,
  keep: (item: ProjectItem) => boolean = (item) => item.statusCategory !== 'done',
): (issues: readonly RawIssue[]) => void {
  return (issues) => {
    for (const raw of issues) {
      const { item, evidence } = toProjectItem(raw, reader.fieldIds, reader.tracks);
      // A search may see an item change under it; only what the read is for counts.
      if (!keep(item)) continue;
      into.push(item);
      const text = describeEvidence(evidence);
      if (text) evidenceText.set(item.key, text);
    }
  };
}

/**
 * What the active sprint read keeps: delivery items, done or not, and finished discovery items
 * (its open discovery items come with the discovery read).
 */
export const inSprintRead = (item: ProjectItem): boolean =>
  item.track === 'delivery' || item.statusCategory === 'done';

/** The plain read keeps what its JQL found: open items and the active sprint's done work. */
export const keptByPlainRead = (): boolean => true;

/** Keeps each issue's board Rank value (the `rankFieldId` field) in `rankOf`, by key. */
export function keepRanks(
  issues: readonly RawIssue[],
  rankFieldId: string,
  rankOf: Map<string, string>,
): void {
  for (const raw of issues) {
    const rank = raw.fields[rankFieldId];
    if (typeof rank === 'string') rankOf.set(raw.key, rank);
  }
}

/**
 * The first `limit` items a search (`jql`, with its order) finds, each one's board Rank value
 * kept in `rankOf` so that they can go among items read elsewhere.
 */
export async function firstRanked(
  reader: ItemReader,
  jql: string,
  how: { rankFieldId: string; evidenceText: Map<string, string>; limit: number },
  rankOf: Map<string, string>,
): Promise<ProjectItem[]> {
  const items: ProjectItem[] = [];
  const take = collect(reader, items, how.evidenceText);
  await readUntil(
    reader.jira,
    jql,
    [...new Set([...reader.fields, how.rankFieldId])],
    how.limit,
    (issues) => {
      keepRanks(issues, how.rankFieldId, rankOf);
      take(issues);
    },
    () => items.length >= how.limit,
  );
  return items.slice(0, how.limit);
}
