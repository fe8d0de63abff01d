import type { EntryFlagRead } from '../domain/signals';
import {
  ENTRY_WHOLE_MAX,
  entryHintToSave,
  entryReadFew,
  savePageSite,
  type PageSite,
} from '../storage/page-cache-store';
import type { EntryRead } from './needs-discovery-read';
import type { PageQuery } from './page-queries';

/**
 * Whether a load reads the items meeting the entry criteria with the whole sets (one search
 * fewer): when the last load, recently and with the same criteria, found at most ENTRY_WHOLE_MAX
 * of them. Each load remembers what it found, so criteria that come to match many items get
 * their own read again from the next load on. The plan changes what is asked, never the page.
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

/** Remembers whether this load found few items meeting the criteria, when that changed. */
export async function rememberEntryRead(
  projectKey: string,
  site: PageSite,
  entry: EntryRead,
  read: EntryFlagRead,
  now: Date,
): Promise<void> {
  const query = entry.on ? entry.query(entry.config.entry.components) : undefined;
  if (!query) return;
  // A component Jira does not know changes the query the read ran: read apart until it is fixed.
  // A read stopped early counted the rest (approximately): few or not, the count says.
  const few =
    read.kind === 'read' && read.meetingCriteria <= ENTRY_WHOLE_MAX && entry.notes.length === 0;
  const hint = entryHintToSave(site, query.where, few, now);
  if (hint) await savePageSite(projectKey, { ...site, entryRead: hint });
}
