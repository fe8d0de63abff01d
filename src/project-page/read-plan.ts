import type { EntryFlagRead } from '../domain/signals';
import { plannedParts, type SearchShape } from '../jira/search-in-parts';
import {
  ENTRY_WHOLE_MAX,
  entryHintToSave,
  entryReadFew,
  rememberedShape,
  savePageSite,
  type PageSite,
} from '../storage/page-cache-store';
import type { EntryRead } from './needs-discovery-read';
import type { PageQuery } from './page-queries';

/**
 * What a project page load plans from the last one (page-cache-store.ts): whether the items
 * meeting the entry criteria come with the whole sets (one search fewer: when the last load,
 * recently and with the same criteria, found at most ENTRY_WHOLE_MAX of them), and the parts the
 * whole sets are read in (search-in-parts.ts, `searchByShape`). Each load remembers what it
 * found, so the next one plans from it. The plan changes what is asked, never the page.
 */

/** The entry read to fold into the whole sets' search, or undefined to read it apart. */
export function entryFold(
  entry: EntryRead,
  site: PageSite,
  projectKey: string,
  now: Date,
): { query: PageQuery; projectKey: string } | undefined {
  const query = entry.on ? entry.query(entry.config.entry.components) : undefined;
  if (!query || !entryReadFew(site, query.where, now)) return undefined;
  return { query, projectKey };
}

/** Remembers what this load found, when it changes the next load's plan: one write at most. */
export async function rememberReadPlan(
  projectKey: string,
  site: PageSite,
  found: { entry: EntryRead; entryRead: EntryFlagRead; shape: SearchShape | undefined },
  now: Date,
): Promise<void> {
  const { entry, entryRead: read } = found;
  const query = entry.on ? entry.query(entry.config.entry.components) : undefined;
  // A read stopped early counted the rest (approximately): few or not, the count says. A
  // component Jira does not know changes the query the read ran: read apart until it is fixed.
  const few =
    read.kind === 'read' && read.meetingCriteria <= ENTRY_WHOLE_MAX && entry.notes.length === 0;
  const entryRead = query ? entryHintToSave(site, query.where, few, now) : undefined;
  const wholeSets = found.shape ? shapeToSave(site, found.shape, now) : undefined;
  if (!entryRead && !wholeSets) return;
  await savePageSite(projectKey, {
    ...site,
    ...(entryRead ? { entryRead } : {}),
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
