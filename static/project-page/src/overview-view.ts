import type { ThemeAppearance } from '@atlaskit/lozenge';
import type { OverviewItem, ProjectOverview } from '@contract/project-overview';
import type { SignalsView as Signals } from '@contract/project-overview';
import type { DiscoveryStage, Level } from '@domain/signals';
import type { NotReadyReason } from '@domain/ready-work';
import type { EngineeringLane } from '@domain/discovery-lanes';
import { formatDate } from '@ui/dates';

/**
 * What the project page shows, worked out from the `project/overview` answer without React:
 * the signal cards (number, threshold, reason, lozenge), the track columns and item badges.
 */

export const STAGES: ReadonlyArray<{ stage: DiscoveryStage; title: string; empty: string }> = [
  { stage: 'new', title: 'New', empty: 'No new ideas.' },
  { stage: 'validating', title: 'Validating', empty: 'Nothing is being validated.' },
  { stage: 'validated', title: 'Validated', empty: 'No validated ideas yet.' },
  { stage: 'invalidated', title: 'Invalidated', empty: 'No invalidated ideas.' },
];

/** The engineering discovery lane of the discovery track: spikes and enablers by readiness. */
export const LANES: ReadonlyArray<{ lane: EngineeringLane; title: string; empty: string }> = [
  { lane: 'unscoped', title: 'Unscoped', empty: 'Every spike and enabler is scoped.' },
  { lane: 'scoped', title: 'Scoped', empty: 'Nothing scoped and waiting.' },
  { lane: 'in-progress', title: 'In progress', empty: 'Nothing in progress.' },
  { lane: 'over-timebox', title: 'Over timebox', empty: 'No spike is past its timebox.' },
  { lane: 'done', title: 'Done this sprint', empty: 'Nothing finished this sprint.' },
];

/** The parts of a scoped outcome, in words. */
const OUTCOME_PART_WORDS: Readonly<Record<'outcome' | 'successMeasure' | 'bound', string>> = {
  outcome: 'outcome',
  successMeasure: 'success measure',
  bound: 'timebox or target date',
};

type DeliveryList = keyof ProjectOverview['delivery'];

export const DELIVERY_COLUMNS: ReadonlyArray<{ list: DeliveryList; title: string; empty: string }> =
  [
    { list: 'activeSprint', title: 'Active sprint', empty: 'No delivery work in the sprint.' },
    { list: 'inProgress', title: 'In progress', empty: 'Nothing in progress.' },
    { list: 'ready', title: 'Ready', empty: 'No delivery work is ready.' },
  ];

export interface SignalCardView {
  id: keyof Signals;
  title: string;
  /** The measured value, or null when it could not be measured (the reason says why). */
  value: string | null;
  threshold: string;
  reason: string;
  lozenge: { text: string; appearance: ThemeAppearance };
  /**
   * Items the signal names, most urgent first (the answer may hold only the first ones): the
   * key, opened in Jira, and what the signal says of it (" (in sprint): missing outcome").
   */
  items: Array<{ key: string; detail: string }>;
  /** How many items the signal counts (at least `items.length`). */
  itemCount: number;
  /**
   * Items the signal would count but an active waiver lets through, listed apart ("Waived (2)")
   * with who waived each, until when and why; not in `itemCount`.
   */
  waived: Array<{ key: string; detail: string }>;
}

/** Who, why and until when, as a card lists a waived item. */
interface WaivedRef {
  key: string;
  grantedBy: string;
  grantedByName: string | null;
  reason: string;
  expiresOn: string;
}

/** ": waived by Ada Admin until 11 Dec 2026 (Ships with the release)". */
export function waivedDetail(item: WaivedRef, prefix = ''): { key: string; detail: string } {
  const by = item.grantedByName ?? item.grantedBy;
  const why = item.reason.trim() ? ` (${item.reason.trim()})` : '';
  return {
    key: item.key,
    detail: `${prefix}: waived by ${by} until ${formatDate(item.expiresOn)}${why}`,
  };
}

const LEVEL_APPEARANCE: Readonly<Record<Level, ThemeAppearance>> = {
  ok: 'success',
  warning: 'moved',
  critical: 'removed',
  unknown: 'default',
};

