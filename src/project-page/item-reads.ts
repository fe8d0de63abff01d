import type { Config } from '../domain/config';
import {
  averageVelocity,
  isReadyDelivery,
  type ClosedSprintResult,
  type EntryFlagRead,
  type EstimateUnit,
  type FlaggedItem,
  type ProjectItem,
  type UnreadIdeas,
} from '../domain/signals';
import type { IssueReader } from '../jira/search';
import type { RawIssue } from '../jira/jira-gateway';
import { collect, keptByPlainRead, type ItemReader } from './item-reader';
import { judgeReady, readReady, readyFields, type EstimatedRead } from './ready-read';
import {
  judge,
  judgeWholeRead,
  readNeedsDiscovery,
  validationsOf,
  type EntryRead,
} from './needs-discovery-read';
import { projectClause, type PageQueries } from './page-queries';
import { readsOfAllItems, readyReadSuffices, type ProjectReads } from './project-reads';
import type { SearchedShape, WholeSets, WholeSetsPlan } from './whole-sets-read';
import { ideasFrom, readJpdIdeas, type JpdIdeas } from './jpd-read';
import { ideasJql } from '../domain/jpd';
import {
  readQuietIdeas,
  roomForIdeas,
  unreadIdeas,
  withFirstIdeas,
  type QuietIdeas,
} from './ideas-count';
import { readTrack, type CountedPlan, type Folds } from './track-read';
import { inRankOrderBy } from '../jira/search-in-parts';
import { isJiraError } from '../jira/errors';
import { projectOfKey } from '../domain/entry-criteria';
import { readInProgress } from './in-progress-read';

/**
 * The plain way: every open item and the active sprint's finished work, then sorted into the
 * page's reads.
 */
export async function readEveryOpenItem(
  reader: ItemReader,
  readIssues: IssueReader,
  scope: readonly string[],
  activeSprintIds: readonly number[],
  entry: EntryRead,
  unit: EstimateUnit,
): Promise<ProjectReads> {
  const items: ProjectItem[] = [];
  const evidenceText = new Map<string, string>();
  const delivery: RawIssue[] = [];
  const readyRead: Array<{ raw: RawIssue; item: ProjectItem }> = [];
  const toItems = collect(reader, items, evidenceText, keptByPlainRead);
  const sprintWork =
    activeSprintIds.length > 0 ? ` OR sprint in (${activeSprintIds.join(', ')})` : '';
  await readIssues(
    reader.jira,
    `${projectClause(scope)} AND (statusCategory != Done${sprintWork}) ORDER BY Rank ASC`,
    readyFields(reader, entry),
    (issues) => {
      const from = items.length;
      toItems(issues);
      issues.forEach((raw, i) => {
        const item = items[from + i];
        if (item && isReadyDelivery(item)) readyRead.push({ raw, item });
      });
      // The entry criteria judge the page's own project, as their query does.
      if (entry.on) delivery.push(...issues.filter((raw) => projectOfKey(raw.key) === scope[0]));
    },
  );
  const openIdeas = validationsOf(
    items.filter((i) => i.track === 'discovery' && i.statusCategory !== 'done'),
  );
  await judgeReady(reader, entry, readyRead, openIdeas, unit);
  let needsDiscovery: EntryFlagRead = { kind: 'off' };
  if (entry.on) {
    const flagged: FlaggedItem[] = [];
    const meetingCriteria = await judge(reader, entry, delivery, openIdeas, flagged);
    needsDiscovery = {
      kind: 'read',
      flagged,
      complete: true,
      meetingCriteria,
      triage: entry.ids.entryTriage !== undefined,
    };
  }
  return readsOfAllItems(items, evidenceText, needsDiscovery);
}

