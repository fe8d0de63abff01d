import type { EntryFlagRead } from '../domain/signals';
import { plannedParts, type SearchShape } from '../jira/search-in-parts';
import {
  FOLD_MAX,
  foldedFew,
  foldHintToSave,
  rememberedShape,
  savePageSite,
  type PageSite,
} from '../storage/page-cache-store';
import type { EntryRead } from './needs-discovery-read';
import type { Folds } from './item-reads';
import type { PageQuery } from './page-queries';
import type { EstimatedRead } from './ready-read';

/**
 * What a project page load plans from the last one (page-cache-store.ts): which reads come with
 * the whole sets' search instead of a search of their own (one fewer each: the items meeting the
 * entry criteria, and the ready items with an estimate read past the list, when the last load,
 * recently and with the same JQL, found at most FOLD_MAX of them), and the parts the whole sets
 * are read in (search-in-parts.ts, `searchByShape`). Each load remembers what it found, so the
 * next one plans from it. The plan changes what is asked, never the page.
 */

/** The reads to fold into the whole sets' search; undefined when none is. */
export function foldsOf(
  reads: { entry: EntryRead; estimated: PageQuery | undefined },
  site: PageSite,
  projectKey: string,
  now: Date,
): Folds | undefined {
  const entryQuery = entryQueryOf(reads.entry);
  const entry = entryQuery && foldedFew(site, 'entryRead', entryQuery.where, now);
  const { estimated } = reads;
  const estimatedFew = estimated && foldedFew(site, 'estimatedRead', estimated.where, now);
  if (!entry && !estimatedFew) return undefined;
  return {
    projectKey,
    ...(entry ? { entry: entryQuery } : {}),
    ...(estimatedFew ? { estimated } : {}),
  };
}

const entryQueryOf = (entry: EntryRead): PageQuery | undefined =>
  entry.on ? entry.query(entry.config.entry.components) : undefined;

/** What this load found, for the next one's plan. */
export interface LoadFound {
  entry: EntryRead;
  /** The estimated ready items' query (none: not asked for). */
  estimated: PageQuery | undefined;
  /** What the targeted reads found (item-reads.ts). */
  read: {
    reads: { needsDiscovery: EntryFlagRead };
    estimated: EstimatedRead | undefined;
    shape: SearchShape | undefined;
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
  const { shape } = found.read;
  const wholeSets = shape ? shapeToSave(site, shape, now) : undefined;
  if (!entryRead && !estimatedRead && !wholeSets) return;
  await savePageSite(projectKey, {
    ...site,
    ...(entryRead ? { entryRead } : {}),
    ...(estimatedRead ? { estimatedRead } : {}),
    ...(wholeSets ? { wholeSets } : {}),
  });
}

/**
 * The shape to remember of this load's search, or undefined when the remembered one plans the
 * same parts: as many, with ends within half a part of the new ones.
 */
export function shapeToSave(site: PageSite, shape: SearchShape, now: Date): PageSite['wholeSets'] {
  const last = rememberedShape(site, now);
  const parts = plannedParts(shape.size);
  if (last && plannedParts(last.size) === parts) {
    const slack = (shape.high - shape.low) / parts / 2;
    const moved = Math.abs(last.low - shape.low) + Math.abs(last.high - shape.high);
    if (parts === 1 || moved <= slack) return undefined;
  }
  return { ...shape, savedAt: now.toISOString() };
}