const round1 = (n: number) => Math.round(n * 10) / 10;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function signalCards(signals: Signals): SignalCardView[] {
  const { runway, capacity, openEnded, unscopedEnablers, needsDiscovery } = signals;
  const runwayText: Record<typeof runway.verdict, string> = {
    'build-trap': 'Build trap',
    paralysis: 'Pause discovery',
    healthy: 'Healthy',
    ahead: 'Discovery ahead',
    unknown: 'Not measured',
  };
  const openEndedCount = openEnded.overrunCount + openEnded.idleCount;
  return [
    {
      id: 'runway',
      title: 'Runway',
      value:
        typeof runway.sprints === 'number'
          ? `${runway.atLeast ? 'At least ' : ''}${plural(round1(runway.sprints), runway.per ?? 'sprint')}`
          : null,
      threshold: `Target ${runway.target.min}–${runway.target.max} ${runway.per ?? 'sprint'}s; pause discovery at ${runway.target.pauseAt}`,
      reason: runway.reason,
      lozenge: { text: runwayText[runway.verdict], appearance: LEVEL_APPEARANCE[runway.level] },
      // The ready-looking items left out of runway, each with why.
      items: runway.excluded.items.map((i) => ({ key: i.key, detail: `: ${notReadyDetail(i)}` })),
      itemCount: Object.values(runway.excluded.counts).reduce((n, c) => n + c, 0),
      waived: runway.waived.map((i) => waivedDetail(i)),
    },
    buildTrapCard(signals.buildTrap),
    paralysisCard(signals.paralysis),
    capacityCard(capacity),
    cadenceCard(signals.cadence),
    {
      id: 'openEnded',
      title: 'Open-ended discovery',
      value: plural(openEndedCount, 'item'),
      threshold: `Spikes within their timebox; no discovery item idle ${openEnded.idleDaysThreshold}+ days`,
      reason: openEnded.reason,
      lozenge: {
        text: openEndedCount === 0 ? 'None' : 'Open-ended',
        appearance: LEVEL_APPEARANCE[openEnded.level],
      },
      items: [
        ...openEnded.overrunSpikes.map((s) => ({
          key: s.key,
          detail: `: day ${s.daysUsed} of a ${s.timeboxDays}-day timebox`,
        })),
        ...openEnded.idleItems.map((i) => ({ key: i.key, detail: `: idle ${i.idleDays} days` })),
      ],
      itemCount: openEndedCount,
      waived: [],
    },
    {
      id: 'unscopedEnablers',
      title: 'Enablers and spikes without a scoped outcome',
      value: plural(unscopedEnablers.count, 'item'),
      threshold: 'None in a sprint; every enabler and spike scoped before it is planned',
      reason: unscopedEnablers.reason,
      lozenge: {
        text:
          unscopedEnablers.level === 'critical'
            ? 'Unscoped in sprint'
            : unscopedEnablers.level === 'warning'
              ? 'Needs scoping'
              : unscopedEnablers.waived.length > 0
                ? 'Scoped or waived'
                : 'All scoped',
        appearance: LEVEL_APPEARANCE[unscopedEnablers.level],
      },
      items: unscopedEnablers.items.map((i) => ({
        key: i.key,
        detail: ` (${i.kind}${i.inSprint ? ', in sprint' : ''}): missing ${i.missing.map((m) => OUTCOME_PART_WORDS[m]).join(', ')}`,
      })),
      itemCount: unscopedEnablers.count,
      waived: unscopedEnablers.waived.map((i) => waivedDetail(i, ` (${i.kind})`)),
    },
    {
      id: 'needsDiscovery',
      title: 'Needs discovery first',
      value: needsDiscovery.measured
        ? `${needsDiscovery.atLeast ? 'At least ' : ''}${plural(needsDiscovery.count, 'item')}`
        : null,
      threshold: needsDiscovery.measured
        ? `Explore first when: ${needsDiscovery.criteria}`
        : 'No discovery entry criteria are set',
      reason: needsDiscovery.reason,
      lozenge: {
        text: !needsDiscovery.measured
          ? 'Off'
          : needsDiscovery.level === 'critical'
            ? 'In sprint'
            : needsDiscovery.level === 'warning'
              ? 'Explore first'
              : needsDiscovery.waived.length > 0
                ? 'Covered or waived'
                : 'All covered',
        appearance: LEVEL_APPEARANCE[needsDiscovery.level],
      },
      items: needsDiscovery.items.map((i) => ({
        key: i.key,
        detail: `${i.inSprint ? ' (in sprint)' : ''}: ${
          i.state === 'waiting'
            ? `waiting on ${i.waitingOn.join(', ')}`
            : `explore first (${i.reasons.join(', ')})`
        }`,
      })),
      itemCount: needsDiscovery.count,
      waived: needsDiscovery.waived.map((i) => waivedDetail(i, i.inSprint ? ' (in sprint)' : '')),
    },
  ];
}

