import { parseISO } from 'date-fns';
import type { Config } from '../domain/config';
import { idleBefore, idleFirst, type ProjectItem, type UnreadBacklog } from '../domain/signals';
import { approximateCount, pagesAdded } from '../jira/search';
import { firstRanked, type ItemReader } from './item-reader';
import type { PageQuery, UnscopedBacklog } from './page-queries';
import type { WholeSets } from './whole-sets-read';
import { LIST_LIMIT } from './project-reads';

/**
 * The unscoped backlog, counted instead of read once it is long: spikes and enablers not started,
 * in no open sprint and without a waiver, with a part of their scoped outcome empty
 * (page-queries.ts, `unscopedBacklogQuery`). Each is unscoped and in the unscoped lane whatever
 * else it holds, so the page needs only its first LIST_LIMIT in rank order, its least recently
 * touched idle ones, and how many there are of each kind and idle: two lists and three counts,
 * in one round. Decision 13 (docs/decisions) says why and what it costs.
 */

/**
 * From this many (found by the last load), the backlog is counted, not read with the track, when
 * the load cannot tell the calls apart (no whole sets' search to add its pages to).
 */
export const COUNTED_BACKLOG_MIN = 500;

const timeOf = (item: ProjectItem): number => parseISO(item.updated).getTime();

/**
 * The idle list's first LIST_LIMIT, folded into the whole sets' search: the backlog's items last
 * changed at `upTo` or before. The list runs least recently touched first, so whatever changed
 * since, they are its first items whenever at least LIST_LIMIT of them are left (a later change
 * takes an item out, never puts one in before them); with fewer, the list is read apart.
 */
export function idleFoldQuery(query: UnscopedBacklog, upTo: number): PageQuery {
  const where = `${query.where} AND updated <= ${upTo}`;
  return { where, ordered: `${where} ORDER BY Rank ASC` };
}

/**
 * The idle list's first items among `items` (the backlog's, in rank order), in its order; every
 * idle one given when at least LIST_LIMIT are, else undefined.
 */
function idleList(items: readonly ProjectItem[], threshold: number): ProjectItem[] | undefined {
  const idle = idleFirst(items, threshold);
  return idle.length >= LIST_LIMIT ? idle : undefined;
}

/**
 * Where the next load's idle fold ends: the LIST_LIMIT-th idle item's last change among the
 * backlog's items read (in rank order; they hold the idle list's first ones), and how many were
 * last changed no later. None with fewer idle items.
 */
export function idleFoldEnd(
  items: readonly ProjectItem[],
  threshold: number,
): { upTo: number; items: number } | undefined {
  const idle = idleList(items, threshold);
  const last = idle?.[LIST_LIMIT - 1];
  if (!idle || !last) return undefined;
  const upTo = timeOf(last);
  return { upTo, items: idle.filter((i) => timeOf(i) <= upTo).length };
}

/**
 * The whole sets without the backlog's items the idle fold brought (the open discovery items
 * its query's condition chooses, item by item), and those items, in rank order.
 */
export function withoutFolded(
  sets: WholeSets,
  counted: { rules: BacklogRules; queries: { waivedIds: readonly string[] } },
): { sets: WholeSets; folded: ProjectItem[] } {
  const waived = new Set(counted.queries.waivedIds);
  const folded = sets.discovery.filter((i) => inUnscopedBacklog(i, counted.rules, waived));
  const keys = new Set(folded.map((i) => i.key));
  return { sets: { ...sets, discovery: sets.discovery.filter((i) => !keys.has(i.key)) }, folded };
}

/** What the next load does with the unscoped backlog. */
export interface BacklogNext {
  /** Read with the track (not counted). */
  few: boolean;
  /** Counted with the idle list folded into the whole sets' search up to this last change. */
  idleUpTo?: number;
  /** The backlog's items that search will then bring. */
  inWholeSets: number;
}

/** What a load found of the unscoped backlog, for the next load's plan (`backlogNext`). */
export interface BacklogFound {
  /** How many items it holds. */
  size: number;
  /** Jira refused its count. */
  refused: boolean;
  /** Where an idle fold would end (`idleFoldEnd`); none: not to be folded. */
  idle: { upTo: number; items: number } | undefined;
  /** Its kinds counted apart (enablers, spikes). */
  kinds: number;
}

