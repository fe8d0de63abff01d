import { parseISO } from 'date-fns';
import type { Config } from '../domain/config';
import { idleBefore, type ProjectItem, type UnreadBacklog } from '../domain/signals';
import { approximateCount } from '../jira/search';
import { firstRanked, type ItemReader } from './item-reader';
import type { UnscopedBacklog } from './page-queries';
import { LIST_LIMIT } from './project-reads';

/**
 * The unscoped backlog, counted instead of read once it is long: spikes and enablers not started,
 * in no open sprint and without a waiver, with a part of their scoped outcome empty
 * (page-queries.ts, `unscopedBacklogQuery`). Each is unscoped and in the unscoped lane whatever
 * else it holds, so the page needs only its first LIST_LIMIT in rank order, its least recently
 * touched idle ones, and how many there are of each kind and idle: two lists and three counts,
 * in one round. Decision 13 (docs/decisions) says why and what it costs.
 */

/** From this many (found by the last load), the backlog is counted, not read with the track. */
export const COUNTED_BACKLOG_MIN = 500;

/** Whether an item is in the unscoped backlog: the query's condition, item by item. */
export function inUnscopedBacklog(
  item: ProjectItem,
  rules: Pick<Config['scopedOutcome'], 'requireSuccessMeasure' | 'requireBound'>,
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
  how: { rankFieldId: string; now: Date; idleDays: number; evidenceText: Map<string, string> },
): Promise<CountedBacklog> {
  const threshold = idleBefore(how.now, how.idleDays);
  const idle = `${query.where} AND updated < ${threshold}`;
  const rankOf = new Map<string, string>();
  const list = (jql: string) => firstRanked(reader, jql, { ...how, limit: LIST_LIMIT }, rankOf);
  const count = (jql: string | undefined) =>
    jql === undefined ? Promise.resolve(0) : approximateCount(reader.jira, jql);
  const [first, oldest, enablers, spikes, idleCount] = await Promise.all([
    list(query.ordered),
    list(`${idle} ORDER BY updated ASC, Rank ASC`),
    count(query.byKind.enabler),
    count(query.byKind.spike),
    count(idle),
  ]);
  const items = [...new Map([...first, ...oldest].map((i) => [i.key, i])).values()];
  const read = (kind: ProjectItem['kind']) => items.filter((i) => i.kind === kind).length;
  const idleRead = items.filter((i) => parseISO(i.updated).getTime() < threshold).length;
  // A count may lag the lists it is taken with: never below what was read.
  const unread = {
    enabler: Math.max(0, enablers - read('enabler')),
    spike: Math.max(0, spikes - read('spike')),
    idle: Math.max(0, idleCount - idleRead),
  };
  return { items, rankOf, unread, size: items.length + unread.enabler + unread.spike };
}
