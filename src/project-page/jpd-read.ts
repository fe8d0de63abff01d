import { ideasJql, ideaStage } from '../domain/jpd';
import type { ProjectItem } from '../domain/signals';
import { discoverySpaces } from '../jira/discovery-spaces';
import type { IssueReader } from '../jira/search';
import { searchInRankOrder } from '../jira/search-in-parts';
import { JPD_SPACE_TRACKS } from '../items/project-items';
import { collect, type ItemReader } from './item-reader';
import type { ProjectReads } from './project-reads';

/**
 * The open ideas of the Jira Product Discovery spaces a project connects (`jpd.spaceKeys`), as
 * discovery items of the page, as the viewer: the connected spaces they can browse (one project
 * search: JQL naming a project they cannot browse is refused), then one search over those
 * (`project in (...)`). Ideas JPD has dropped or delivered (status category Done) are not asked
 * for. No call when no space is connected.
 */

export async function readJpdIdeas(
  reader: ItemReader,
  spaceKeys: readonly string[],
  how: { readIssues?: IssueReader | undefined; rankFieldId?: string | undefined } = {},
): Promise<{ items: ProjectItem[]; evidenceText: Map<string, string> }> {
  const items: ProjectItem[] = [];
  const evidenceText = new Map<string, string>();
  if (spaceKeys.length === 0) return { items, evidenceText };
  const { spaces } = await discoverySpaces(reader.jira, spaceKeys);
  const jql = ideasJql(spaces.map((s) => s.key));
  if (!jql) return { items, evidenceText };
  const ideas = { ...reader, tracks: JPD_SPACE_TRACKS };
  const keepOpen = (item: ProjectItem) =>
    item.statusCategory !== 'done' && ideaStage(item.status, item.statusCategory) !== 'dropped';
  const onPage = collect(ideas, items, evidenceText, keepOpen);
  if (how.readIssues) {
    await how.readIssues(reader.jira, jql.ordered, reader.fields, onPage);
    return { items, evidenceText };
  }
  // A space of thousands of ideas is read as the project's own long sets are: in parallel parts
  // put back in rank order (search-in-parts.ts); a short one costs its pages as before.
  const rank = how.rankFieldId === undefined ? [] : [how.rankFieldId];
  const fields = [...new Set([...reader.fields, ...rank])];
  onPage(await searchInRankOrder(reader.jira, jql, fields, how.rankFieldId));
  return { items, evidenceText };
}

/** The page's reads with the connected spaces' ideas after the project's own discovery items. */
export function withJpdIdeas(
  reads: ProjectReads,
  jpd: { items: readonly ProjectItem[]; evidenceText: ReadonlyMap<string, string> },
): ProjectReads {
  if (jpd.items.length === 0) return reads;
  const known = new Set(reads.discovery.map((i) => i.key));
  return {
    ...reads,
    discovery: [...reads.discovery, ...jpd.items.filter((i) => !known.has(i.key))],
    evidenceText: new Map([...reads.evidenceText, ...jpd.evidenceText]),
  };
}
