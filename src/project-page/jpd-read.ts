import { ideasJql, ideaStage } from '../domain/jpd';
import type { ProjectItem } from '../domain/signals';
import { discoverySpaces } from '../jira/discovery-spaces';
import type { RawIssue } from '../jira/jira-gateway';
import type { IssueReader } from '../jira/search';
import { searchInRankOrder } from '../jira/search-in-parts';
import { JPD_SPACE_TRACKS } from '../items/project-items';
import { collect, keepRanks, type ItemReader } from './item-reader';
import type { ProjectReads } from './project-reads';

/**
 * The open ideas of the Jira Product Discovery spaces a project connects (`jpd.spaceKeys`), as
 * discovery items of the page, as the viewer: the connected spaces they can browse (one project
 * search: JQL naming a project they cannot browse is refused), then one search over those
 * (`project in (...)`). Ideas JPD has dropped or delivered (status category Done) are not asked
 * for. No call when no space is connected.
 */

/** The connected spaces' open ideas the page shows, and which spaces the read found. */
export interface JpdIdeas {
  items: ProjectItem[];
  evidenceText: Map<string, string>;
  /** Keys of the connected spaces the viewer may browse (those the search covered). */
  found: string[];
  /** The board's Rank value of each idea read, when the read asked for it. */
  rankOf?: Map<string, string>;
}

/** The open ideas among `issues` (JPD's ideas as the page's discovery items), in their order. */
export function ideasFrom(
  reader: ItemReader,
  issues: readonly RawIssue[],
  found: string[],
  rankFieldId?: string,
): JpdIdeas {
  const rankOf = new Map<string, string>();
  if (rankFieldId !== undefined) keepRanks(issues, rankFieldId, rankOf);
  const items: ProjectItem[] = [];
  const evidenceText = new Map<string, string>();
  const keepOpen = (item: ProjectItem) =>
    item.statusCategory !== 'done' && ideaStage(item.status, item.statusCategory) !== 'dropped';
  collect({ ...reader, tracks: JPD_SPACE_TRACKS }, items, evidenceText, keepOpen)(issues);
  return { items, evidenceText, found, ...(rankFieldId === undefined ? {} : { rankOf }) };
}

export async function readJpdIdeas(
  reader: ItemReader,
  spaceKeys: readonly string[],
  how: { readIssues?: IssueReader | undefined; rankFieldId?: string | undefined } = {},
): Promise<JpdIdeas> {
  if (spaceKeys.length === 0) return ideasFrom(reader, [], []);
  const { spaces } = await discoverySpaces(reader.jira, spaceKeys);
  const found = spaces.map((s) => s.key);
  const jql = ideasJql(found);
  if (!jql) return ideasFrom(reader, [], found);
  if (how.readIssues) {
    const read: RawIssue[] = [];
    await how.readIssues(reader.jira, jql.ordered, reader.fields, (issues) => read.push(...issues));
    return ideasFrom(reader, read, found);
  }
  // A space of thousands of ideas is read as the project's own long sets are: in parallel parts
  // put back in rank order (search-in-parts.ts); a short one costs its pages as before.
  const rank = how.rankFieldId === undefined ? [] : [how.rankFieldId];
  const fields = [...new Set([...reader.fields, ...rank])];
  const issues = await searchInRankOrder(reader.jira, jql, fields, how.rankFieldId);
  return ideasFrom(reader, issues, found);
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
