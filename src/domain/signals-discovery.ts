import { differenceInCalendarDays, parseISO, startOfDay, subDays } from 'date-fns';
import type { Config } from './config';
import type { LevelThreshold } from './entry-criteria';
import { spikeTimebox } from './item-checklist';
import { workOutcomeOf } from './readiness';
import { isWaiverActive, type Waiver } from './sprint-readiness';
import {
  type SignalInput,
  type OpenEndedSignal,
  type UnscopedEnablersSignal,
  type NeedsDiscoverySignal,
  type WaiverFacts,
  type FlaggedItem,
  isOpen,
  plural,
} from './signal-model';

/** Discovery signals: open-ended discovery, unscoped enablers, delivery that needs discovery first. */

/**
 * The first moment not idle: an item last changed before it has gone `idleDays` calendar days
 * (in the runtime's time zone) without a change. A search asks for the idle ones with it too.
 */
export function idleBefore(now: Date, idleDays: number): number {
  return startOfDay(subDays(now, idleDays - 1)).getTime();
}

/**
 * The idle items (last changed before `idleFrom`, see idleBefore), least recently touched first,
 * items changed at the same moment in the order given (rank order where they come in it): the
 * idle signal's order, and one query's (`ORDER BY updated ASC, Rank ASC`, backlog-read.ts).
 */
export function idleFirst<T extends { updated: string }>(
  items: readonly T[],
  idleFrom: number,
): T[] {
  return items
    .map((item) => ({ item, at: parseISO(item.updated).getTime() }))
    .filter(({ at }) => at < idleFrom)
    .sort((a, b) => a.at - b.at)
    .map(({ item }) => item);
}

export function openEndedSignal(input: SignalInput): OpenEndedSignal {
  const { now, config } = input;
  const idleDaysThreshold = config.staleness.discoveryIdleDays;
  const discovery = input.items.filter((i) => i.track === 'discovery' && isOpen(i));
  const overrunSpikes: OpenEndedSignal['overrunSpikes'] = [];
  for (const item of discovery) {
    if (item.kind !== 'spike' || item.statusCategory !== 'indeterminate') continue;
    const timebox = spikeTimebox({
      statusCategory: item.statusCategory,
      statusCategoryChanged: item.statusCategoryChanged,
      scopedOutcome: item.scopedOutcome,
      rules: config.spike,
      now,
    });
    if (timebox.overrun) {
      overrunSpikes.push({
        key: item.key,
        summary: item.summary,
        daysUsed: timebox.daysUsed,
        timeboxDays: timebox.daysAllowed,
      });
    }
  }
  const idle = idleFirst(discovery, idleBefore(now, idleDaysThreshold));
  const idleItems: OpenEndedSignal['idleItems'] = idle.map((item) => ({
    key: item.key,
    summary: item.summary,
    idleDays: differenceInCalendarDays(now, parseISO(item.updated)),
  }));
  overrunSpikes.sort((a, b) => b.daysUsed - a.daysUsed);
  const idleCount = idleItems.length + (input.unread?.idle ?? 0);
  const count = overrunSpikes.length + idleCount;
  const parts: string[] = [];
  if (overrunSpikes.length > 0)
    parts.push(`${plural(overrunSpikes.length, 'spike')} past the timebox`);
  if (idleCount > 0)
    parts.push(`${plural(idleCount, 'discovery item')} untouched for ${idleDaysThreshold}+ days`);
  return {
    level: count === 0 ? 'ok' : 'warning',
    overrunSpikes,
    idleItems,
    overrunCount: overrunSpikes.length,
    idleCount,
    idleDaysThreshold,
    reason:
      count === 0
        ? `No spike is past its timebox and no discovery item has been idle for ${idleDaysThreshold} days.`
        : `Open-ended discovery: ${parts.join('; ')}.`,
  };
}

