import { ideasJql } from '../domain/jpd';
import { plannedParts } from '../jira/search-in-parts';
import {
  FOLD_MAX,
  foldedFew,
  backlogHintToSave,
  foldHintToSave,
  forgetPageSite,
  heldHint,
  quietIdeasToSave,
  rememberedShape,
  savePageSite,
  type PageSite,
} from '../storage/page-cache-store';
import type { EntryRead } from './needs-discovery-read';
import type { Config } from '../domain/config';
import type { ClosedSprintResult, EntryFlagRead, EstimateUnit } from '../domain/signals';
import { idleBefore } from '../domain/signals';
import { readTargeted, type QuietPlan, type TargetedRead } from './item-reads';
import { COUNTED_IDEAS_MIN, isQuietIdea, quietIdeasCondition, roomForIdeas } from './ideas-count';
import { backlogNext, idleFoldEnd, inUnscopedBacklog, type BacklogFound } from './backlog-read';
import type { CountedPlan, Folds } from './track-read';
import type { ItemReader } from './item-reader';
import { withJpdIdeas } from './jpd-read';
import type { ProjectReads } from './project-reads';
import type { VelocitySprints } from './velocity-read';
import type { SearchedShape } from './whole-sets-read';
import type { PageQueries, PageQuery } from './page-queries';
import type { EstimatedRead } from './ready-read';
import { foldInProgressNext } from './in-progress-read';

/**
 * What a project page load plans from the last one (page-cache-store.ts): which reads come with
 * the whole sets' search instead of their own (when the last load, recently and with the same
 * JQL, found at most FOLD_MAX items meeting the entry criteria, estimated ready items read past
 * the list or items in progress outside the sprint, or could browse every connected JPD space),
 * and the parts that search is read in (`searchByShape`). Each load remembers what it found; the
 * page itself never depends on it.
 */

/** The reads to fold into the whole sets' search; undefined when none is. */
export function foldsOf(
  reads: {
    entry: EntryRead;
    estimated: PageQuery | undefined;
    spaceKeys: readonly string[];
    inProgress: PageQuery;
  },
  site: PageSite,
  now: Date,
): Folds | undefined {
  const entryQuery = entryQueryOf(reads.entry);
  const entry = entryQuery && foldedFew(site, 'entryRead', entryQuery.where, now);
  const { estimated } = reads;
  const estimatedFew = estimated && foldedFew(site, 'estimatedRead', estimated.where, now);
  const ideas = ideasJql(reads.spaceKeys);
  const jpd = ideas && foldedFew(site, 'jpdRead', ideas.where, now);
  const { inProgress } = reads;
  const inProgressFew = foldedFew(site, 'inProgressRead', inProgress.where, now);
  if (!entry && !estimatedFew && !jpd && !inProgressFew) return undefined;
  return {
    ...(entry ? { entry: entryQuery } : {}),
    ...(estimatedFew ? { estimated } : {}),
    ...(jpd ? { jpd: { query: ideas, spaceKeys: reads.spaceKeys } } : {}),
    ...(inProgressFew ? { inProgress } : {}),
  };
}

const entryQueryOf = (entry: EntryRead): PageQuery | undefined =>
  entry.on ? entry.query(entry.config.entry.components) : undefined;