/**
 * Counted when that asks Jira no more than reading it with the track: its first list, a count
 * a kind and one of the idle ones, and the idle list unless it fits in the whole sets' last page
 * (`wholeSets`: that search's issues without the backlog); read, the pages its items add there.
 * Counting costs far fewer points, so a tie counts. Refused last time, it is read.
 */
export function backlogNext(found: BacklogFound & { wholeSets: number | undefined }): BacklogNext {
  const read = { few: true, inWholeSets: found.size };
  const { wholeSets, idle } = found;
  if (found.refused) return read;
  if (wholeSets === undefined) {
    return found.size < COUNTED_BACKLOG_MIN ? read : { few: false, inWholeSets: 0 };
  }
  const fits = idle !== undefined && pagesAdded(wholeSets, idle.items) === 0;
  const counting = 1 + found.kinds + 1 + (fits ? 0 : 1);
  if (counting > pagesAdded(wholeSets, found.size)) return read;
  return fits && idle
    ? { few: false, idleUpTo: idle.upTo, inWholeSets: idle.items }
    : { few: false, inWholeSets: 0 };
}

/** The readiness rules the backlog's query is built from. */
export type BacklogRules = Pick<Config['scopedOutcome'], 'requireSuccessMeasure' | 'requireBound'>;

/** Whether an item is in the unscoped backlog: the query's condition, item by item. */
export function inUnscopedBacklog(
  item: ProjectItem,
  rules: BacklogRules,
  waivedIds: ReadonlySet<string>,
): boolean {
  if (item.kind !== 'enabler' && item.kind !== 'spike') return false;
  if (item.statusCategory !== 'new' || item.sprint !== undefined) return false;
  if (item.id !== undefined && waivedIds.has(item.id)) return false;
  const scoped = item.scopedOutcome;
  const empty = (value: unknown) => value === undefined || value === null || value === '';
  if (empty(scoped?.outcome)) return true;
  if (rules.requireSuccessMeasure && empty(scoped?.successMeasure)) return true;
  if (item.kind === 'spike') return empty(scoped?.timeboxDays);
  return rules.requireBound && empty(scoped?.timeboxDays) && empty(scoped?.targetDate);
}

export interface CountedBacklog {
  /** Its first LIST_LIMIT in rank order and its first LIST_LIMIT idle ones, each once. */
  items: ProjectItem[];
  /** The board's Rank value of each item read, to put them among the track's. */
  rankOf: Map<string, string>;
  /** What the page counts but did not read. */
  unread: UnreadBacklog;
  /** How many items the backlog holds (the next load's plan). */
  size: number;
}

export async function readCountedBacklog(
  reader: ItemReader,
  query: UnscopedBacklog,
  how: {
    rankFieldId: string;
    now: Date;
    idleDays: number;
    evidenceText: Map<string, string>;
    /** The backlog's items the whole sets' search brought (the idle fold), in rank order. */
    folded?: Promise<readonly ProjectItem[]> | undefined;
  },
): Promise<CountedBacklog> {
  const threshold = idleBefore(how.now, how.idleDays);
  const idle = `${query.where} AND updated < ${threshold}`;
  const rankOf = new Map<string, string>();
  const list = (jql: string) => firstRanked(reader, jql, { ...how, limit: LIST_LIMIT }, rankOf);
  const count = (jql: string | undefined) =>
    jql === undefined ? Promise.resolve(0) : approximateCount(reader.jira, jql);
  const readIdle = () => list(`${idle} ORDER BY updated ASC, Rank ASC`);
  const [first, oldest, enablers, spikes, idleCount] = await Promise.all([
    list(query.ordered),
    how.folded ? how.folded.then((items) => idleList(items, threshold) ?? readIdle()) : readIdle(),
    count(query.byKind.enabler),
    count(query.byKind.spike),
    count(idle),
  ]);
  const items = [...new Map([...first, ...oldest].map((i) => [i.key, i])).values()];
  const read = (kind: ProjectItem['kind']) => items.filter((i) => i.kind === kind).length;
  const idleRead = idleFirst(items, threshold).length;
  // A count may lag the lists it is taken with: never below what was read.
  const unread = {
    enabler: Math.max(0, enablers - read('enabler')),
    spike: Math.max(0, spikes - read('spike')),
    idle: Math.max(0, idleCount - idleRead),
  };
  return { items, rankOf, unread, size: items.length + unread.enabler + unread.spike };
}