/** "2 enablers and 1 spike", "1 spike": of the items, plus `more` of each kind not listed. */
function kinds(
  items: ReadonlyArray<{ kind: 'enabler' | 'spike' }>,
  more: { enabler: number; spike: number } = { enabler: 0, spike: 0 },
): string {
  const enablers = items.filter((i) => i.kind === 'enabler').length + more.enabler;
  const spikes = items.length - (enablers - more.enabler) + more.spike;
  return [
    enablers > 0 ? plural(enablers, 'enabler') : '',
    spikes > 0 ? plural(spikes, 'spike') : '',
  ]
    .filter(Boolean)
    .join(' and ');
}

/** Open enablers and spikes without a complete scoped outcome (outcome, measure and bound). */
export function unscopedEnablersSignal(input: SignalInput): UnscopedEnablersSignal {
  const items: UnscopedEnablersSignal['items'] = [];
  const waived: UnscopedEnablersSignal['waived'] = [];
  for (const item of input.items) {
    if ((item.kind !== 'enabler' && item.kind !== 'spike') || !isOpen(item)) continue;
    const check = workOutcomeOf(item, input.config);
    if (check.ready) continue;
    const waiver = waiverFactsOf(input, item);
    if (waiver) {
      waived.push({ key: item.key, summary: item.summary, kind: item.kind, ...waiver });
      continue;
    }
    items.push({
      key: item.key,
      summary: item.summary,
      kind: item.kind,
      inSprint: item.sprint !== undefined,
      missing: [...new Set(check.problems.map((p) => p.part))],
    });
  }
  items.sort((a, b) => Number(b.inSprint) - Number(a.inSprint));
  const inSprintCount = items.filter((i) => i.inSprint).length;
  // Counted, not read: each is unscoped, in the backlog, without a waiver (backlog-read.ts).
  const unread = { enabler: input.unread?.enabler ?? 0, spike: input.unread?.spike ?? 0 };
  const count = items.length + unread.enabler + unread.spike;
  const waivedText =
    waived.length > 0
      ? ` ${kinds(waived)} without one ${waived.length === 1 ? 'is' : 'are'} waived.`
      : '';
  return {
    level: inSprintCount > 0 ? 'critical' : count > 0 ? 'warning' : 'ok',
    items,
    count,
    inSprintCount,
    waived,
    reason:
      (count === 0
        ? waived.length === 0
          ? 'Every open enabler and spike has a scoped outcome.'
          : 'Every open enabler and spike has a scoped outcome or a waiver.'
        : inSprintCount > 0
          ? `${kinds(items.filter((i) => i.inSprint))} without a scoped outcome ${inSprintCount === 1 ? 'is' : 'are'} in a sprint; ${count - inSprintCount} more in the backlog.`
          : `${kinds(items, unread)} in the backlog ${count === 1 ? 'has' : 'have'} no complete scoped outcome.`) +
      waivedText,
  };
}

/** The item's active waiver (by issue id where read, else by key); expired ones do not count. */
export function waiverOfItem(
  input: Pick<SignalInput, 'waivers' | 'now'>,
  item: { key: string; id?: string | undefined },
): Waiver | undefined {
  return (input.waivers ?? []).find(
    (w) =>
      (item.id ? w.issueId === item.id : w.issueKey === item.key) && isWaiverActive(w, input.now),
  );
}

/** The item's active waiver as a signal lists it: who (and their name), why, until when. */
export function waiverFactsOf(
  input: Pick<SignalInput, 'waivers' | 'now' | 'names'>,
  item: { key: string; id?: string | undefined },
): WaiverFacts | undefined {
  const waiver = waiverOfItem(input, item);
  if (!waiver) return undefined;
  return {
    grantedBy: waiver.grantedBy,
    grantedByName: input.names?.get(waiver.grantedBy) ?? null,
    reason: waiver.reason,
    expiresOn: waiver.expiresOn,
  };
}

/** " 2 more are waived." / " 1 more is waived.": what a reason adds for waived items. */
export function waivedSentence(count: number, what: string): string {
  if (count === 0) return '';
  return ` ${plural(count, what)} ${count === 1 ? 'is' : 'are'} waived.`;
}

