import type { ClosedSprintResult, ProjectItem } from '../domain/signals';
import { projectOfKey } from '../domain/entry-criteria';
import { sprintsOf } from '../items/project-items';
import type { RawIssue } from '../jira/jira-gateway';
import { searchByShape, shapeOf, type SearchShape } from '../jira/search-in-parts';
import { collect, inSprintRead, keepRanks, type ItemReader } from './item-reader';
import type { PageQuery } from './page-queries';
import { velocityTally, type VelocitySprints } from './velocity-read';

/**
 * The sets the page reads whole, from one search (page-queries.ts, `wholeSets`), sorted into
 * them the way their own queries would have chosen: open items of the discovery types; the
 * active sprint's delivery items and its finished discovery items; the recent closed sprints'
 * done items, which only velocity counts.
 */

export interface WholeSets {
  discovery: ProjectItem[];
  activeSprint: ProjectItem[];
  closedSprints: ClosedSprintResult[];
  /**
   * Issue type ids the read met on the project's own issues that its remembered types do not
   * name (another project on the board has types of its own, which the project's never name).
   */
  unknownTypes: Set<string>;
  /**
   * With `plan.own`: every issue of that project the search brought, in rank order, for the
   * reads folded into it (item-reads.ts): each picks its own items out.
   */
  ownIssues?: RawIssue[];
  /**
   * The same of every project the board shows (`ownIssues` and those of the others), for the
   * folded reads whose JQL names them all (page-queries.ts: ready, in progress).
   */
  boardIssues?: RawIssue[];
  /** With `plan.own.spaceKeys`: the issues of those connected JPD spaces, in rank order. */
  spaceIssues?: RawIssue[];
  /** What the search found, for the next load's plan (search-in-parts.ts, `searchByShape`). */
  shape?: SearchedShape | undefined;
  /** Jira refused the search with the folded reads: it was read without them. */
  foldsRefused?: boolean;
  /** How many of the search's issues are in the sets themselves (not only a folded read's). */
  base?: number;
  /** The Rank value of each discovery item, with `plan.rankFieldId` (backlog-read.ts merges by it). */
  rankOf?: Map<string, string>;
}

/** What a whole-sets search found (search-in-parts.ts), and its JQL condition (`query`). */
export type SearchedShape = SearchShape & { query: string };

export interface WholeSetsPlan {
  query: PageQuery | undefined;
  /** The page's project: only its issues' types are checked against `knownTypeIds`. */
  projectKey: string;
  discoveryTypeIds: readonly string[];
  /** Every issue type id of the project the page knows of (to notice a stale list). */
  knownTypeIds: ReadonlySet<string>;
  activeSprintIds: readonly number[];
  velocity: VelocitySprints;
  /** The board's Rank field: a long search is then read in parallel parts (search-in-parts.ts). */
  rankFieldId?: string | undefined;
  /**
   * Further reads come with the sets (`query` includes them: item-reads.ts), of `projectKey`
   * and of the JPD spaces `spaceKeys`: the further fields they need.
   */
  own?: { fields: readonly string[]; spaceKeys?: readonly string[] };
  /** What the last load's search found: the same search (`query`) is planned from it. */
  last?: (SearchShape & { query?: string | undefined }) | undefined;
}

const typeIdOf = (raw: RawIssue): string | undefined => {
  const type = raw.fields['issuetype'];
  return typeof type === 'object' && type !== null && 'id' in type ? String(type.id) : undefined;
};

/** An issue's status category key (`new`, `indeterminate`, `done`), as JQL's `statusCategory`. */
export const categoryOf = (raw: RawIssue): unknown => {
  const status = raw.fields['status'] as { statusCategory?: { key?: unknown } } | undefined;
  return status?.statusCategory?.key;
};

const isDone = (raw: RawIssue): boolean => categoryOf(raw) === 'done';

/**
 * The page queries' terms (page-queries.ts), told from an issue as Jira's search tells them: of
 * a discovery type (`issuetype in (…)`, by id), in one of the active sprints or of the recent
 * closed ones (`sprint in (…)`).
 */
