import { z } from 'zod';
import type { Config } from '../domain/config';
import type { ItemFacts } from '../domain/sprint-readiness';
import { trackOfTypeName, type Track } from '../domain/track';
import { getSprint, sprintIssuesPage } from '../jira/boards';
import { BULK_FETCH_MAX, bulkFetchIssues, hasSecurityLevel } from '../jira/issues';
import type { JiraGateway, RawIssue } from '../jira/jira-gateway';
import { readOffsetPages } from '../jira/offset-paging';
import { readEvidenceLogs } from '../storage/evidence-store';
import { countEvidence } from '../domain/evidence-log';
import type { TrackMapping } from '../storage/track-mapping-store';
import type { EnforcementFieldIds } from './site-fields';
import { entryIssueFields, entryVerdictOf, type EntryReading } from './entry-reader';
import { trackResolver } from './project-items';
import { trackOfType } from './track-marker';
import { readScopedOutcome } from './scoped-outcome-field';

/**
 * Reading an item the way enforcement needs it, fresh from Jira, in one call: its type,
 * project, sprints (with their states), scoped outcome, discovery evidence and track.
 */

/** The fields enforcement reads: readiness, sprints, and what the entry criteria look at. */
export function fieldList(ids: EnforcementFieldIds): string[] {
  return [
    'summary',
    'project',
    'security',
    ids.sprint,
    ...[ids.scopedOutcome, ids.discoveryEvidence, ids.track].filter(
      (f): f is string => f !== undefined,
    ),
    ...entryIssueFields(ids),
  ];
}

const SprintValueSchema = z
  .object({
    id: z.number().int(),
    name: z.string().optional(),
    state: z.string().optional(),
    boardId: z.number().int().optional(),
  })
  .passthrough();

export interface SprintRef {
  id: number;
  name: string;
  state: string;
}

const EvidenceValueSchema = z
  .object({
    interviews: z.number().optional(),
    usabilityTests: z.number().optional(),
    prototypeReviews: z.number().optional(),
    conciergeTests: z.number().optional(),
    experiments: z.number().optional(),
    state: z.string().nullish(),
  })
  .passthrough();

const IssueBasicsSchema = z
  .object({
    summary: z.string().nullish(),
    issuetype: z.object({ id: z.string(), name: z.string() }).passthrough(),
    project: z.object({ id: z.string(), key: z.string() }).passthrough(),
  })
  .passthrough();

export interface Item {
  id: string;
  key: string;
  summary: string;
  projectId: string;
  projectKey: string;
  typeId: string;
  typeName: string;
  /** Sprints that are not closed (active or future), as Jira's openSprints() counts them. */
  openSprints: SprintRef[];
  /** The Track field's value, when the field was read and is set. */
  trackField: Track | undefined;
  facts: Omit<ItemFacts, 'track'>;
  /** The issue has an issue security level: fewer people may see it than may browse its project. */
  restricted: boolean;
  /** The issue as Jira returned it (for the entry criteria, read from the same answer). */
  raw: RawIssue;
}

/**
 * The evidence facts of discovery items from their evidence logs, the source of truth, in place
 * of the Discovery evidence field read with the item: that field is a summary the app writes
 * after each change, and it lags when that write failed. An item with no log keeps what the
 * field says. One storage read per 20 items (none when no item is on the discovery track).
 */
export async function withLoggedEvidence<T extends Pick<Item, 'id' | 'facts'>>(
  items: readonly T[],
  isDiscovery: (item: T) => boolean,
): Promise<T[]> {
  const ideas = items.filter(isDiscovery);
  if (ideas.length === 0) return [...items];
  const logs = await readEvidenceLogs(ideas.map((i) => i.id));
  return items.map((item) => {
    const log = isDiscovery(item) ? logs.get(item.id) : undefined;
    if (!log) return item;
    const evidence = {
      counts: countEvidence(log.entries).counting,
      invalidated: log.invalidated !== null,
    };
    return { ...item, facts: { ...item.facts, evidence } };
  });
}

export class ItemShapeError extends Error {
  constructor(key: string, detail: string) {
    super(`Jira returned ${key} without ${detail}`);
    this.name = 'ItemShapeError';
  }
}

