import type { SeedShape } from '../emulator/demo-project';
import { buildOverview, type OverviewInput } from '../../src/project-page/build-overview';
import { averageVelocity, idleBefore } from '../../src/domain/signals';
import { isQuietIdea } from '../../src/project-page/ideas-count';
import { LIST_LIMIT, readyReadSuffices } from '../../src/project-page/project-reads';
import { inUnscopedBacklog } from '../../src/project-page/backlog-read';
import { isWaiverActive } from '../../src/domain/sprint-readiness';

/**
 * The data shapes the bench loads the project page on (docs/costs.md, "The bench on realistic
 * data"), and what the page needs of each, worked out from every open item rather than from the
 * app's own reads: the items it shows or its signals need, and the lists it can only count.
 * The independent lower bound (cost-model.ts) is computed from this.
 */

export interface DataVariant {
  name: string;
  label: string;
  seed: SeedShape;
  /** A Jira Product Discovery space connected to the project: one open idea per `itemsPerIdea`. */
  jpd?: { itemsPerIdea: number; linkEvery: number };
}

export const VARIANTS: readonly DataVariant[] = [
  { name: 'demo', label: 'delivery items estimated, 1 in 10 discovery', seed: {} },
  { name: 'all-estimated', label: 'every item estimated', seed: { estimated: 'all' } },
  { name: 'none-estimated', label: 'no open delivery item estimated', seed: { estimated: 'none' } },
  { name: '1-in-20', label: '1 in 20 delivery items estimated', seed: { estimated: 20 } },
  { name: 'discovery-30', label: '30% discovery items', seed: { discoveryPerTen: 3 } },
  {
    name: 'jpd-space',
    label: 'a connected JPD space, 1 idea per 20 items',
    seed: {},
    jpd: { itemsPerIdea: 20, linkEvery: 50 },
  },
];

export function variantsNamed(names: readonly string[]): DataVariant[] {
  return names.map((name) => {
    const variant = VARIANTS.find((v) => v.name === name);
    if (!variant) {
      throw new Error(`bench: no variant "${name}" (${VARIANTS.map((v) => v.name).join(', ')})`);
    }
    return variant;
  });
}

/** What the page needs, from a load that read every open item. */
export interface NeededItems {
  /** Distinct issues the page shows or its signals need (open items, velocity's done items, linked ideas). */
  items: number;
  /** By read, before the union (a key in two reads counts once in `items`). */
  byRead: Record<string, number>;
  /** Lists the page shows only a count of beyond what it lists (one count request each). */
  counts: number;
  /** The same with the unscoped backlog and the spaces' quiet ideas counted (countedNeeds). */
  counted?: { items: number; counts: number } | undefined;
}

/**
 * The items the page must read: every open discovery item and the active sprint (their
 * signals judge each one), the done items of the velocity sprints, the ready items in rank
 * order up to where the list and runway have enough, the first LIST_LIMIT items in progress,
 * the flagged items of the entry criteria (the covered ones are not known by key here, so they
 * are left out: the bound only gets lower), and the linked ideas fetched for their evidence.
 */
export function neededItems(
  data: OverviewInput,
  velocityItems: number,
  evidenceIssues: number,
): NeededItems {
  const { reads } = data;
  const velocity = averageVelocity(data.closedSprints);
  const ready = reads.ready.items;
  let readyEnd = ready.length;
  for (let n = 1; n < ready.length; n++) {
    if (readyReadSuffices(ready.slice(0, n), data.unit, velocity, data.config)) {
      readyEnd = n;
      break;
    }
  }
  // Counted in points, an item without an estimate adds nothing to runway's ready work: past
  // the list's first LIST_LIMIT, runway needs only the estimated items up to where it suffices.
  const readyItems = ready
    .slice(0, readyEnd)
    .filter((item, i) => i < LIST_LIMIT || data.unit !== 'points' || item.estimate !== undefined);
  const readyNeeded = readyItems.length;
  const inProgressNeeded = Math.min(LIST_LIMIT, reads.inProgress.count);
  const entry = reads.needsDiscovery;
  const entryPast = entry.kind === 'read' && entry.flagged.length > LIST_LIMIT;
  const flagged = entry.kind === 'read' ? entry.flagged.slice(0, LIST_LIMIT) : [];
  const keys = new Set<string>();
  const add = (list: ReadonlyArray<{ key: string }>) => list.forEach((i) => keys.add(i.key));
  add(reads.discovery);
  add(reads.activeSprint);
  add(readyItems);
  add(reads.inProgress.items.slice(0, inProgressNeeded));
  add(flagged);
  const counts =
    (readyNeeded < reads.ready.count ? 1 : 0) +
    (inProgressNeeded < reads.inProgress.count ? 1 : 0) +
    (entryPast ? 1 : 0);
  const counted = countedNeeds(data, keys);
  return {
    ...(counted
      ? {
          counted: {
            items: counted.items + velocityItems + evidenceIssues,
            counts: counts + counted.counts,
          },
        }
      : {}),
    // Velocity's done items and the linked ideas are not among the open items read above.
    items: keys.size + velocityItems + evidenceIssues,
    byRead: {
      discovery: reads.discovery.length,
      activeSprint: reads.activeSprint.length,
      velocity: velocityItems,
      ready: readyNeeded,
      inProgress: inProgressNeeded,
      entryFlagged: flagged.length,
      linkedIdeas: evidenceIssues,
    },
    counts,
  };
}

