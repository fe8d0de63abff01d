import type { ProjectItem } from '../domain/signals';
import { isJiraError } from '../jira/errors';
import { inRankOrderBy } from '../jira/search-in-parts';
import { entryIssueFields } from '../items/entry-reader';
import {
  idleFoldQuery,
  readCountedBacklog,
  withoutFolded,
  type BacklogRules,
  type CountedBacklog,
} from './backlog-read';
import type { EntryRead } from './needs-discovery-read';
import { orQueries, type PageQueries, type PageQuery } from './page-queries';
import type { ItemReader } from './item-reader';
import { readWholeSets, type WholeSets, type WholeSetsPlan } from './whole-sets-read';

/**
 * The discovery track's read with the sets the page reads whole (whole-sets-read.ts): the reads
 * folded into that one search, and the unscoped backlog counted beside it (backlog-read.ts).
 */

/** The unscoped backlog counted instead of read (backlog-read.ts): its queries, and its idle list's. */
export interface CountedPlan {
  queries: NonNullable<PageQueries['backlog']>;
  rankFieldId: string;
  now: Date;
  idleDays: number;
  rules: BacklogRules;
  /** The idle list comes with the whole sets, up to this last change (backlog-read.ts). */
  idleUpTo?: number | undefined;
}

/**
 * Reads folded into the whole sets' search (read-plan.ts): the items meeting the entry criteria
 * (`entry`), the ready items with an estimate (`estimated`) and the items in progress outside
 * the sprint (`inProgress`), of the page's project, and the connected JPD spaces' ideas (`jpd`).
 */
export interface Folds {
  entry?: PageQuery | undefined;
  estimated?: PageQuery | undefined;
  /** The connected JPD spaces' open ideas, of the spaces `spaceKeys` (jpd-read.ts). */
  jpd?: { query: PageQuery; spaceKeys: readonly string[] } | undefined;
  /** The counted backlog's idle list (backlog-read.ts, `idleFoldQuery`). */
  backlogIdle?: PageQuery | undefined;
  /** The delivery items in progress outside the active sprint (in-progress-read.ts). */
  inProgress?: PageQuery | undefined;
}

/** What the track's read found: the sets, the counted backlog and the track they make. */
export interface TrackRead {
  sets: WholeSets;
  backlog?: CountedBacklog;
  /** Jira refused the backlog's JQL: the track was read whole. */
  refused: boolean;
  /** How many of the backlog's items the whole sets' search brought (the idle fold). */
  folded: number;
  /** The open discovery items read, the backlog's among the others by the board's Rank. */
  discovery: ProjectItem[];
}

/**
 * The whole sets and, when `counted`, the unscoped backlog apart (backlog-read.ts); should Jira
 * refuse either's JQL (docs/emulator.md: the operators a property takes are not documented), the
 * whole sets with the track whole, as without it.
 */
export async function readTrack(
  reader: ItemReader,
  plan: WholeSetsPlan,
  evidenceText: Map<string, string>,
  how: { entry: EntryRead; folds: Folds | undefined; counted: CountedPlan | undefined },
): Promise<TrackRead> {
  const read = await readSetsAndBacklog(reader, plan, evidenceText, how);
  const { sets, backlog } = read;
  if (!backlog) return { ...read, discovery: sets.discovery };
  const rankOf = (item: ProjectItem) => sets.rankOf?.get(item.key) ?? backlog.rankOf.get(item.key);
  const discovery = inRankOrderBy([...sets.discovery, ...backlog.items], rankOf);
  return { ...read, discovery };
}

/** The sets and the counted backlog, as read (readTrack merges the track). */
async function readSetsAndBacklog(
  reader: ItemReader,
  plan: WholeSetsPlan,
  evidenceText: Map<string, string>,
  how: { entry: EntryRead; folds: Folds | undefined; counted: CountedPlan | undefined },
): Promise<Omit<TrackRead, 'discovery'>> {
  const { counted } = how;
  const whole = (query: PageQuery | undefined, backlogIdle?: PageQuery) =>
    readSetsWith(reader, { ...plan, query }, evidenceText, {
      ...how,
      folds: backlogIdle ? { ...how.folds, backlogIdle } : how.folds,
    });
  if (!counted) return { sets: await whole(plan.query), refused: false, folded: 0 };
  const { query } = counted.queries;
  const fold = counted.idleUpTo === undefined ? undefined : idleFoldQuery(query, counted.idleUpTo);
  try {
    const split = whole(counted.queries.wholeSets, fold).then((s) => withoutFolded(s, counted));
    const [{ sets, folded }, backlog] = await Promise.all([
      split,
      readCountedBacklog(reader, query, {
        ...counted,
        evidenceText,
        folded: fold && split.then((s) => s.folded),
      }),
    ]);
    return { sets, backlog, refused: false, folded: folded.length };
  } catch (error) {
    if (!isJiraError(error) || error.kind !== 'bad-request') throw error;
    return { sets: await whole(plan.query), refused: true, folded: 0 };
  }
}

/**
 * The whole sets, with the reads `folds` names (one search for all: JQL's OR); without them when
 * Jira refuses that search (a component the entry criteria name was deleted, say), so that each
 * read apart can say what it could not check.
 */
async function readSetsWith(
  reader: ItemReader,
  plan: WholeSetsPlan,
  evidenceText: Map<string, string>,
  fold: { entry: EntryRead; folds: Folds | undefined },
): Promise<WholeSets> {
  const { entry, folds } = fold;
  const folded = [
    folds?.entry,
    folds?.estimated,
    folds?.jpd?.query,
    folds?.inProgress,
    folds?.backlogIdle,
  ].filter((q): q is PageQuery => q !== undefined);
  if (!folds || folded.length === 0) return readWholeSets(reader, plan, evidenceText);
  const query = folded.reduce<PageQuery | undefined>((all, q) => orQueries(all, q), plan.query);
  const own = {
    fields: entryIssueFields(entry.ids),
    ...(folds.jpd ? { spaceKeys: folds.jpd.spaceKeys } : {}),
  };
  try {
    return await readWholeSets(reader, { ...plan, query, own }, evidenceText);
  } catch (error) {
    if (!isJiraError(error) || error.kind !== 'bad-request') throw error;
    return { ...(await readWholeSets(reader, plan, evidenceText)), foldsRefused: true };
  }
}