/** What this load found, for the next one's plan. */
export interface LoadFound {
  entry: EntryRead;
  /** The JPD spaces the project connects. */
  spaceKeys: readonly string[];
  /** The estimated ready items' query (none: not asked for). */
  estimated: PageQuery | undefined;
  /** The query of the items in progress outside the sprint. */
  inProgress: PageQuery;
  /**
   * What this load found of the unscoped backlog, for `backlogNext` (backlog-read.ts): its
   * query, size, how many of its items the whole sets' search brought, where an idle fold
   * would end; none: no such query.
   */
  backlog?: (BacklogFound & { query: string; inWholeSets: number }) | undefined;
  /** What the load found of the spaces' quiet ideas (ideas-count.ts); none: no space. */
  quietIdeas?: Omit<NonNullable<PageSite['quietIdeas']>, 'savedAt'> | undefined;
  /** What the targeted reads found (item-reads.ts). */
  read: {
    reads: { needsDiscovery: EntryFlagRead; inProgress: { count: number } };
    inProgressFolded: boolean;
    estimated: EstimatedRead | undefined;
    shape: SearchedShape | undefined;
    /** How many of the whole sets' issues are in the sets themselves (not a folded read's). */
    wholeSetsBase: number | undefined;
    jpd: { found: readonly string[]; items: readonly unknown[] };
  };
}

/**
 * Whether the estimated ready items are few enough to fold next time: read to the end, at most
 * FOLD_MAX. Not asked for this time (the list sufficed), they are not folded next time either.
 */
export const fewEstimated = (read: EstimatedRead | undefined): boolean =>
  read !== undefined && read.complete && read.items <= FOLD_MAX;

/** Remembers what this load found, when it changes the next load's plan: one write at most. */
export async function rememberReadPlan(
  projectKey: string,
  site: PageSite,
  found: LoadFound,
  now: Date,
): Promise<void> {
  const { entry, estimated } = found;
  const read = found.read.reads.needsDiscovery;
  const entryQuery = entryQueryOf(entry);
  // A read stopped early counted the rest (approximately): few or not, the count says. A
  // component Jira does not know changes the query the read ran: read apart until it is fixed.
  const few = read.kind === 'read' && read.meetingCriteria <= FOLD_MAX && entry.notes.length === 0;
  const entryRead = entryQuery
    ? foldHintToSave(site, 'entryRead', entryQuery.where, few, now)
    : undefined;
  const fewRead = fewEstimated(found.read.estimated);
  const estimatedRead = estimated
    ? foldHintToSave(site, 'estimatedRead', estimated.where, fewRead, now)
    : undefined;
  // The ideas are folded next time when the viewer could browse every connected space.
  const ideas = ideasJql(found.spaceKeys);
  const everySpace = ideasJql(found.read.jpd.found)?.where === ideas?.where;
  const jpdRead = ideas ? foldHintToSave(site, 'jpdRead', ideas.where, everySpace, now) : undefined;
  const { shape, wholeSetsBase } = found.read;
  const { count } = found.read.reads.inProgress;
  // The whole sets' search next time, of the sets without the backlog and the reads folded then.
  const { backlog } = found;
  const folded =
    (few && read.kind === 'read' ? read.meetingCriteria : 0) +
    (fewRead ? (found.read.estimated?.items ?? 0) : 0) +
    (everySpace ? found.read.jpd.items.length : 0);
  const sets =
    shape && wholeSetsBase !== undefined
      ? wholeSetsBase - (backlog?.inWholeSets ?? 0) + folded
      : undefined;
  const inProgressNow = found.read.inProgressFolded ? count : 0;
  const next = backlog && backlogNext({ ...backlog, wholeSets: sets && sets + inProgressNow });
  // The items in progress are folded next time where that saves calls (in-progress-read.ts).
  const without = sets === undefined ? undefined : sets + (next?.inWholeSets ?? 0);
  const foldNext = foldInProgressNext(without, count);
  const inProgress = found.inProgress.where;
  const inProgressRead = foldHintToSave(site, 'inProgressRead', inProgress, foldNext, now);
  const wholeSets = shape ? shapeToSave(site, shape, now) : undefined;
  const backlogRead =
    backlog && next ? backlogHintToSave(site, backlog.query, next, now) : undefined;
  const quietIdeas = found.quietIdeas ? quietIdeasToSave(site, found.quietIdeas, now) : undefined;
  const hints = [entryRead, estimatedRead, jpdRead, inProgressRead, backlogRead, quietIdeas];
  if (!wholeSets && hints.every((hint) => hint === undefined)) return;
  await savePageSite(projectKey, {
    ...site,
    ...(entryRead ? { entryRead } : {}),
    ...(estimatedRead ? { estimatedRead } : {}),
    ...(jpdRead ? { jpdRead } : {}),
    ...(inProgressRead ? { inProgressRead } : {}),
    ...(wholeSets ? { wholeSets } : {}),
    ...(backlogRead ? { backlogRead } : {}),
    ...(quietIdeas ? { quietIdeas } : {}),
  });
}

