import { discoveryStage, idleBefore, idleFirst, type ProjectItem } from '../domain/signals';
import { isEngineeringDiscovery } from '../domain/discovery-lanes';
import { approximateCount } from '../jira/search';
import { firstRanked, type ItemReader } from './item-reader';
import { JPD_SPACE_TRACKS } from '../items/project-items';
import { LIST_LIMIT } from './project-reads';

/**
 * The connected JPD spaces' quiet ideas, counted instead of read once there are many: ideas in
 * a status the last load saw them in, in no sprint, with no evidence date and neither validated
 * nor invalidated, and in progress or with some evidence. Each sits in the validating column and
 * only the idle signal looks at it, so the page needs their count, their idle ones' count and
 * first LIST_LIMIT, and where the project's own ideas leave room in the column, their first
 * LIST_LIMIT in rank order. Decision 13 (docs/decisions) says why and what it costs.
 */

/** From this many quiet ideas (found by the last load), they are counted, not read. */
export const COUNTED_IDEAS_MIN = 300;

/** The Discovery evidence field's name and its properties' search aliases, as in manifest.yml. */
const EVIDENCE = '"Discovery evidence"';
const COUNTS = [
  'interviews',
  'usabilityTests',
  'prototypeReviews',
  'conciergeTests',
  'experiments',
];

/**
 * The quiet ideas' JQL condition (with the spaces' `where`); none without a status. Each clause
 * says what an empty value means, so that `NOT (…)` (the whole sets' read of the other ideas)
 * leaves no idea out whether Jira negates a clause on an empty value to a match or not.
 */
export function quietIdeasCondition(statuses: readonly string[]): string | undefined {
  if (statuses.length === 0) return undefined;
  const some = COUNTS.map((c) => `(${EVIDENCE}.${c} IS NOT EMPTY AND ${EVIDENCE}.${c} > 0)`);
  return [
    `status in (${statuses.map((s) => JSON.stringify(s)).join(', ')})`,
    'sprint is EMPTY',
    `${EVIDENCE}.latest IS EMPTY`,
    `(${EVIDENCE}.state IS EMPTY OR ${EVIDENCE}.state = "unvalidated")`,
    `(statusCategory = "In Progress" OR ${some.join(' OR ')})`,
  ].join(' AND ');
}

/**
 * Whether an idea of a connected space, as the page reads them (open, not dropped: jpd-read.ts),
 * is quiet, but for its status: the condition, item by item.
 */
export function isQuietIdea(item: ProjectItem): boolean {
  return (
    item.kind === 'idea' &&
    item.sprint === undefined &&
    item.latestEvidence === undefined &&
    item.validation !== 'validated' &&
    item.validation !== 'invalidated' &&
    discoveryStage(item) === 'validating'
  );
}

/**
 * Whether the project's own ideas, which the validating column lists ahead of the spaces', leave
 * room for the spaces' ideas in it.
 */
export const roomForIdeas = (discovery: readonly ProjectItem[]): boolean =>
  discovery.filter((i) => !isEngineeringDiscovery(i) && discoveryStage(i) === 'validating').length <
  LIST_LIMIT;

export interface QuietIdeas {
  /** Their first LIST_LIMIT in rank order (when asked for) and their most idle ones, each once. */
  items: ProjectItem[];
  rankOf: Map<string, string>;
  /** How many the query matches, and how many of them are idle. */
  counts: { all: number; idle: number };
  /** Where idleness starts (idleBefore). */
  idleFrom: number;
}

interface ListHow {
  rankFieldId: string;
  evidenceText: Map<string, string>;
}

/** The first LIST_LIMIT ideas of a search, with each one's Rank value in `rankOf`. */
const firstIdeas = (
  reader: ItemReader,
  jql: string,
  how: ListHow,
  rankOf: Map<string, string>,
): Promise<ProjectItem[]> =>
  firstRanked({ ...reader, tracks: JPD_SPACE_TRACKS }, jql, { ...how, limit: LIST_LIMIT }, rankOf);

const byKey = (items: readonly ProjectItem[]): ProjectItem[] => [
  ...new Map(items.map((i) => [i.key, i])).values(),
];

/**
 * The quiet ideas' count, their idle ones' count and first LIST_LIMIT (least recently touched
 * first, then by rank, as the idle signal orders them), and when `list`, their first LIST_LIMIT
 * in rank order: in one round.
 */
export async function readQuietIdeas(
  reader: ItemReader,
  where: string,
  how: ListHow & { list: boolean; now: Date; idleDays: number },
): Promise<QuietIdeas> {
  const idleFrom = idleBefore(how.now, how.idleDays);
  const idle = `${where} AND updated < ${idleFrom}`;
  const rankOf = new Map<string, string>();
  const [first, oldest, all, idleCount] = await Promise.all([
    how.list ? firstIdeas(reader, `${where} ORDER BY Rank ASC`, how, rankOf) : [],
    firstIdeas(reader, `${idle} ORDER BY updated ASC, Rank ASC`, how, rankOf),
    approximateCount(reader.jira, where),
    approximateCount(reader.jira, idle),
  ]);
  return {
    items: byKey([...first, ...oldest]),
    rankOf,
    counts: { all, idle: idleCount },
    idleFrom,
  };
}

/** The same with their first LIST_LIMIT in rank order read now, when the round did not. */
export async function withFirstIdeas(
  reader: ItemReader,
  where: string,
  how: ListHow,
  read: QuietIdeas,
): Promise<QuietIdeas> {
  const first = await firstIdeas(reader, `${where} ORDER BY Rank ASC`, how, read.rankOf);
  return { ...read, items: byKey([...read.items, ...first]) };
}

/** What the page counts of the quiet ideas but did not read (a count may lag the lists). */
export function unreadIdeas(read: QuietIdeas): { validating: number; idle: number } {
  const idleRead = idleFirst(read.items, read.idleFrom).length;
  return {
    validating: Math.max(0, read.counts.all - read.items.length),
    idle: Math.max(0, read.counts.idle - idleRead),
  };
}
