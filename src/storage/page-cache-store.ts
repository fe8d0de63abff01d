import { z } from 'zod';
import { PAGE_CACHE_KEYS } from './key-families';
import { parseStored, removeOne, StoredValueError, writeOne } from './kvs-store';

/**
 * What the project page remembers of Jira's configuration, as the field ids are remembered: the
 * project's issue types, the board it reads and each board's estimation field. They change only
 * when an admin edits the issue type scheme or the board, which Jira sends no event for, so they
 * are read again after SITE_MAX_AGE_MS, after setup runs, and when a load meets an issue type the
 * list lacks (the board: when Jira no longer answers for it).
 */

/** How long remembered issue types and board configurations are used before Jira is asked. */
export const SITE_MAX_AGE_MS = 60 * 60 * 1000;

const TypeSchema = z.object({ id: z.string(), name: z.string() }).strict();
const EstimationSchema = z.object({ fieldId: z.string(), displayName: z.string() }).strict();

/**
 * The board a load picked for the project's board setting (`choice`, 0: the default): a Scrum
 * board, chosen or the project's only one (src/project-page/board-pick.ts).
 */
const PickSchema = z
  .object({
    choice: z.number().int().nonnegative(),
    id: z.number().int(),
    name: z.string(),
    projectName: z.string().optional(),
    chosen: z.boolean(),
    savedAt: z.string(),
  })
  .strict();
export type RememberedPick = Omit<z.infer<typeof PickSchema>, 'savedAt'>;

/** Whether a read (its JQL, `query`) found few items last time: then it is folded into another. */
const FoldSchema = z.object({ query: z.string(), few: z.boolean(), savedAt: z.string() }).strict();

/** The reads a load may fold into the whole sets' search when the last load found few items. */
export type FoldedRead =
  'entryRead' | 'estimatedRead' | 'jpdRead' | 'backlogRead' | 'inProgressRead';