/**
 * The shape to remember of this load's search, or undefined when the remembered one plans the
 * same parts: as many, with ends within half a part of the new ones.
 */
export function shapeToSave(
  site: PageSite,
  shape: SearchedShape,
  now: Date,
): PageSite['wholeSets'] {
  const last = rememberedShape(site, now);
  const parts = plannedParts(shape.size);
  if (last && last.query === shape.query && plannedParts(last.size) === parts) {
    const slack = (shape.high - shape.low) / parts / 2;
    const moved = Math.abs(last.low - shape.low) + Math.abs(last.high - shape.high);
    if (parts === 1 || moved <= slack) return undefined;
  }
  return { ...shape, savedAt: now.toISOString() };
}

/** What the planned load needs of the site read (load-project.ts, `readSite`). */
export interface PlannedSite {
  decision: { config: Config };
  discoveryTypeIds: readonly string[];
  knownTypeIds: ReadonlySet<string>;
  rankFieldId: string | undefined;
  /** What the page remembers of the site, as stored after the site read. */
  remembered: PageSite;
  /** A Kanban board counts ideas in progress against its limits: they are read there. */
  board: { flow: string };
  ids: { discoveryEvidence?: string | undefined };
}

/**
 * The targeted load, planned from the last one, and what it found remembered for the next; a
 * read that met an issue type the remembered list lacks makes the next load read the project's
 * types again instead.
 */
export async function readPlanned(
  reader: ItemReader,
  queries: PageQueries,
  load: {
    key: string;
    now: Date;
    site: PlannedSite;
    entry: EntryRead;
    unit: EstimateUnit;
    spaceKeys: readonly string[];
    plan: { activeSprintIds: readonly number[]; velocity: VelocitySprints };
  },
): Promise<{ reads: ProjectReads; closedSprints: ClosedSprintResult[] }> {
  const { site, now, entry, spaceKeys } = load;
  const estimated = load.unit === 'points' ? queries.readyEstimated : undefined;
  const { config } = site.decision;
  const read = await readTargeted(
    reader,
    queries,
    {
      ...load.plan,
      projectKey: load.key,
      discoveryTypeIds: site.discoveryTypeIds,
      knownTypeIds: site.knownTypeIds,
      rankFieldId: site.rankFieldId,
      last: rememberedShape(site.remembered, now),
    },
    { unit: load.unit, config },
    entry,
    foldsOf({ entry, estimated, spaceKeys, inProgress: queries.inProgress }, site.remembered, now),
    spaceKeys,
    { backlog: countedPlan(queries, site, now), ideas: quietPlan(site, spaceKeys, now) },
  );
  const backlog = queries.backlog && backlogFound(queries.backlog, read, config, now);
  if (read.unknownTypes.size > 0) await forgetPageSite(load.key);
  else
    await rememberReadPlan(
      load.key,
      site.remembered,
      {
        entry,
        estimated,
        spaceKeys,
        inProgress: queries.inProgress,
        read,
        backlog,
        quietIdeas: quietFound(site, spaceKeys, read, now),
      },
      now,
    );
  return { reads: withJpdIdeas(read.reads, read.jpd), closedSprints: read.closedSprints };
}

