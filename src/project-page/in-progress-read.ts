import type { ProjectItem } from '../domain/signals';
import type { RawIssue } from '../jira/jira-gateway';
import { approximateCount, pagesAdded, readUntil } from '../jira/search';
import { FOLD_MAX } from '../storage/page-cache-store';
import { collect, type ItemReader } from './item-reader';
import { categoryOf, queryTerms } from './whole-sets-read';
import type { PageQuery } from './page-queries';
import { LIST_LIMIT } from './project-reads';

/**
 * The in-progress column's read: delivery items in progress outside the active sprint, in rank
 * order, the first LIST_LIMIT of them and how many there are. Folded into the whole sets'
 * search (read-plan.ts), they are picked out of it instead of searched for apart.
 */

export interface InProgressRead {
  items: ProjectItem[];
  count: number;
  /** Picked out of the whole sets' search. */
  folded: boolean;
}

/**
 * Whether the next load reads the items in progress with the whole sets: at most FOLD_MAX of
 * them, and fewer calls so. Apart they cost a search, and a count past the list; together, the
 * pages they add to the whole sets' search, of `wholeSets` issues without them (undefined: no
 * such search). Adding no page, they add no round trip either.
 */
export function foldInProgressNext(wholeSets: number | undefined, inProgress: number): boolean {
  if (wholeSets === undefined || inProgress > FOLD_MAX) return false;
  const apart = inProgress > LIST_LIMIT ? 2 : 1;
  return pagesAdded(wholeSets, inProgress) < apart;
}

/** What the column is picked out of when it comes with the whole sets' search. */
export interface FoldedInProgress {
  /** The issues of the board's projects that search brought; none: it was not folded in. */
  issues: Promise<readonly RawIssue[] | undefined> | undefined;
  activeSprintIds: readonly number[];
  discoveryTypeIds: readonly string[];
}

/**
 * The column: picked out of the whole sets' search when it was folded into it and Jira took it,
 * else its first LIST_LIMIT read apart (project-reads.ts) and how many there are.
 */
export function readInProgress(
  reader: ItemReader,
  evidenceText: Map<string, string>,
  query: PageQuery,
  folded: FoldedInProgress,
): Promise<InProgressRead> {
  const apart = () => readFirst(reader, evidenceText, query, LIST_LIMIT);
  // Not folded, it is asked for at once, with the other reads.
  if (!folded.issues) return apart();
  return folded.issues.then((issues) =>
    issues ? inProgressAmong(reader, issues, folded, evidenceText) : apart(),
  );
}

/** The first `limit` items of a list in rank order, and how many the list holds. */
async function readFirst(
  reader: ItemReader,
  evidenceText: Map<string, string>,
  query: PageQuery,
  limit: number,
): Promise<InProgressRead> {
  const items: ProjectItem[] = [];
  const { complete } = await readUntil(
    reader.jira,
    query.ordered,
    reader.fields,
    limit,
    collect(reader, items, evidenceText),
    () => items.length >= limit,
  );
  const count = complete ? items.length : await approximateCount(reader.jira, query.where);
  return { items, count, folded: false };
}

/**
 * The items the in-progress query (page-queries.ts) chooses among the issues of the board's
 * projects that the whole sets' search brought, in its rank order, by its own terms: in the In
 * Progress category, of a type other than the discovery types, in none of the active sprints
 * (JQL's `sprint not in (…)` with `sprint is EMPTY`).
 */
export function inProgressAmong(
  reader: ItemReader,
  issues: readonly RawIssue[],
  plan: Pick<FoldedInProgress, 'activeSprintIds' | 'discoveryTypeIds'>,
  evidenceText: Map<string, string>,
): InProgressRead {
  const terms = queryTerms(reader, plan);
  const chosen = issues.filter(
    (raw) =>
      categoryOf(raw) === 'indeterminate' &&
      !terms.discoveryType(raw) &&
      !terms.inActiveSprint(raw),
  );
  const items: ProjectItem[] = [];
  collect(reader, items, evidenceText)(chosen);
  // Every one of them is kept: the page lists the first LIST_LIMIT (build-overview.ts).
  return { items, count: items.length, folded: true };
}