export const PageSiteSchema = z
  .object({
    version: z.literal(1),
    issueTypes: z
      .object({ projectId: z.string(), savedAt: z.string(), types: z.array(TypeSchema) })
      .strict()
      .optional(),
    /**
     * By board id; `estimation` null: the board counts issues. `rankFieldId`: the board's Rank
     * field (null: not named; absent: saved before it was remembered).
     */
    boards: z.record(
      z.string(),
      z
        .object({
          savedAt: z.string(),
          estimation: EstimationSchema.nullable(),
          rankFieldId: z.string().nullable().optional(),
        })
        .strict(),
    ),
    /** The board the last load read, so that the next one reads its sprints without a lookup. */
    pick: PickSchema.optional(),
    /**
     * What the last load found of the entry criteria's read (`query`, its JQL): whether it held
     * at most FOLD_MAX matching items (`few`). Only the next load's plan depends on it
     * (src/project-page/read-plan.ts), never what the page shows.
     */
    entryRead: FoldSchema.optional(),
    /** The same of the ready items with an estimate, read past the ready list (ready-read.ts). */
    estimatedRead: FoldSchema.optional(),
    /** The same of the connected JPD spaces' ideas: every space was found (jpd-read.ts). */
    jpdRead: FoldSchema.optional(),
    /**
     * The same of the delivery items in progress outside the sprint: `few` when reading them with
     * the whole sets saves calls (src/project-page/in-progress-read.ts, `foldInProgressNext`).
     */
    inProgressRead: FoldSchema.optional(),
    /**
     * The same of the unscoped backlog (src/project-page/backlog-read.ts, `backlogNext`): `few`
     * when reading it with the track asks Jira no more than counting it (or Jira refused its
     * count), so it is read whole; `idleUpTo` (ms after the epoch): counted, its idle list comes
     * with the whole sets' search up to that last change.
     */
    backlogRead: FoldSchema.extend({ idleUpTo: z.number().int().optional() }).strict().optional(),
    /**
     * The connected JPD spaces' quiet ideas (src/project-page/ideas-count.ts), by the spaces'
     * JQL: `few` when fewer than COUNTED_IDEAS_MIN (or Jira refused their count), so they are
     * read; the statuses they were seen in; `room` when the project's own ideas left room for
     * them in the validating column.
     */
    quietIdeas: z
      .object({
        query: z.string(),
        few: z.boolean(),
        statuses: z.array(z.string()).max(50),
        room: z.boolean(),
        savedAt: z.string(),
      })
      .strict()
      .optional(),
    /**
     * What the last load's whole-sets search found (how many issues, their lowest and highest
     * id): the next load plans its parts from it (search-in-parts.ts, `searchByShape`).
     */
    wholeSets: z
      .object({
        size: z.number().int().nonnegative(),
        low: z.number().int(),
        high: z.number().int(),
        /** The ids cutting them into the planned parts of equal size (search-in-parts.ts). */
        cuts: z.array(z.number().int()).max(23).optional(),
        /** The search's JQL condition: the shape plans only that search. */
        query: z.string().optional(),
        savedAt: z.string(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type PageSite = z.infer<typeof PageSiteSchema>;

export const EMPTY_PAGE_SITE: PageSite = { version: 1, boards: {} };

/** The remembered site shape of a project from its stored value; unreadable: nothing. */
export function pageSiteOf(projectKey: string, raw: unknown): PageSite {
  try {
    return parseStored(PAGE_CACHE_KEYS.site(projectKey), PageSiteSchema, raw) ?? EMPTY_PAGE_SITE;
  } catch (error) {
    if (error instanceof StoredValueError) return EMPTY_PAGE_SITE;
    throw error;
  }
}

const fresh = (savedAt: string, now: Date): boolean => {
  const age = now.getTime() - Date.parse(savedAt);
  return age >= 0 && age < SITE_MAX_AGE_MS;
};

/** The project's issue types when remembered recently enough, else undefined. */
export function rememberedTypes(
  site: PageSite,
  projectId: string,
  now: Date,
): Array<{ id: string; name: string }> | undefined {
  const t = site.issueTypes;
  return t && t.projectId === projectId && fresh(t.savedAt, now) ? t.types : undefined;
}

/** The board's estimation (null: counts issues) when remembered recently enough. */
export function rememberedEstimation(
  site: PageSite,
  boardId: number,
  now: Date,
): { fieldId: string; displayName: string } | null | undefined {
  const board = site.boards[String(boardId)];
  return board && fresh(board.savedAt, now) ? board.estimation : undefined;
}

/** The board's Rank field id when remembered recently enough (with its estimation). */
export function rememberedRankField(
  site: PageSite,
  boardId: number,
  now: Date,
): string | undefined {
  const board = site.boards[String(boardId)];
  return board && fresh(board.savedAt, now) ? (board.rankFieldId ?? undefined) : undefined;
}

/** The board picked for this board setting (0: the default) when remembered recently enough. */
export function rememberedPick(
  site: PageSite,
  choice: number,
  now: Date,
): RememberedPick | undefined {
  const pick = site.pick;
  if (!pick || pick.choice !== choice || !fresh(pick.savedAt, now)) return undefined;
  return {
    choice: pick.choice,
    id: pick.id,
    name: pick.name,
    ...(pick.projectName === undefined ? {} : { projectName: pick.projectName }),
    chosen: pick.chosen,
  };
}

const samePick = (a: RememberedPick, b: RememberedPick): boolean =>
  a.choice === b.choice &&
  a.id === b.id &&
  a.name === b.name &&
  a.projectName === b.projectName &&
  a.chosen === b.chosen;

/**
 * The board pick to remember (undefined: forget it), or `unchanged` when the remembered one is
 * recent and says the same.
 */
export function pickToSave(
  site: PageSite,
  next: RememberedPick | undefined,
  now: Date,
): { pick: PageSite['pick'] } | 'unchanged' {
  const held = site.pick && fresh(site.pick.savedAt, now) ? site.pick : undefined;
  const same = next ? held !== undefined && samePick(held, next) : site.pick === undefined;
  return same ? 'unchanged' : { pick: next && { ...next, savedAt: now.toISOString() } };
}

/**
 * Items up to which a read is folded into the whole sets' search (one search fewer) when the
 * last load found no more: a page's worth.
 */
export const FOLD_MAX = 100;

/** Whether the last load, recently enough, found few items for this read (`query`, its JQL). */
export function foldedFew(site: PageSite, read: FoldedRead, query: string, now: Date): boolean {
  const hint = heldHint(site, read, query, now);
  return hint?.few === true;
}

/** The remembered hint of this read (a fold's, or the quiet ideas') for this JQL, when recent enough. */
export function heldHint<K extends FoldedRead | 'quietIdeas'>(
  site: PageSite,
  read: K,
  query: string,
  now: Date,
): PageSite[K] | undefined {
  const hint = site[read];
  return hint && hint.query === query && fresh(hint.savedAt, now) ? hint : undefined;
}

/** The quiet ideas' hint to remember, or undefined when the remembered one says the same. */
export function quietIdeasToSave(
  site: PageSite,
  found: Omit<NonNullable<PageSite['quietIdeas']>, 'savedAt'>,
  now: Date,
): PageSite['quietIdeas'] {
  const held = heldHint(site, 'quietIdeas', found.query, now);
  const same =
    held &&
    held.few === found.few &&
    held.room === found.room &&
    held.statuses.join('\n') === found.statuses.join('\n');
  return same ? undefined : { ...found, savedAt: now.toISOString() };
}

/** What to remember of this load's read, or undefined when the remembered one still holds. */
export function foldHintToSave(
  site: PageSite,
  read: FoldedRead,
  query: string,
  few: boolean,
  now: Date,
): PageSite[FoldedRead] {
  if (heldHint(site, read, query, now)?.few === few) return undefined;
  return { query, few, savedAt: now.toISOString() };
}

/** The unscoped backlog's hint to remember, or undefined when the remembered one says the same. */
export function backlogHintToSave(
  site: PageSite,
  query: string,
  next: { few: boolean; idleUpTo?: number | undefined },
  now: Date,
): PageSite['backlogRead'] {
  const held = heldHint(site, 'backlogRead', query, now);
  if (held && held.few === next.few && held.idleUpTo === next.idleUpTo) return undefined;
  const idleUpTo = next.idleUpTo === undefined ? {} : { idleUpTo: next.idleUpTo };
  return { query, few: next.few, ...idleUpTo, savedAt: now.toISOString() };
}

/** How many issues a search read, their lowest and highest id, and its JQL condition. */
export interface RememberedShape {
  size: number;
  low: number;
  high: number;
  cuts?: number[] | undefined;
  query?: string | undefined;
}

/** The whole-sets search's last shape, when remembered recently enough. */
export function rememberedShape(site: PageSite, now: Date): RememberedShape | undefined {
  const shape = site.wholeSets;
  return shape && fresh(shape.savedAt, now)
    ? { size: shape.size, low: shape.low, high: shape.high, cuts: shape.cuts, query: shape.query }
    : undefined;
}

export async function savePageSite(projectKey: string, site: PageSite): Promise<void> {
  await writeOne(PAGE_CACHE_KEYS.site(projectKey), PageSiteSchema.parse(site));
}

/** Forgets the project's remembered issue types and boards: the next load asks Jira. */
export async function forgetPageSite(projectKey: string): Promise<void> {
  await removeOne(PAGE_CACHE_KEYS.site(projectKey));
}