/** What the targeted reads found. */
export interface TargetedRead {
  reads: ProjectReads;
  /** The connected spaces' open ideas (not yet among `reads`: withJpdIdeas adds them). */
  jpd: JpdIdeas;
  closedSprints: ClosedSprintResult[];
  unknownTypes: Set<string>;
  shape: SearchedShape | undefined;
  /** Ready items with an estimate the ready read took past its list (ready-read.ts). */
  estimated: EstimatedRead | undefined;
  /** How many items the unscoped backlog holds, when counted (the next load's plan). */
  backlogSize: number | undefined;
  /** How many of them the whole sets' search brought (the idle fold). */
  backlogFolded: number;
  /** Jira refused the whole sets' search with the reads folded into it. */
  foldsRefused: boolean;
  /** How many of that search's issues are in the sets themselves (whole-sets-read.ts). */
  wholeSetsBase: number | undefined;
  /** Jira refused the backlog's count: the track was read whole. */
  backlogRefused: boolean;
  /** The items in progress were picked out of the whole sets' search (in-progress-read.ts). */
  inProgressFolded: boolean;
  /** How many quiet ideas were counted (ideas-count.ts); undefined: none was. */
  quietIdeas: number | undefined;
  /** Jira refused the quiet ideas' JQL: every idea was read. */
  ideasRefused: boolean;
}

/** The connected spaces' quiet ideas counted instead of read (ideas-count.ts). */
export interface QuietPlan {
  /** Their JQL condition, with the spaces' own. */
  condition: string;
  /** Their first items are read too: the project's own ideas left room last time. */
  list: boolean;
  rankFieldId: string;
  now: Date;
  idleDays: number;
}

/** What the load counts instead of reading: the unscoped backlog, the spaces' quiet ideas. */
export interface Counting {
  backlog?: CountedPlan | undefined;
  ideas?: QuietPlan | undefined;
}

/**
 * The targeted reads, run in parallel: the sets read whole in one search (whole-sets-read.ts),
 * and the long lists read only as far as they must be (one more list or signal is one more
 * entry here). The ready read waits for velocity, which the whole-sets search brings, to know
 * when to stop. A read in `folds` comes with the whole sets instead of a search of its own;
 * should Jira refuse that search, each is read apart as without the fold.
 */
export async function readTargeted(
  reader: ItemReader,
  queries: PageQueries,
  plan: Omit<WholeSetsPlan, 'query'>,
  runway: { unit: EstimateUnit; config: Config },
  entry: EntryRead,
  folds?: Folds,
  /** The JPD spaces the project connects (`jpd.spaceKeys`): their ideas are read too. */
  spaceKeys: readonly string[] = [],
  /** What to count instead of reading (backlog-read.ts, ideas-count.ts). */
  counting: Counting = {},
): Promise<TargetedRead> {
  const counted = counting.backlog;
  const evidenceText = new Map<string, string>();
  const quiet = quietReadOf(reader, folds, counting.ideas, evidenceText);
  const track = readTrack(reader, { ...plan, query: queries.wholeSets }, evidenceText, {
    entry,
    folds: quiet ? quiet.folds : folds,
    counted,
  });
  const setsRead = track.then((read) => read.sets);
  const { known, jpd } = spaceIdeas(reader, setsRead, folds, spaceKeys, plan.rankFieldId);
  const velocity = setsRead.then((sets) => averageVelocity(sets.closedSprints));
  const [read, ready, inProgress, needsDiscovery, ideasRead, quietRead] = await Promise.all([
    track,
    readReady(reader, entry, {
      query: queries.ready,
      known,
      unit: runway.unit,
      evidenceText,
      enough: async (items) => readyReadSuffices(items, runway.unit, await velocity, runway.config),
      estimated: runway.unit === 'points' ? queries.readyEstimated : undefined,
      estimatedWhole: folds?.estimated ? setsRead.then((read) => read.boardIssues) : undefined,
    }),
    readInProgress(reader, evidenceText, queries.inProgress, {
      ...plan, // its active sprints and discovery types
      issues: folds?.inProgress ? setsRead.then((read) => read.boardIssues) : undefined,
    }),
    folds?.entry
      ? setsRead.then(async (read) =>
          read.ownIssues
            ? judgeWholeRead(reader, entry, read.ownIssues, await known)
            : readNeedsDiscovery(reader, entry, known),
        )
      : readNeedsDiscovery(reader, entry, known),
    jpd,
    quiet?.read,
  ]);
  const { sets, backlog } = read;
  const quietIdeas = await withQuietIdeas(reader, ideasRead, sets, quiet, quietRead, spaceKeys);
  const { ideas } = quietIdeas;
  return {
    reads: {
      discovery: read.discovery,
      activeSprint: sets.activeSprint,
      ready: ready.ready,
      inProgress: { items: inProgress.items, count: inProgress.count },
      evidenceText,
      needsDiscovery,
      ...(backlog ? { unreadBacklog: backlog.unread } : {}),
      ...(quietIdeas.unread ? { unreadIdeas: quietIdeas.unread } : {}),
    },
    backlogSize: backlog?.size,
    backlogFolded: read.folded,
    foldsRefused: sets.foldsRefused === true,
    wholeSetsBase: sets.base,
    quietIdeas: quietIdeas.size,
    ideasRefused: quietRead === 'refused',
    backlogRefused: read.refused,
    inProgressFolded: inProgress.folded,
    closedSprints: sets.closedSprints,
    unknownTypes: sets.unknownTypes,
    shape: sets.shape,
    estimated: ready.estimated,
    jpd: ideas,
  };
}

