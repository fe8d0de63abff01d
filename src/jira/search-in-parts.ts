import type { JiraGateway, RawIssue } from './jira-gateway';
import { approximateCount, SEARCH_MAX_RESULTS, searchPage } from './search';

/**
 * A long JQL search in rank order, read in parallel parts when it is long: Jira pages a search
 * one after another (`nextPageToken`), so a set of thousands of issues costs its pages' latency
 * in a row. Past its first pages, the rest is split into disjoint ranges of issue id (JQL's
 * `id >= … AND id < …`), read at most PARALLEL_PARTS at a time, and put back in rank order by
 * the board's Rank field value. docs/costs.md ("Whole sets in parts") gives the figures.
 */

/**
 * Parts read at once. Forge's invocation limits name no cap on concurrent requests
 * (https://developer.atlassian.com/platform/forge/limits-invocation/); Jira's per-second limit
 * allows 100 searches a second (docs/emulator-rate-limits.md): 24 at 300 ms a call stay under it;
 * at 100 ms a call more than 20 parts pass it, and the gateway waits out the short Retry-After.
 */
export const PARALLEL_PARTS = 24;
/** Pages a part is sized to (a part ends on a partly filled page: fewer parts, fewer calls). */
const PART_PAGES = 2;
/** Issues with fields Jira returns a page (docs/costs.md, "Independent lower bound"). */
const PAGE_WITH_FIELDS = 100;
/**
 * Pages read one after another before anything else is asked: a search this short costs no
 * more calls than it did (the project page's read-everything baseline bounds its calls).
 */
export const FIRST_PAGES = 5;
/** Past its first pages, a rest this long or shorter is read on in one sequence. */
export const SEQUENTIAL_REST = 500;

export interface PartsQuery {
  /** The JQL condition (for the count and the parts). */
  where: string;
  /** The same in rank order (`… ORDER BY Rank ASC`). */
  ordered: string;
}

/**
 * The pages of `jql` from `nextPageToken` on (none: from the start), collected in order, up to
 * `maxPages`; `token` continues the search when it did not end.
 */
async function readOn(
  jira: JiraGateway,
  jql: string,
  fields: readonly string[],
  from: { nextPageToken?: string | undefined; maxPages?: number } = {},
): Promise<{ issues: RawIssue[]; token: string | undefined }> {
  const issues: RawIssue[] = [];
  let token = from.nextPageToken;
  let pages = 0;
  do {
    const page = await searchPage(jira, {
      jql,
      fields,
      maxResults: SEARCH_MAX_RESULTS,
      ...(token === undefined ? {} : { nextPageToken: token }),
    });
    pages += 1;
    const read = page.issues ?? [];
    issues.push(...read);
    token =
      page.isLast === true || read.length === 0 ? undefined : (page.nextPageToken ?? undefined);
  } while (token !== undefined && pages < (from.maxPages ?? Infinity));
  return { issues, token };
}

/**
 * About the lowest and highest issue id the search matches: those of its first and last issue
 * by key (a project numbers its issues as they are created, and Jira numbers ids the same way;
 * an issue moved in from another project breaks the match, which only makes parts less even).
 */
async function idSpan(jira: JiraGateway, where: string): Promise<[number, number] | undefined> {
  const end = async (direction: 'ASC' | 'DESC') => {
    const page = await searchPage(jira, {
      jql: `${where} ORDER BY key ${direction}`,
      fields: ['key'],
      maxResults: 1,
    });
    const id = Number(page.issues?.[0]?.id);
    return Number.isInteger(id) ? id : undefined;
  };
  const [oldest, newest] = await Promise.all([end('ASC'), end('DESC')]);
  return oldest === undefined || newest === undefined
    ? undefined
    : [Math.min(oldest, newest), Math.max(oldest, newest)];
}

/**
 * The JQL of `parts` disjoint id ranges splitting [low, high] evenly, the first and last open
 * ended (so that every issue is in exactly one, whatever ids it has), each without `skip`.
 */