/** Turns an issue as Jira returned it (GET issue, or a sprint's issue list) into an Item. */
export function itemOf(issue: RawIssue, ids: EnforcementFieldIds): Item {
  const basics = IssueBasicsSchema.safeParse(issue.fields);
  if (!basics.success) throw new ItemShapeError(issue.key, 'its issue type and project');
  const rawSprints = issue.fields[ids.sprint];
  const sprints = z.array(SprintValueSchema).safeParse(rawSprints ?? []);
  const openSprints = (sprints.success ? sprints.data : [])
    .filter((s) => s.state !== 'closed')
    .map((s) => ({ id: s.id, name: s.name ?? `Sprint ${s.id}`, state: s.state ?? 'active' }));

  const reading = ids.scopedOutcome
    ? readScopedOutcome(issue.fields, ids.scopedOutcome)
    : undefined;
  const scopedOutcome =
    reading?.kind === 'present'
      ? reading.value
      : reading?.kind === 'unreadable'
        ? ('unreadable' as const)
        : undefined;

  const evidenceRaw = ids.discoveryEvidence ? issue.fields[ids.discoveryEvidence] : undefined;
  const evidenceParsed = EvidenceValueSchema.safeParse(
    typeof evidenceRaw === 'string' ? safeJson(evidenceRaw) : evidenceRaw,
  );
  const evidence =
    evidenceRaw !== undefined && evidenceRaw !== null && evidenceParsed.success
      ? {
          counts: {
            interview: evidenceParsed.data.interviews ?? 0,
            'usability-test': evidenceParsed.data.usabilityTests ?? 0,
            'prototype-review': evidenceParsed.data.prototypeReviews ?? 0,
            'concierge-test': evidenceParsed.data.conciergeTests ?? 0,
            experiment: evidenceParsed.data.experiments ?? 0,
          },
          invalidated: evidenceParsed.data.state === 'invalidated',
        }
      : undefined;

  const trackRaw = ids.track ? issue.fields[ids.track] : undefined;
  return {
    id: issue.id,
    key: issue.key,
    summary: basics.data.summary ?? '',
    projectId: basics.data.project.id,
    projectKey: basics.data.project.key,
    typeId: basics.data.issuetype.id,
    typeName: basics.data.issuetype.name,
    openSprints,
    trackField: trackRaw === 'discovery' || trackRaw === 'delivery' ? trackRaw : undefined,
    facts: { typeName: basics.data.issuetype.name, scopedOutcome, evidence },
    restricted: hasSecurityLevel(issue.fields),
    raw: issue,
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The item's track: the project's mapping, else the Track field, else the type's name. */
export function trackOfItem(item: Item, mapping: TrackMapping | undefined, config: Config): Track {
  if (mapping) return trackOfType(mapping, item.typeId);
  return item.trackField ?? trackOfTypeName(item.typeName, config.tracks.discoveryTypeNames);
}

/**
 * The item's discovery entry verdict, from the issue as `readItem` / `readSprintItems` read it.
 * No Jira request unless the item meets the criteria and has linked ideas whose evidence must be
 * read (one bulkfetch, as the app).
 */
export async function entryOfItem(
  item: Item,
  ids: EnforcementFieldIds,
  mapping: TrackMapping | undefined,
  config: Config,
  jiraAsApp: JiraGateway,
): Promise<EntryReading> {
  return entryVerdictOf({
    issue: item.raw,
    ids: { entryTriage: ids.entryTriage, discoveryEvidence: ids.discoveryEvidence },
    tracks: trackResolver(mapping, config.tracks.discoveryTypeNames),
    config,
    jira: jiraAsApp,
    forText: true,
  });
}

/** One issue, fresh, as the app (one Jira call). */
export async function readItem(
  jiraAsApp: JiraGateway,
  issueIdOrKey: string,
  ids: EnforcementFieldIds,
): Promise<Item> {
  return itemOf(await jiraAsApp.getIssue(issueIdOrKey, fieldList(ids)), ids);
}

/** Largest page the Agile API returns. */
export const SPRINT_PAGE = 50;
/** Items one sprint-start check reads at most (10 pages). */
export const SPRINT_SCAN_LIMIT = 500;
/**
 * Pages one sprint read makes at most, whatever their size: the guard against a list that never
 * ends (twice the pages the scan limit needs at full size, so short pages still reach it).
 */
export const SPRINT_PAGE_LIMIT = (2 * SPRINT_SCAN_LIMIT) / SPRINT_PAGE;

export interface SprintItemsRead {
  items: Item[];
  calls: number;
  skipped: string[];
  /**
   * Items of the sprint not read: 0 when every item was; otherwise Jira's count when it gave a
   * `total` (`unreadCounted`), or 1 meaning "at least one more" when it did not.
   */
  unread: number;
  unreadCounted: boolean;
  /** Why reading stopped: the sprint's end, the scan limit, or the page limit (a clear error). */
  stop: 'end' | 'scan-limit' | 'page-limit';
}

/**
 * The sprint's issues with the fields enforcement reads, page by page, to the end as Jira
 * signals it (src/jira/offset-paging.ts: an empty page, `isLast`, or a short page that reaches
 * `total`; never `total` alone), at most SPRINT_SCAN_LIMIT items and SPRINT_PAGE_LIMIT pages.
 * An item a later page repeats (offset pages over a list that changes) is kept once.
 */
export async function readSprintItems(
  jiraAsApp: JiraGateway,
  sprintId: number,
  ids: EnforcementFieldIds,
): Promise<SprintItemsRead> {
  const items: Item[] = [];
  const skipped: string[] = [];
  const seen = new Set<string>();
  const fields = fieldList(ids).join(',');
  const read = await readOffsetPages({
    pageSize: SPRINT_PAGE,
    maxItems: SPRINT_SCAN_LIMIT,
    maxPages: SPRINT_PAGE_LIMIT,
    fetchPage: async (startAt, maxResults) => {
      const page = await sprintIssuesPage(jiraAsApp, sprintId, { startAt, maxResults, fields });
      return { meta: page, values: page.issues ?? [] };
    },
    onPage: (issues) => {
      for (const issue of issues) {
        if (seen.has(issue.id)) continue;
        seen.add(issue.id);
        try {
          items.push(itemOf(issue, ids));
        } catch (error) {
          skipped.push(`${issue.key}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    },
  });
  const rest = read.rest;
  return {
    items,
    calls: read.calls,
    skipped,
    unread: rest.kind === 'none' ? 0 : rest.kind === 'counted' ? rest.count : 1,
    unreadCounted: rest.kind !== 'more',
    stop: read.stop === 'item-limit' ? 'scan-limit' : read.stop,
  };
}

/** Items a queued sprint-start check lists at most (400 pages of 50). */
export const SPRINT_JOB_MAX_ITEMS = 20_000;

/**
 * Every item of the sprint, id and key only (the decisions read each item fresh later), for a
 * sprint too large for one invocation; at most SPRINT_JOB_MAX_ITEMS, each once.
 */
export async function readSprintIds(
  jiraAsApp: JiraGateway,
  sprintId: number,
): Promise<{ items: Array<{ id: string; key: string }>; unread: number }> {
  const items: Array<{ id: string; key: string }> = [];
  const seen = new Set<string>();
  const read = await readOffsetPages({
    pageSize: SPRINT_PAGE,
    maxItems: SPRINT_JOB_MAX_ITEMS,
    maxPages: (2 * SPRINT_JOB_MAX_ITEMS) / SPRINT_PAGE,
    fetchPage: async (startAt, maxResults) => {
      const page = await sprintIssuesPage(jiraAsApp, sprintId, {
        startAt,
        maxResults,
        fields: 'issuetype',
      });
      return { meta: page, values: page.issues ?? [] };
    },
    onPage: (issues) => {
      for (const issue of issues) {
        if (seen.has(issue.id)) continue;
        seen.add(issue.id);
        items.push({ id: issue.id, key: issue.key });
      }
    },
  });
  const rest = read.rest;
  return { items, unread: rest.kind === 'none' ? 0 : rest.kind === 'counted' ? rest.count : 1 };
}

export { BULK_FETCH_MAX };

/**
 * Some items, fresh, as the app: one POST /rest/api/3/issue/bulkfetch per 100. Items Jira no
 * longer returns (deleted, or out of the app's sight) are missing from the answer.
 */
export async function readItems(
  jiraAsApp: JiraGateway,
  issueIds: readonly string[],
  ids: EnforcementFieldIds,
): Promise<{ items: Item[]; calls: number; skipped: string[] }> {
  const items: Item[] = [];
  const skipped: string[] = [];
  let calls = 0;
  for (let i = 0; i < issueIds.length; i += BULK_FETCH_MAX) {
    const issues = await bulkFetchIssues(
      jiraAsApp,
      issueIds.slice(i, i + BULK_FETCH_MAX),
      fieldList(ids),
    );
    calls += 1;
    for (const issue of issues) {
      try {
        items.push(itemOf(issue, ids));
      } catch (error) {
        skipped.push(`${issue.key}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  return { items, calls, skipped };
}

export async function readSprint(jiraAsApp: JiraGateway, sprintId: number) {
  return getSprint(jiraAsApp, sprintId);
}