/** Items the page needs only a count of, and how many count requests that takes. */
interface Countable {
  dropped: ReadonlySet<string>;
  counts: number;
}

/**
 * What the page needs with the parts of the discovery track it can count counted: the unscoped
 * backlog (src/project-page/backlog-read.ts) and the connected spaces' quiet ideas
 * (src/project-page/ideas-count.ts). Undefined when neither leaves an item unread.
 */
function countedNeeds(
  data: OverviewInput,
  keys: ReadonlySet<string>,
): { items: number; counts: number } | undefined {
  const parts = [countedBacklogNeeds(data), countedIdeasNeeds(data)].filter(
    (p): p is Countable => p !== undefined && p.dropped.size > 0,
  );
  if (parts.length === 0) return undefined;
  const items = [...keys].filter((k) => parts.every((p) => !p.dropped.has(k))).length;
  return { items, counts: parts.reduce((n, p) => n + p.counts, 0) };
}

/**
 * The unscoped backlog counted: of it, only its first LIST_LIMIT in rank order and its
 * LIST_LIMIT least recently touched idle ones, and a count of each kind it holds and of its idle
 * ones where those lists stop short. Undefined when the backlog fits one list (reading it costs
 * no more than counting it).
 */
function countedBacklogNeeds(data: OverviewInput): Countable | undefined {
  const waived = new Set(
    (data.waivers ?? []).filter((w) => isWaiverActive(w, data.now)).map((w) => w.issueId),
  );
  const backlog = data.reads.discovery.filter((i) =>
    inUnscopedBacklog(i, data.config.scopedOutcome, waived),
  );
  if (backlog.length <= LIST_LIMIT) return undefined;
  const threshold = idleBefore(data.now, data.config.staleness.discoveryIdleDays);
  const idle = backlog
    .filter((i) => Date.parse(i.updated) < threshold)
    .sort((a, b) => Date.parse(a.updated) - Date.parse(b.updated));
  const needed = new Set(
    [...backlog.slice(0, LIST_LIMIT), ...idle.slice(0, LIST_LIMIT)].map((i) => i.key),
  );
  const kinds = new Set(backlog.map((i) => i.kind)).size;
  return {
    dropped: new Set(backlog.filter((i) => !needed.has(i.key)).map((i) => i.key)),
    counts: kinds + (idle.length > LIST_LIMIT ? 1 : 0),
  };
}

/**
 * The spaces' quiet ideas counted: of them, only those the page lists (the validating column and
 * the idle signal, as built from every item), and a count of them and of their idle ones where
 * those lists leave some out.
 */
function countedIdeasNeeds(data: OverviewInput): Countable | undefined {
  const own = data.project.key;
  const quiet = data.reads.discovery.filter(
    (i) => i.statusCategory !== 'done' && !i.key.startsWith(`${own}-`) && isQuietIdea(i),
  );
  if (quiet.length === 0) return undefined;
  const page = buildOverview(data);
  const listed = new Set(
    [...page.discovery.validating, ...page.signals.openEnded.idleItems].map((i) => i.key),
  );
  const threshold = idleBefore(data.now, data.config.staleness.discoveryIdleDays);
  const unread = quiet.filter((i) => !listed.has(i.key));
  return {
    dropped: new Set(unread.map((i) => i.key)),
    counts:
      (unread.length > 0 ? 1 : 0) + (unread.some((i) => Date.parse(i.updated) < threshold) ? 1 : 0),
  };
}
