import { differenceInCalendarDays, parseISO } from 'date-fns';
import type { Config } from '../domain/config';
import { checkScopedOutcome } from '../domain/readiness';
import {
  computeSignals,
  discoveryStage,
  type ClosedSprintResult,
  type DiscoveryStage,
  type EstimateUnit,
  type FlaggedItem,
  type ProjectItem,
  type Signals,
} from '../domain/signals';
import type { OverviewItem, ProjectOverview } from '../shared/project-overview';
import { LIST_LIMIT, readyWorkOfReads, type ProjectReads } from './project-reads';

/**
 * Builds the page's answer from what was read. Pure: the signals come from the domain, this
 * only sorts items into the page's columns, adds badges and trims every list to LIST_LIMIT so
 * that the answer stays small whatever the project's size (each column's count says how many
 * it holds; what is left out is counted in `totals.omitted`).
 */

export { LIST_LIMIT };

export interface OverviewInput {
  project: { id: string; key: string; name: string };
  now: Date;
  unit: EstimateUnit;
  board: { id: number; name: string } | null;
  activeSprint: { id: number; name: string } | null;
  closedSprints: readonly ClosedSprintResult[];
  reads: ProjectReads;
  config: Config;
  notes: readonly string[];
}

const STAGES: readonly DiscoveryStage[] = ['new', 'validating', 'validated', 'invalidated'];

export function buildOverview(input: OverviewInput): ProjectOverview {
  const { reads } = input;
  const signals = computeSignals({
    // Every item capacity, open-ended discovery and unscoped enablers look at: the discovery
    // track and the active sprint's delivery work (discovery items in the sprint are in both).
    items: [...reads.discovery, ...reads.activeSprint],
    ready: readyWorkOfReads(reads, input.unit),
    closedSprints: input.closedSprints,
    activeSprint: input.activeSprint ?? undefined,
    hasBoard: input.board !== null,
    unit: input.unit,
    config: input.config,
    now: input.now,
    entry: reads.needsDiscovery,
  });
  const overrun = new Map(signals.openEnded.overrunSpikes.map((s) => [s.key, s]));
  const flagged = new Map(signals.needsDiscovery.items.map((f) => [f.key, f]));
  const list = (
    items: readonly ProjectItem[],
    stage: (item: ProjectItem) => DiscoveryStage | null,
  ) =>
    items
      .slice(0, LIST_LIMIT)
      .map((item) => toOverviewItem(item, stage(item), input, overrun, flagged));

  const byStage = Object.fromEntries(STAGES.map((s) => [s, [] as ProjectItem[]])) as Record<
    DiscoveryStage,
    ProjectItem[]
  >;
  for (const item of reads.discovery) byStage[discoveryStage(item)].push(item);
  const discovery = Object.fromEntries(STAGES.map((s) => [s, list(byStage[s], () => s)])) as Record<
    DiscoveryStage,
    OverviewItem[]
  >;
  const delivery = {
    activeSprint: list(reads.activeSprint, () => null),
    ready: list(reads.ready.items, () => null),
    inProgress: list(reads.inProgress.items, () => null),
  };
  const columnCounts = {
    discovery: Object.fromEntries(STAGES.map((s) => [s, byStage[s].length])) as Record<
      DiscoveryStage,
      number
    >,
    delivery: {
      activeSprint: reads.activeSprint.length,
      // A count may lag the lists it is taken with: never below what is listed.
      ready: Math.max(reads.ready.count, delivery.ready.length),
      inProgress: Math.max(reads.inProgress.count, delivery.inProgress.length),
    },
  };
  let omitted = 0;
  for (const s of STAGES) omitted += columnCounts.discovery[s] - discovery[s].length;
  for (const c of ['activeSprint', 'ready', 'inProgress'] as const) {
    omitted += columnCounts.delivery[c] - delivery[c].length;
  }
  const trimmed = trimSignals(signals);
  omitted += trimmed.omitted;
  const notes = [...input.notes];
  if (omitted > 0) {
    notes.push(
      `This project is large: each list shows its first ${LIST_LIMIT} items; ${omitted} more are counted in the totals but not listed.`,
    );
  }
  const deliveryTotal =
    columnCounts.delivery.activeSprint +
    columnCounts.delivery.ready +
    columnCounts.delivery.inProgress;
  return {
    project: input.project,
    generatedAt: input.now.toISOString(),
    unit: input.unit,
    board: input.board,
    activeSprint: input.activeSprint,
    signals: trimmed.signals,
    discovery,
    delivery,
    columnCounts,
    listLimit: LIST_LIMIT,
    totals: {
      openItems: reads.discovery.length + deliveryTotal,
      discovery: reads.discovery.length,
      delivery: deliveryTotal,
      omitted,
    },
    notes,
  };
}

function toOverviewItem(
  item: ProjectItem,
  stage: DiscoveryStage | null,
  input: OverviewInput,
  overrun: ReadonlyMap<string, { daysUsed: number; timeboxDays: number }>,
  flagged: ReadonlyMap<string, FlaggedItem>,
): OverviewItem {
  const spike = overrun.get(item.key);
  const flag = flagged.get(item.key);
  const needsOutcome = item.kind === 'enabler' || item.kind === 'spike';
  return {
    key: item.key,
    summary: item.summary,
    issueType: item.issueType,
    kind: item.kind,
    track: item.track,
    status: item.status,
    statusCategory: item.statusCategory,
    estimate: item.estimate ?? null,
    stage,
    inActiveSprint: item.sprint?.state === 'active',
    badges: {
      evidence: input.reads.evidenceText.get(item.key) ?? null,
      noScopedOutcome:
        needsOutcome && !checkScopedOutcome(item.scopedOutcome, input.config.scopedOutcome).ready,
      spikeOverrun: spike ? { daysUsed: spike.daysUsed, timeboxDays: spike.timeboxDays } : null,
      ageDays: Math.max(0, differenceInCalendarDays(input.now, parseISO(item.created))),
      entry: flag ? { state: flag.state, text: entryBadgeText(flag) } : null,
    },
  };
}

/** "Explore first: uncertainty high" or "Waiting on DT-12". */
export function entryBadgeText(flag: FlaggedItem): string {
  return flag.state === 'waiting'
    ? `Waiting on ${flag.waitingOn.join(', ')}`
    : `Explore first: ${flag.reasons.join(', ')}`;
}

/** The signals' own item lists, cut to LIST_LIMIT (their counts and reasons stay complete). */
function trimSignals(signals: Signals): { signals: Signals; omitted: number } {
  const cut = <T>(list: T[]): T[] => list.slice(0, LIST_LIMIT);
  const omitted =
    Math.max(0, signals.openEnded.overrunSpikes.length - LIST_LIMIT) +
    Math.max(0, signals.openEnded.idleItems.length - LIST_LIMIT) +
    Math.max(0, signals.unscopedEnablers.items.length - LIST_LIMIT) +
    Math.max(0, signals.needsDiscovery.items.length - LIST_LIMIT);
  return {
    omitted,
    signals: {
      ...signals,
      openEnded: {
        ...signals.openEnded,
        overrunSpikes: cut(signals.openEnded.overrunSpikes),
        idleItems: cut(signals.openEnded.idleItems),
      },
      unscopedEnablers: {
        ...signals.unscopedEnablers,
        items: cut(signals.unscopedEnablers.items),
      },
      needsDiscovery: { ...signals.needsDiscovery, items: cut(signals.needsDiscovery.items) },
    },
  };
}