export function partQueries(
  where: string,
  span: readonly [number, number],
  parts: number,
  skip: readonly number[],
): string[] {
  const [low, high] = span;
  const width = (high - low + 1) / parts;
  const bounds = Array.from({ length: parts - 1 }, (_, i) => Math.round(low + width * (i + 1)));
  return queriesBetween(where, bounds, skip);
}

/** The JQL of the id ranges between `bounds` (ascending), the first and last open ended. */
function queriesBetween(
  where: string,
  bounds: readonly number[],
  skip: readonly number[],
): string[] {
  return Array.from({ length: bounds.length + 1 }, (_, i) => {
    const from = i === 0 ? undefined : bounds[i - 1];
    const to = i === bounds.length ? undefined : bounds[i];
    const inRange = skip.filter(
      (id) => (from === undefined || id >= from) && (to === undefined || id < to),
    );
    const clauses = [
      `(${where})`,
      from === undefined ? undefined : `id >= ${from}`,
      to === undefined ? undefined : `id < ${to}`,
      inRange.length > 0 ? `id not in (${inRange.join(', ')})` : undefined,
    ].filter((c): c is string => c !== undefined);
    return `${clauses.join(' AND ')} ORDER BY Rank ASC`;
  });
}

/** Runs `tasks` at most `limit` at a time; the results in the tasks' order. */
async function bounded<T>(tasks: ReadonlyArray<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      const task = tasks[index];
      if (task) results[index] = await task();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/** Issues in rank order by their Rank value (a string in board order); unranked ones last. */
function inRankOrder(issues: readonly RawIssue[], rankFieldId: string): RawIssue[] {
  return inRankOrderBy(issues, (raw) => {
    const value = raw.fields[rankFieldId];
    return typeof value === 'string' ? value : undefined;
  });
}

/** Anything in rank order by its Rank value, unranked ones last, ties as they came. */
export function inRankOrderBy<T>(
  items: readonly T[],
  rankOf: (item: T) => string | undefined,
): T[] {
  return items
    .map((item, index) => ({ item, index, rank: rankOf(item) }))
    .sort((a, b) => {
      if (a.rank === b.rank) return a.index - b.index;
      if (a.rank === undefined) return 1;
      if (b.rank === undefined) return -1;
      return a.rank < b.rank ? -1 : 1;
    })
    .map((r) => r.item);
}

/**
 * Every issue `query` matches, in rank order. It is read as one search would, page after page,
 * except when the board's Rank field is known (`rankFieldId`, which `fields` must include) and
 * the search goes on past FIRST_PAGES pages: then, while the next page is read, the rest is
 * counted and the search's first and last issue by key asked for, and a rest of more than
 * SEQUENTIAL_REST issues is read in parts. A short search costs what it did.
 */
export async function searchInRankOrder(
  jira: JiraGateway,
  query: PartsQuery,
  fields: readonly string[],
  rankFieldId: string | undefined,
): Promise<RawIssue[]> {
  const first = await readOn(jira, query.ordered, fields, { maxPages: FIRST_PAGES });
  if (first.token === undefined) return first.issues;
  if (rankFieldId === undefined) {
    const more = await readOn(jira, query.ordered, fields, { nextPageToken: first.token });
    return [...first.issues, ...more.issues];
  }
  const [next, count, span] = await Promise.all([
    readOn(jira, query.ordered, fields, { nextPageToken: first.token, maxPages: 1 }),
    approximateCount(jira, query.where),
    idSpan(jira, query.where),
  ]);
  const read = [...first.issues, ...next.issues];
  if (next.token === undefined) return read;
  const rest = count - read.length;
  if (rest <= SEQUENTIAL_REST || span === undefined) {
    const more = await readOn(jira, query.ordered, fields, { nextPageToken: next.token });
    return [...read, ...more.issues];
  }
  const ids = read.map((raw) => Number(raw.id)).filter(Number.isInteger);
  const low = Math.min(span[0], ...ids);
  const high = Math.max(span[1], ...ids);
  const parts = Math.min(PARALLEL_PARTS, Math.ceil(rest / (PAGE_WITH_FIELDS * PART_PAGES)));
  const queries = partQueries(query.where, [low, high], Math.max(2, parts), ids);
  return readParts(jira, queries, fields, { rankFieldId, read });
}

/**
 * What a read of a search found, to plan its next read by: how many issues, their id span, and
 * the ids that cut them into its planned parts of equal size (`cuts`, ascending: ids are not
 * spread evenly, e.g. a JPD space's ideas created after the project's items).
 */
export interface SearchShape {
  size: number;
  low: number;
  high: number;
  cuts?: number[] | undefined;
}

/**
 * Pages a planned part is sized to: ten pages in a row take 2 s at 100 ms a call and 100 issues
 * a page (docs/costs.md, the latency model), within the page's 3 s at 10,000 items.
 */
export const PLANNED_PART_PAGES = 10;

/** Parts a search of `size` issues is read in by its plan (1: one sequence). */
export const plannedParts = (size: number): number =>
  Math.max(1, Math.min(PARALLEL_PARTS, Math.ceil(size / (PAGE_WITH_FIELDS * PLANNED_PART_PAGES))));

/**
 * Every issue `query` matches, in rank order, read by a plan made from what the last read found
 * (`last`): as one sequence when it fits PLANNED_PART_PAGES pages, else in id ranges cut where
 * the last read's ids cut it into equal shares (its span evenly when no cuts are known), read at
 * once; the first and last open ended, so an issue created since, or moved, is still read once.
 * No count and no ends are asked for. Without a shape or a Rank field, as searchInRankOrder.
 */
export async function searchByShape(
  jira: JiraGateway,
  query: PartsQuery,
  fields: readonly string[],
  rankFieldId: string | undefined,
  last: SearchShape | undefined,
): Promise<RawIssue[]> {
  if (!last || rankFieldId === undefined) {
    return searchInRankOrder(jira, query, fields, rankFieldId);
  }
  // One part is the whole search, page after page.
  const parts = plannedParts(last.size);
  const queries =
    last.cuts?.length === parts - 1
      ? queriesBetween(query.where, last.cuts, [])
      : partQueries(query.where, [last.low, last.high], parts, []);
  return readParts(jira, queries, fields, { rankFieldId, read: [] });
}

/**
 * The parts' JQL read at once (at most PARALLEL_PARTS at a time), added to the issues already
 * `read`, each issue once, in rank order.
 */
async function readParts(
  jira: JiraGateway,
  queries: readonly string[],
  fields: readonly string[],
  how: { rankFieldId: string; read: readonly RawIssue[] },
): Promise<RawIssue[]> {
  const partIssues = await bounded(
    queries.map((jql) => async () => (await readOn(jira, jql, fields)).issues),
    PARALLEL_PARTS,
  );
  const seen = new Set(how.read.map((raw) => raw.id));
  const more = partIssues.flat().filter((raw) => !seen.has(raw.id) && seen.add(raw.id));
  return inRankOrder([...how.read, ...more], how.rankFieldId);
}

/** The shape of what a search read (undefined when no issue has a numeric id). */
export function shapeOf(issues: readonly RawIssue[]): SearchShape | undefined {
  const ids = issues
    .map((raw) => Number(raw.id))
    .filter(Number.isInteger)
    .sort((a, b) => a - b);
  const low = ids[0];
  const high = ids[ids.length - 1];
  if (low === undefined || high === undefined) return undefined;
  const parts = plannedParts(issues.length);
  const cuts = Array.from(
    { length: parts - 1 },
    (_, i) => ids[Math.floor(((i + 1) * ids.length) / parts)] ?? high,
  );
  return { size: issues.length, low, high, ...(cuts.length > 0 ? { cuts } : {}) };
}
