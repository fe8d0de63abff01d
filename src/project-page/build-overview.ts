import { differenceInCalendarDays, parseISO } from 'date-fns';
import type { Config } from '../domain/config';
import { checkScopedOutcome } from '../domain/readiness';
import {
  computeSignals,
  discoveryStage,
  type ClosedSprintResult,
  type DiscoveryStage,
  type EstimateUnit,
  type ProjectItem,
  type Signals,
} from '../domain/signals';
import type { OverviewItem, ProjectOverview } from '../shared/project-overview';

/**
 * Builds the page's answer from the loaded data. Pure: the signals come from the domain, this
 * only sorts items into the page's columns, adds badges and trims every list so that the answer
 * stays small whatever the project's size (what is left out is counted in `totals.omitted`).
 */

/** Items shown per column (and per signal list); the rest are counted, not sent. */
export const LIST_LIMIT = 200;

export interface OverviewInput {
  project: { id: string; key: string; name: string };
  now: Date;
  unit: EstimateUnit;
  board: { id: number; name: string } | null;
  activeSprint: { id: number; name: string } | null;
  closedSprints: readonly ClosedSprintResult[];
  /** Open items in rank order. */
  items: readonly ProjectItem[];
  /** Evidence badge text by issue key (discovery items with evidence only). */
  evidenceText: ReadonlyMap<string, string>;
  config: Config;
  notes: readonly string[];
}

const STAGES: readonly DiscoveryStage[] = ['new', 'validating', 'validated', 'invalidated'];

export function buildOverview(input: OverviewInput): ProjectOverview {
  const signals = computeSignals({
    items: input.items,
    closedSprints: input.closedSprints,
    activeSprint: input.activeSprint ?? undefined,
    hasBoard: input.board !== null,
    unit: input.unit,
    config: input.config,
    now: input.now,
  });
  const overrun = new Map(signals.openEnded.overrunSpikes.map((s) => [s.key, s]));
  let omitted = 0;
  const columns = {
    discovery: Object.fromEntries(STAGES.map((s) => [s, [] as OverviewItem[]])) as Record<
      DiscoveryStage,
      OverviewItem[]
    >,
    activeSprint: [] as OverviewItem[],
    ready: [] as OverviewItem[],
    inProgress: [] as OverviewItem[],
  };
  const push = (list: OverviewItem[], item: ProjectItem, stage: DiscoveryStage | null) => {
    if (list.length >= LIST_LIMIT) omitted += 1;
    else list.push(toOverviewItem(item, stage, input, overrun));
  };
  let discovery = 0;
  let delivery = 0;
  for (const item of input.items) {
    if (item.track === 'discovery') {
      discovery += 1;
      const stage = discoveryStage(item);
      push(columns.discovery[stage], item, stage);
    } else {
      delivery += 1;
      const list =
        item.sprint?.state === 'active'
          ? columns.activeSprint
          : item.statusCategory === 'new'
            ? columns.ready
            : columns.inProgress;
      push(list, item, null);
    }
  }
  const trimmed = trimSignals(signals);
  omitted += trimmed.omitted;
  const notes = [...input.notes];
  if (omitted > 0) {
    notes.push(
      `This project is large: each list shows its first ${LIST_LIMIT} items; ${omitted} more are counted in the totals but not listed.`,
    );
  }
  return {
    project: input.project,
    generatedAt: input.now.toISOString(),
    unit: input.unit,
    board: input.board,
    activeSprint: input.activeSprint,
    signals: trimmed.signals,
    discovery: columns.discovery,
    delivery: {
      activeSprint: columns.activeSprint,
      ready: columns.ready,
      inProgress: columns.inProgress,
    },
    totals: { openItems: input.items.length, discovery, delivery, omitted },
    notes,
  };
}

function toOverviewItem(
  item: ProjectItem,
  stage: DiscoveryStage | null,
  input: OverviewInput,
  overrun: ReadonlyMap<string, { daysUsed: number; timeboxDays: number }>,
): OverviewItem {
  const spike = overrun.get(item.key);
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
      evidence: input.evidenceText.get(item.key) ?? null,
      noScopedOutcome:
        needsOutcome && !checkScopedOutcome(item.scopedOutcome, input.config.scopedOutcome).ready,
      spikeOverrun: spike ? { daysUsed: spike.daysUsed, timeboxDays: spike.timeboxDays } : null,
      ageDays: Math.max(0, differenceInCalendarDays(input.now, parseISO(item.created))),
    },
  };
}

/** The signals' own item lists, cut to LIST_LIMIT (their counts and reasons stay complete). */
function trimSignals(signals: Signals): { signals: Signals; omitted: number } {
  const cut = <T>(list: T[]): T[] => list.slice(0, LIST_LIMIT);
  const omitted =
    Math.max(0, signals.openEnded.overrunSpikes.length - LIST_LIMIT) +
    Math.max(0, signals.openEnded.idleItems.length - LIST_LIMIT) +
    Math.max(0, signals.unscopedEnablers.items.length - LIST_LIMIT);
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
    },
  };
}
