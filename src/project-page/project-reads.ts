import type { Config } from '../domain/config';
import {
  isReadyDelivery,
  type EntryFlagRead,
  readyWorkOf,
  readyWorkSuffices,
  type EstimateUnit,
  type ProjectItem,
  type ReadyWork,
  type UnreadBacklog,
  type UnreadIdeas,
} from '../domain/signals';

/**
 * What the project page reads of a project's open items, instead of every one of them: whole
 * sets where a signal needs every member (the discovery track, the active sprint), and only the
 * first items in rank order of the long delivery lists, with their counts. Pure: the loader fills
 * it with targeted Jira queries; `readsOfAllItems` fills it from every open item (the reference
 * the bounded reads are checked against, and the bench's plain baseline).
 */

/** Items listed per column (and per signal list); the rest are counted, not sent. */
export const LIST_LIMIT = 50;

export interface ProjectReads {
  /** Every open discovery item (ideas, spikes, enablers), in rank order. */
  discovery: ProjectItem[];
  /**
   * The board's active sprint beyond its open discovery items (those are in `discovery`): every
   * delivery item, done or not, and every finished discovery item, in rank order. With
   * `discovery` it is all of the sprint's work, which the capacity split is measured on.
   */
  activeSprint: ProjectItem[];
  /**
   * Ready delivery items (not started, not in the active sprint) in rank order: every one
   * (`complete`), or the first ones, at least LIST_LIMIT of them and, counted in points, enough
   * that their estimate passes `readyWorkSuffices`. `count` is how many there are.
   */
  ready: {
    items: ProjectItem[];
    complete: boolean;
    count: number;
    /** Every ready item with an estimate was read (ready-read.ts), though the list was not. */
    estimatesComplete?: boolean;
  };
  /** Delivery items in progress outside the active sprint: the first ones and how many. */
  inProgress: { items: ProjectItem[]; count: number };
  /** Evidence badge text by issue key (discovery items with evidence only). */
  evidenceText: Map<string, string>;
  /**
   * Open delivery items meeting the discovery entry criteria without finished discovery (the
   * whole track and sprint included), in rank order: every one, or the first LIST_LIMIT.
   */
  needsDiscovery: EntryFlagRead;
  /**
   * Unscoped spikes and enablers of the backlog counted instead of read (backlog-read.ts): not
   * in `discovery`, which holds their first LIST_LIMIT in rank order and most idle ones.
   */
  unreadBacklog?: UnreadBacklog;
  /**
   * Quiet ideas of the connected JPD spaces counted instead of read (ideas-count.ts), all in
   * the validating column: not in `discovery`, which holds those the column lists.
   */
  unreadIdeas?: UnreadIdeas;
}

/** How many spikes and enablers of the unscoped backlog a load counted but did not read. */
export const unreadBacklogCount = (reads: Pick<ProjectReads, 'unreadBacklog'>): number =>
  (reads.unreadBacklog?.enabler ?? 0) + (reads.unreadBacklog?.spike ?? 0);

/** How many open discovery items a load counted but did not read. */
export const unreadCount = (reads: Pick<ProjectReads, 'unreadBacklog' | 'unreadIdeas'>): number =>
  unreadBacklogCount(reads) + (reads.unreadIdeas?.validating ?? 0);

/**
 * Whether a reader going through the ready backlog in rank order (each item judged, see
 * ready-work.ts) has read enough: the first LIST_LIMIT items for the list, and truly ready work
 * past the point where it can no longer change runway's verdict. Without a velocity there is no
 * runway to measure.
 */
export function readyReadSuffices(
  items: readonly ProjectItem[],
  unit: EstimateUnit,
  velocity: number | undefined,
  config: Config,
): boolean {
  if (items.length < LIST_LIMIT) return false;
  if (velocity === undefined || velocity <= 0) return true;
  return readyWorkSuffices(readyWorkOf(items, unit).work, velocity, config.runway);
}

/**
 * Ready work for runway: the truly ready work of what was read, a lower bound when the read
 * stopped early (then past the pause threshold, see readyReadSuffices).
 */
export function readyWorkOfReads(reads: ProjectReads, unit: EstimateUnit): ReadyWork {
  return readyWorkOf(reads.ready.items, unit, reads.ready.complete);
}

/**
 * The reads, made from every open item and the active sprint's finished items in rank order
 * (nothing left out; other done items are ignored).
 */
export function readsOfAllItems(
  items: readonly ProjectItem[],
  evidenceText: ReadonlyMap<string, string>,
  needsDiscovery: EntryFlagRead = { kind: 'off' },
): ProjectReads {
  const reads: ProjectReads = {
    discovery: [],
    activeSprint: [],
    ready: { items: [], complete: true, count: 0 },
    inProgress: { items: [], count: 0 },
    evidenceText: new Map(evidenceText),
    needsDiscovery,
  };
  for (const item of items) {
    const inSprint = item.sprint?.state === 'active';
    if (item.statusCategory === 'done') {
      if (inSprint) reads.activeSprint.push(item);
    } else if (item.track === 'discovery') reads.discovery.push(item);
    else if (inSprint) reads.activeSprint.push(item);
    else if (isReadyDelivery(item)) reads.ready.items.push(item);
    else reads.inProgress.items.push(item);
  }
  reads.ready.count = reads.ready.items.length;
  reads.inProgress.count = reads.inProgress.items.length;
  return reads;
}
