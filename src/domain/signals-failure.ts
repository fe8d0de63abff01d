import { differenceInCalendarDays, parseISO } from 'date-fns';
import {
  isOpen,
  plural,
  SIGNAL_LIST_MAX,
  type BuildTrapSignal,
  type ParalysisSignal,
  type ProjectItem,
  type RunwaySignal,
  type SignalInput,
} from './signal-model';
import { splitWaived, waivedSentence } from './signals-discovery';

/**
 * The practice's two failure modes, each named with what points to it: the build trap
 * (delivery outruns discovery) and analysis paralysis (discovery runs far ahead; prototypes go
 * stale; nothing ships). Both read the runway already computed.
 */

export function buildTrapSignal(input: SignalInput, runway: RunwaySignal): BuildTrapSignal {
  const floor = runway.target.min;
  const belowFloor = runway.verdict === 'build-trap';
  const entry = input.entry?.kind === 'read' ? input.entry : undefined;
  const split = splitWaived(
    input,
    (entry?.flagged ?? []).filter((f) => f.started || f.inSprint),
  );
  const started = split.failing;
  const startedCount = started.length;
  const waived = split.waived.map(
    ({ key, summary, grantedBy, grantedByName, reason, expiresOn }) => ({
      key,
      summary,
      grantedBy,
      grantedByName,
      reason,
      expiresOn,
    }),
  );
  const waivedText = waivedSentence(waived.length, 'started item');
  const without = waived.length > 0 ? 'without discovery or a waiver' : 'without discovery';
  const items = started.slice(0, SIGNAL_LIST_MAX).map((f) => ({
    key: f.key,
    summary: f.summary,
    detail: `${f.inSprint ? 'in the sprint' : 'in progress'}, ${
      f.state === 'waiting' ? `waiting on ${f.waitingOn.join(', ')}` : 'no discovery linked'
    }`,
  }));
  const base = {
    runwaySprints: runway.sprints,
    floor,
    belowFloor,
    started: items,
    startedCount,
    waived,
  };
  const signs = [
    belowFloor
      ? `runway is ${runway.sprints} ${runway.per ?? 'sprint'}s, below the ${floor}-${runway.per ?? 'sprint'} target`
      : '',
    startedCount > 0
      ? `${plural(startedCount, 'delivery item')} started while meeting the discovery entry criteria without finished discovery`
      : '',
  ].filter(Boolean);
  if (signs.length > 0) {
    return {
      ...base,
      level: belowFloor ? 'critical' : 'warning',
      reason: `Build trap risk: ${signs.join('; ')}. Delivery is outrunning discovery.${waivedText}`,
    };
  }
  if (runway.verdict === 'unknown' && !entry) {
    return {
      ...base,
      level: 'unknown',
      reason: `Not measured: ${runway.reason} No discovery entry criteria are checked.`,
    };
  }
  return {
    ...base,
    level: 'ok',
    reason:
      runway.verdict === 'unknown'
        ? `No delivery work started ${without}; runway is not measured.${waivedText}`
        : `Runway is ${runway.sprints} ${runway.per ?? 'sprint'}s (target from ${floor}) and no delivery work started ${without}.${waivedText}`,
  };
}

const daysSince = (now: Date, iso: string): number =>
  Math.max(0, differenceInCalendarDays(now, parseISO(iso)));

/** Open ideas by a predicate, with their age in days, oldest first. */
function agedIdeas(
  items: readonly ProjectItem[],
  now: Date,
  pick: (item: ProjectItem) => string | undefined,
  olderThan: number,
): Array<{ key: string; summary: string; days: number }> {
  return items
    .filter((i) => i.track === 'discovery' && i.kind === 'idea' && isOpen(i))
    .flatMap((i) => {
      const since = pick(i);
      const days = since === undefined ? undefined : daysSince(now, since);
      return days !== undefined && days > olderThan
        ? [{ key: i.key, summary: i.summary, days }]
        : [];
    })
    .sort((a, b) => b.days - a.days);
}

export function paralysisSignal(input: SignalInput, runway: RunwaySignal): ParalysisSignal {
  const { promoteWithinDays, evidenceFreshDays } = input.config.runway;
  const pauseAt = runway.target.pauseAt;
  const atPause = runway.verdict === 'paralysis';
  // Validated and not yet linked to delivery, counted from the latest evidence.
  const unpromoted = agedIdeas(
    input.items,
    input.now,
    (i) =>
      i.validation === 'validated' && i.deliveryLinks === 0
        ? (i.latestEvidence ?? i.statusCategoryChanged ?? i.updated)
        : undefined,
    promoteWithinDays,
  );
  const stale = agedIdeas(
    input.items,
    input.now,
    (i) => (i.validation === 'unvalidated' ? i.latestEvidence : undefined),
    evidenceFreshDays,
  );
  const signs = [
    atPause
      ? `runway is ${runway.atLeast ? 'at least ' : ''}${runway.sprints} ${runway.per ?? 'sprint'}s, at or above the ${pauseAt}-${runway.per ?? 'sprint'} pause threshold`
      : '',
    unpromoted.length > 0
      ? `${plural(unpromoted.length, 'validated idea')} not promoted to delivery for more than ${promoteWithinDays} days`
      : '',
    stale.length > 0
      ? `${plural(stale.length, 'idea')} in validation with evidence older than ${evidenceFreshDays} days`
      : '',
  ].filter(Boolean);
  return {
    level: signs.length > 0 ? 'warning' : 'ok',
    runwaySprints: runway.sprints,
    pauseAt,
    atPause,
    unpromoted: unpromoted.slice(0, SIGNAL_LIST_MAX),
    unpromotedCount: unpromoted.length,
    promoteWithinDays,
    staleEvidence: stale.slice(0, SIGNAL_LIST_MAX),
    staleCount: stale.length,
    evidenceFreshDays,
    reason:
      signs.length > 0
        ? `Analysis paralysis risk: ${signs.join('; ')}. Discovery is running ahead of what ships.`
        : `Runway is below the ${pauseAt}-${runway.per ?? 'sprint'} pause threshold, validated ideas reach delivery within ${promoteWithinDays} days and evidence in validation is fresher than ${evidenceFreshDays} days.`,
  };
}