/** "waiting on DT-61", "not estimated": why an item is left out of runway. */
function notReadyDetail(item: { reason: NotReadyReason; keys: string[] }): string {
  const keys = item.keys.join(', ');
  switch (item.reason) {
    case 'needs-discovery':
      return 'explore first (entry criteria)';
    case 'waiting-on-discovery':
      return `waiting on ${keys}`;
    case 'idea-not-validated':
      return `${keys} not validated`;
    case 'unestimated':
      return 'not estimated';
  }
}

const RISK_TEXT: Readonly<Record<Level, string>> = {
  ok: 'No risk',
  warning: 'At risk',
  critical: 'Build trap',
  unknown: 'Not measured',
};

function buildTrapCard(trap: Signals['buildTrap']): SignalCardView {
  const signs = [
    trap.belowFloor ? `Runway ${trap.runwaySprints} sprints` : '',
    trap.startedCount > 0 ? `${plural(trap.startedCount, 'item')} started early` : '',
  ].filter(Boolean);
  return {
    id: 'buildTrap',
    title: 'Build trap risk',
    value: trap.level === 'unknown' ? null : signs.length > 0 ? signs.join(' · ') : 'None',
    threshold: `Runway below ${plural(trap.floor, 'sprint')}, or delivery started before its discovery`,
    reason: trap.reason,
    lozenge: { text: RISK_TEXT[trap.level], appearance: LEVEL_APPEARANCE[trap.level] },
    items: trap.started.map((i) => ({ key: i.key, detail: `: ${i.detail}` })),
    itemCount: trap.startedCount,
    waived: trap.waived.map((i) => waivedDetail(i)),
  };
}

function paralysisCard(p: Signals['paralysis']): SignalCardView {
  const signs = [
    p.atPause ? `Runway ${p.runwaySprints} sprints` : '',
    p.unpromotedCount > 0 ? `${p.unpromotedCount} not promoted` : '',
    p.staleCount > 0 ? `${p.staleCount} stale` : '',
  ].filter(Boolean);
  return {
    id: 'paralysis',
    title: 'Analysis paralysis risk',
    value: signs.length > 0 ? signs.join(' · ') : 'None',
    threshold: `Pause at ${p.pauseAt} sprints; promote validated ideas within ${p.promoteWithinDays} days; evidence fresh for ${p.evidenceFreshDays} days`,
    reason: p.reason,
    lozenge: { text: RISK_TEXT[p.level], appearance: LEVEL_APPEARANCE[p.level] },
    items: [
      ...p.unpromoted.map((i) => ({
        key: i.key,
        detail: `: validated, not promoted for ${i.days} days`,
      })),
      ...p.staleEvidence.map((i) => ({
        key: i.key,
        detail: `: latest evidence ${i.days} days old`,
      })),
    ],
    itemCount: p.unpromotedCount + p.staleCount,
    waived: [],
  };
}

export interface BadgeView {
  text: string;
  appearance: ThemeAppearance;
}

export function itemBadges(item: OverviewItem): BadgeView[] {
  const badges: BadgeView[] = [];
  if (item.badges.evidence) badges.push({ text: item.badges.evidence, appearance: 'inprogress' });
  if (item.badges.waivedUntil) {
    badges.push({
      text: `Waived until ${formatDate(item.badges.waivedUntil)}`,
      appearance: 'moved',
    });
  }
  if (item.badges.noScopedOutcome) {
    badges.push({
      text: 'No scoped outcome',
      appearance: item.badges.waivedUntil ? 'default' : 'removed',
    });
  }
  if (item.badges.entry) {
    badges.push({
      text: item.badges.entry.text,
      appearance: item.badges.entry.state === 'waiting' ? 'inprogress' : 'moved',
    });
  }
  // The entry badge already says why an item flagged there is not ready.
  if (item.badges.notReady && !item.badges.entry) {
    badges.push({ text: item.badges.notReady.text, appearance: 'moved' });
  }
  if (item.badges.spikeOverrun) {
    const { daysUsed, timeboxDays } = item.badges.spikeOverrun;
    badges.push({
      text: `Spike over timebox (${daysUsed}/${timeboxDays} days)`,
      appearance: 'moved',
    });
  }
  badges.push({ text: `${plural(item.badges.ageDays, 'day')} old`, appearance: 'default' });
  return badges;
}

export function omittedText(omitted: number): string | null {
  return omitted > 0
    ? `+${omitted.toLocaleString('en-US')} more not shown: each list shows its first items in rank order; the rest are counted.`
    : null;
}