/** The unscoped backlog counted this load: the last one found it long (and Jira took its count). */
function countedPlan(queries: PageQueries, site: PlannedSite, now: Date): CountedPlan | undefined {
  const { backlog } = queries;
  if (!backlog || site.rankFieldId === undefined) return undefined;
  // Counted only when the last load, recently and with the same JQL, found it long.
  const hint = heldHint(site.remembered, 'backlogRead', backlog.query.where, now);
  if (hint?.few !== false) return undefined;
  const { config } = site.decision;
  return {
    queries: backlog,
    rankFieldId: site.rankFieldId,
    now,
    idleDays: config.staleness.discoveryIdleDays,
    rules: config.scopedOutcome,
    idleUpTo: hint.idleUpTo,
  };
}

/**
 * What this load found of the unscoped backlog, for the next one: how many items it holds (read
 * with the track, every one; counted, the counts), how many the whole sets' search brought, and
 * from its idle items read where the next load's idle fold may end.
 */
function backlogFound(
  queries: NonNullable<PageQueries['backlog']>,
  read: TargetedRead,
  config: Config,
  now: Date,
): NonNullable<LoadFound['backlog']> {
  const waived = new Set(queries.waivedIds);
  const items = read.reads.discovery.filter((i) =>
    inUnscopedBacklog(i, config.scopedOutcome, waived),
  );
  const size = read.backlogSize ?? items.length;
  const threshold = idleBefore(now, config.staleness.discoveryIdleDays);
  return {
    query: queries.query.where,
    size,
    inWholeSets: read.backlogSize === undefined ? size : read.backlogFolded,
    // A backlog Jira would not count is read whole next time too.
    refused: read.backlogRefused,
    // Refused with the reads folded in, the sets are read without the idle list next time.
    idle: read.foldsRefused ? undefined : idleFoldEnd(items, threshold),
    kinds: Object.values(queries.query.byKind).filter((q) => q !== undefined).length,
  };
}

/**
 * The spaces' quiet ideas counted this load (ideas-count.ts): the last one, recently and for the
 * same spaces, found many, the board is not Kanban, and the Discovery evidence field is there.
 */
function quietPlan(
  site: PlannedSite,
  spaceKeys: readonly string[],
  now: Date,
): QuietPlan | undefined {
  const ideas = ideasJql(spaceKeys);
  const rankFieldId = site.rankFieldId;
  if (!ideas || rankFieldId === undefined || site.board.flow === 'kanban') return undefined;
  if (site.ids.discoveryEvidence === undefined) return undefined;
  const hint = heldHint(site.remembered, 'quietIdeas', ideas.where, now);
  if (!hint || hint.few) return undefined;
  const condition = quietIdeasCondition(hint.statuses);
  const idleDays = site.decision.config.staleness.discoveryIdleDays;
  return condition ? { condition, list: hint.room, rankFieldId, now, idleDays } : undefined;
}

/**
 * What this load found of the quiet ideas, for the next one: how many (counted, and read in a
 * status the count did not name), in which statuses, and whether the own ideas left room.
 */
function quietFound(
  site: PlannedSite,
  spaceKeys: readonly string[],
  read: TargetedRead,
  now: Date,
): NonNullable<LoadFound['quietIdeas']> | undefined {
  const ideas = ideasJql(spaceKeys);
  // A viewer who may not browse every space says nothing of the ideas they did not see.
  if (!ideas || ideasJql(read.jpd.found)?.where !== ideas.where) return undefined;
  const counted = read.quietIdeas !== undefined;
  const named = new Set(
    counted ? (heldHint(site.remembered, 'quietIdeas', ideas.where, now)?.statuses ?? []) : [],
  );
  const quiet = read.jpd.items.filter((i) => isQuietIdea(i) && !(counted && named.has(i.status)));
  const statuses = [...new Set([...named, ...quiet.map((i) => i.status)])].sort().slice(0, 50);
  const size = (read.quietIdeas ?? 0) + quiet.length;
  return {
    query: ideas.where,
    few: read.ideasRefused || size < COUNTED_IDEAS_MIN,
    statuses,
    room: roomForIdeas(read.reads.discovery),
  };
}