/**
 * The connected spaces' ideas: those that came with the whole sets, else read apart; and the
 * validation of every idea read (the project's and the spaces'), which linked items are judged
 * by without a fetch.
 */
function spaceIdeas(
  reader: ItemReader,
  setsRead: Promise<WholeSets>,
  folds: Folds | undefined,
  spaceKeys: readonly string[],
  rankFieldId: string | undefined,
) {
  const folded = setsRead.then((sets) =>
    sets.spaceIssues && folds?.jpd
      ? ideasFrom(reader, sets.spaceIssues, [...folds.jpd.spaceKeys], rankFieldId)
      : undefined,
  );
  const known = Promise.all([setsRead, folded]).then(([sets, ideas]) =>
    validationsOf([...sets.discovery, ...(ideas?.items ?? [])]),
  );
  const jpd = folded.then((ideas) => ideas ?? readJpdIdeas(reader, spaceKeys, { rankFieldId }));
  return { known, jpd };
}

/** The quiet ideas' read: the folds leaving them out, and their counts and lists. */
function quietReadOf(
  reader: ItemReader,
  folds: Folds | undefined,
  plan: QuietPlan | undefined,
  evidenceText: Map<string, string>,
) {
  const jpd = folds?.jpd;
  const all = jpd && ideasJql(jpd.spaceKeys);
  const without = jpd && plan && ideasJql(jpd.spaceKeys, plan.condition);
  if (!plan || !jpd || !all || !without) return undefined;
  const where = `${all.where} AND ${plan.condition}`;
  const how = { rankFieldId: plan.rankFieldId, evidenceText };
  return {
    folds: { ...folds, jpd: { ...jpd, query: without } },
    where,
    how,
    list: plan.list,
    // Refused (docs/emulator.md: the operators a property takes are not documented), the
    // quiet ideas are read with the others; the whole sets' read is not held up by it.
    read: readQuietIdeas(reader, where, { ...how, ...plan }).catch((error: unknown) => {
      if (!isJiraError(error) || error.kind !== 'bad-request') throw error;
      return 'refused' as const;
    }),
  };
}

/**
 * The spaces' ideas with the quiet ones counted: those read go among the others by the board's
 * Rank; their first ones are read now where the project's own ideas leave room in the validating
 * column and the plan did not expect it. Unless the whole sets brought the other ideas, the
 * count is not used (they were read apart, every one); refused, every idea is read now.
 */
async function withQuietIdeas(
  reader: ItemReader,
  ideas: JpdIdeas,
  sets: WholeSets,
  quiet: ReturnType<typeof quietReadOf>,
  found: QuietIdeas | 'refused' | undefined,
  spaceKeys: readonly string[],
): Promise<{ ideas: JpdIdeas; unread?: UnreadIdeas; size?: number }> {
  if (!quiet || !found || !sets.spaceIssues) return { ideas };
  if (found === 'refused') {
    return { ideas: await readJpdIdeas(reader, spaceKeys, { rankFieldId: quiet.how.rankFieldId }) };
  }
  const read =
    quiet.list || found.counts.all === 0 || !roomForIdeas(sets.discovery)
      ? found
      : await withFirstIdeas(reader, quiet.where, quiet.how, found);
  const rank = (item: ProjectItem) => ideas.rankOf?.get(item.key) ?? read.rankOf.get(item.key);
  const known = new Set(ideas.items.map((i) => i.key));
  const items = inRankOrderBy(
    [...ideas.items, ...read.items.filter((i) => !known.has(i.key))],
    rank,
  );
  const unread = unreadIdeas(read);
  return { ideas: { ...ideas, items }, unread, size: read.items.length + unread.validating };
}