/** A column's heading count and, when it lists only its first items, what it leaves out. */
export function columnCountText(
  listed: number,
  count: number,
): { heading: string; more: string | null } {
  const total = Math.max(count, listed);
  return {
    heading: total.toLocaleString('en-US'),
    more:
      total > listed
        ? `First ${listed.toLocaleString('en-US')} shown; ${(total - listed).toLocaleString('en-US')} more counted.`
        : null,
  };
}

/** Jira's issue search for a JQL query, as a path on the Jira site (for `router.open`). */
export function issueSearchPath(jql: string): string {
  return `/issues/?jql=${encodeURIComponent(jql)}`;
}

/**
 * The "open the rest in Jira" link of a column that lists only its first items: the column's
 * JQL from the resolver's answer (never built here) and what the link says. Null when the
 * column lists everything or has no query of its own.
 */
export function columnSearch(
  overview: ProjectOverview,
  column:
    | { track: 'discovery'; stage: DiscoveryStage }
    | { track: 'engineering'; lane: EngineeringLane }
    | { track: 'delivery'; list: DeliveryList },
): { jql: string; label: string } | null {
  const { columnJql } = overview;
  if (column.track !== 'delivery') {
    const [listed, count] =
      column.track === 'discovery'
        ? [overview.discovery[column.stage].length, overview.columnCounts.discovery[column.stage]]
        : [
            overview.engineering[column.lane].length,
            overview.columnCounts.engineering[column.lane],
          ];
    const jql = columnJql.discovery;
    // The track's query holds open items: the lane of work finished this sprint has none.
    if (!jql || count <= listed || (column.track === 'engineering' && column.lane === 'done')) {
      return null;
    }
    // A stage is the app's reading of the evidence, not a Jira field: Jira gets the track.
    return {
      jql,
      label: `Open all ${overview.totals.discovery.toLocaleString('en-US')} discovery items in Jira`,
    };
  }
  const listed = overview.delivery[column.list].length;
  const count = overview.columnCounts.delivery[column.list];
  const jql = columnJql.delivery[column.list];
  if (!jql || count <= listed) return null;
  return { jql, label: `Open all ${count.toLocaleString('en-US')} in Jira` };
}

const MEASURED_TEXT = (level: Signals['capacity']['level'], ok: string, below: string) =>
  level === 'unknown' ? 'Not measured' : level === 'ok' ? ok : below;

/** Engineering discovery's share of the sprint (spikes and scoped enablers, by estimate). */
function capacityCard(capacity: Signals['capacity']): SignalCardView {
  return {
    id: 'capacity',
    title: 'Engineering discovery share',
    value:
      typeof capacity.discoveryPercent === 'number'
        ? `${capacity.discoveryPercent}% of ${capacity.of === 'wip' ? 'work in progress' : 'the sprint'}`
        : null,
    threshold:
      capacity.warnBelowPercent > 0
        ? `Target ${capacity.targetPercent}% for spikes and scoped enablers; a warning below ${capacity.warnBelowPercent}%`
        : `Target ${capacity.targetPercent}% for spikes and scoped enablers`,
    reason: capacity.reason,
    lozenge: {
      text: MEASURED_TEXT(capacity.level, 'On target', 'Below target'),
      appearance: LEVEL_APPEARANCE[capacity.level],
    },
    // The discovery items in the sprint the share leaves out, each with why.
    items: capacity.leftOut.map((i) => ({
      key: i.key,
      detail: i.why === 'idea' ? ': an idea (not sprint work)' : ': no scoped outcome',
    })),
    itemCount: capacity.leftOut.length,
    waived: capacity.waived.map((i) => waivedDetail(i)),
  };
}

/** Product discovery activities recorded in the sprint against the per-sprint target. */
function cadenceCard(cadence: Signals['cadence']): SignalCardView {
  return {
    id: 'cadence',
    title: 'Product discovery cadence',
    value:
      cadence.level === 'unknown'
        ? null
        : `${plural(cadence.count, 'activity', 'activities')}${cadence.days && cadence.days.elapsed < cadence.days.length ? ` by day ${cadence.days.elapsed} of ${cadence.days.length}` : ''}`,
    threshold: `At least ${plural(cadence.target, 'interview, test or review', 'interviews, tests or reviews')} each sprint`,
    reason: cadence.reason,
    lozenge: {
      text: MEASURED_TEXT(
        cadence.level,
        cadence.count >= cadence.target ? 'Met' : 'On pace',
        'Behind',
      ),
      appearance: LEVEL_APPEARANCE[cadence.level],
    },
    items: [],
    itemCount: 0,
    waived: [],
  };
}