export function queryTerms(
  reader: ItemReader,
  plan: {
    discoveryTypeIds: readonly string[];
    activeSprintIds: readonly number[];
    recentSprintIds?: readonly number[];
  },
) {
  const discoveryTypes = new Set(plan.discoveryTypeIds);
  const sprintField = reader.fieldIds.sprint;
  const inSprints = (ids: readonly number[] = []) => {
    const among = new Set(ids);
    return (raw: RawIssue): boolean =>
      sprintField !== undefined && sprintsOf(raw.fields[sprintField]).some((s) => among.has(s.id));
  };
  return {
    discoveryType: (raw: RawIssue): boolean => {
      const typeId = typeIdOf(raw);
      return typeId !== undefined && discoveryTypes.has(typeId);
    },
    inActiveSprint: inSprints(plan.activeSprintIds),
    inRecentSprint: inSprints(plan.recentSprintIds),
  };
}

/**
 * Reads the whole sets in one search (in parallel parts when long: search-in-parts.ts) and sorts
 * each issue into the sets it belongs to, in rank order.
 */
export async function readWholeSets(
  reader: ItemReader,
  plan: WholeSetsPlan,
  evidenceText: Map<string, string>,
): Promise<WholeSets> {
  const sets: WholeSets = {
    discovery: [],
    activeSprint: [],
    closedSprints: [],
    unknownTypes: new Set(),
  };
  const tally = velocityTally(plan.velocity);
  if (!plan.query) return { ...sets, closedSprints: tally.result() };
  const recentSprintIds = plan.velocity.recent.map((s) => s.id);
  const terms = queryTerms(reader, { ...plan, recentSprintIds });
  const toDiscovery = collect(reader, sets.discovery, evidenceText);
  const toSprint = collect(reader, sets.activeSprint, evidenceText, inSprintRead);
  const rank = plan.rankFieldId === undefined ? [] : [plan.rankFieldId];
  const extra = plan.own?.fields ?? [];
  const fields = [...new Set([...reader.fields, ...tally.fields, ...rank, ...extra])];
  // Another search (a read folded in or out, another sprint) is read as a first one.
  const last = plan.last?.query === plan.query.where ? plan.last : undefined;
  const issues = await searchByShape(reader.jira, plan.query, fields, plan.rankFieldId, last);
  const found = shapeOf(issues);
  const shape = found ? { ...found, query: plan.query.where } : undefined;
  // A connected JPD space's ideas (folded into the search) are neither set: item-reads.ts.
  const spaces = new Set(plan.own?.spaceKeys ?? []);
  const ownIssues: RawIssue[] = [];
  const boardIssues: RawIssue[] = [];
  const spaceIssues: RawIssue[] = [];
  const rankOf = new Map<string, string>();
  let base = 0;
  for (const raw of issues) {
    const ofProject = projectOfKey(raw.key);
    if (spaces.has(ofProject)) {
      spaceIssues.push(raw);
      continue;
    }
    const typeId = typeIdOf(raw);
    boardIssues.push(raw);
    if (ofProject === plan.projectKey) {
      ownIssues.push(raw);
      if (typeId !== undefined && !plan.knownTypeIds.has(typeId)) sets.unknownTypes.add(typeId);
    }
    const inTrack = terms.discoveryType(raw) && !isDone(raw);
    if (inTrack || terms.inActiveSprint(raw) || (isDone(raw) && terms.inRecentSprint(raw))) {
      base += 1;
    }
    if (inTrack) {
      toDiscovery([raw]);
      if (plan.rankFieldId !== undefined) keepRanks([raw], plan.rankFieldId, rankOf);
    } else if (terms.inActiveSprint(raw)) toSprint([raw]);
  }
  tally.take(issues);
  const own = plan.own;
  if (!own) return { ...sets, closedSprints: tally.result(), shape, rankOf, base };
  return {
    ...sets,
    base,
    closedSprints: tally.result(),
    rankOf,
    ownIssues,
    boardIssues,
    shape,
    ...(own.spaceKeys ? { spaceIssues } : {}),
  };
}