/** Flagged items split by whether an active waiver lets them through. */
export function splitWaived(
  input: Pick<SignalInput, 'waivers' | 'now' | 'names'>,
  flagged: readonly FlaggedItem[],
): { failing: FlaggedItem[]; waived: Array<FlaggedItem & WaiverFacts> } {
  const failing: FlaggedItem[] = [];
  const waived: Array<FlaggedItem & WaiverFacts> = [];
  for (const item of flagged) {
    const waiver = waiverFactsOf(input, item);
    if (waiver) waived.push({ ...item, ...waiver });
    else failing.push(item);
  }
  return { failing, waived };
}

const levelWords = (threshold: LevelThreshold): string =>
  threshold === 'medium' ? 'medium or high' : threshold;

/** The entry criteria in words, joined with "or"; '' when none is configured. */
export function describeEntryCriteria(
  entry: Config['entry'],
  options: { triage: boolean } = { triage: true },
): string {
  const parts: string[] = [];
  if (options.triage && entry.uncertaintyAtLeast !== 'off') {
    parts.push(`uncertainty ${levelWords(entry.uncertaintyAtLeast)}`);
  }
  if (options.triage && entry.riskAtLeast !== 'off') {
    parts.push(`risk ${levelWords(entry.riskAtLeast)}`);
  }
  for (const label of entry.labels) parts.push(`label "${label}"`);
  for (const component of entry.components) parts.push(`component "${component}"`);
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} or ${parts[parts.length - 1] ?? ''}`;
}

export function needsDiscoverySignal(input: SignalInput): NeedsDiscoverySignal {
  const entry = input.entry;
  const none = {
    items: [],
    waived: [],
    count: 0,
    atLeast: false,
    inSprintCount: 0,
    meetingCriteria: 0,
  };
  if (entry?.kind === 'failed') {
    return { ...none, level: 'unknown', measured: false, criteria: '', reason: entry.reason };
  }
  if (!entry || entry.kind === 'off') {
    return {
      ...none,
      level: 'unknown',
      measured: false,
      criteria: '',
      reason: entry
        ? 'No discovery entry criteria are set: both thresholds are off and no label or component is named.'
        : 'The discovery entry criteria were not checked.',
    };
  }
  const criteria = describeEntryCriteria(input.config.entry, { triage: entry.triage });
  const split = splitWaived(input, entry.flagged);
  const items = split.failing.sort((a, b) => Number(b.inSprint) - Number(a.inSprint));
  const waived = split.waived;
  const waivedText = waivedSentence(waived.length, 'delivery item meeting them');
  const inSprintCount = items.filter((i) => i.inSprint).length;
  const waiting = items.filter((i) => i.state === 'waiting').length;
  const atLeast = !entry.complete;
  const count = items.length;
  const base = {
    measured: true,
    items,
    waived,
    count,
    atLeast,
    inSprintCount,
    meetingCriteria: Math.max(entry.meetingCriteria, count + waived.length),
    criteria,
  };
  if (count === 0) {
    return {
      ...base,
      level: 'ok',
      reason:
        entry.meetingCriteria === 0
          ? 'No open delivery item meets the discovery entry criteria.'
          : waived.length === 0
            ? `Each of the ${plural(entry.meetingCriteria, 'open delivery item')} meeting the discovery entry criteria has a validated idea or a finished spike linked.`
            : `Each of the ${plural(Math.max(entry.meetingCriteria, waived.length), 'open delivery item')} meeting the discovery entry criteria has a validated idea or a finished spike linked, or a waiver.${waivedText}`,
    };
  }
  const least = atLeast ? 'At least ' : '';
  const parts: string[] = [];
  if (count - waiting > 0) parts.push(`${count - waiting} with no discovery linked`);
  if (waiting > 0) parts.push(`${waiting} waiting on discovery under way`);
  const sprint =
    inSprintCount === 0
      ? ''
      : ` ${inSprintCount} of them ${inSprintCount === 1 ? 'is' : 'are'} in the active sprint.`;
  return {
    ...base,
    level: inSprintCount > 0 ? 'critical' : 'warning',
    reason: `${least}${plural(count, 'delivery item')} ${count === 1 ? 'meets' : 'meet'} the discovery entry criteria without a validated idea or finished spike: ${parts.join(', ')}.${sprint}${waivedText}`,
  };
}
