import { parseISO, startOfDay, subDays } from 'date-fns';
import type { Config } from '../domain/config';
import type { ProjectItem, UnreadBacklog } from '../domain/signals';
import { approximateCount, readUntil } from '../jira/search';
import type { RawIssue } from '../jira/jira-gateway';
import { collect, type ItemReader } from './item-reader';
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

/**
 * The first moment not idle: an item last touched before it has gone `idleDays` calendar days
 * (in the runtime's time zone, as openEndedSignal counts them) without a change.
 */
export function idleBefore(now: Date, idleDays: number): number {
  return startOfDay(subDays(now, idleDays - 1)).getTime();
}

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
  const idle = `${query.where} AND updated < ${idleBefore(how.now, how.idleDays)}`;
  const fields = [...new Set([...reader.fields, how.rankFieldId])];
  const rankOf = new Map<string, string>();
  const list = async (jql: string) => {
    const items: ProjectItem[] = [];
    const take = collect(reader, items, how.evidenceText);
    await readUntil(
      reader.jira,
      jql,
      fields,
      LIST_LIMIT,
      (issues) => {
        issues.forEach((raw) => rankOf.set(raw.key, rankValue(raw, how.rankFieldId)));
        take(issues);
      },
      () => items.length >= LIST_LIMIT,
    );
    return items.slice(0, LIST_LIMIT);
  };
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
  const threshold = idleBefore(how.now, how.idleDays);
  const idleRead = items.filter((i) => parseISO(i.updated).getTime() < threshold).length;
  // A count may lag the lists it is taken with: never below what was read.
  const unread = {
    enabler: Math.max(0, enablers - read('enabler')),
    spike: Math.max(0, spikes - read('spike')),
    idle: Math.max(0, idleCount - idleRead),
  };
  return { items, rankOf, unread, size: items.length + unread.enabler + unread.spike };
}

const rankValue = (raw: RawIssue, rankFieldId: string): string => {
  const value = raw.fields[rankFieldId];
  return typeof value === 'string' ? value : '';
};

/** Items of two lists in rank order merged into one in rank order (`rankOf` has every key). */
export function mergeByRank(
  a: readonly ProjectItem[],
  b: readonly ProjectItem[],
  rankOf: ReadonlyMap<string, string>,
): ProjectItem[] {
  const rank = (item: ProjectItem) => rankOf.get(item.key) ?? '';
  const merged: ProjectItem[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && rank(x) <= rank(y))) {
      if (x) merged.push(x);
      i++;
    } else {
      merged.push(y);
      j++;
    }
  }
  return merged;
}
