import { DEFAULT_CONFIG } from '../../src/domain/config';
import {
  computeSignals,
  type FlaggedItem,
  type ProjectItem,
  type SignalInput,
} from '../../src/domain/signals';
import type { Waiver } from '../../src/domain/sprint-readiness';
import { makeProjectItem } from '../helpers/factories';

/**
 * Every signal that counts failing items leaves out an item with an active waiver and lists it
 * apart with who granted it, why and until when; an expired waiver counts the item as failing.
 */

const now = new Date('2026-11-20T12:00:00.000Z');
const SCOPED = {
  outcome: 'Decide whether logical replication can feed reporting',
  successMeasure: 'Replication lag under 5 seconds at peak',
  timeboxDays: 2,
};
const SPRINT = { id: 101, state: 'active' as const };

const waiverOf = (item: { key: string; id?: string }, expiresOn: string): Waiver => ({
  issueId: item.id ?? `id-${item.key}`,
  issueKey: item.key,
  reason: 'Ships with the release',
  expiresOn,
  grantedBy: 'user-admin',
  grantedAt: '2026-11-18T09:00:00.000Z',
});
const ACTIVE = '2026-11-25';
/** The day before `now`: expired (a waiver holds through the end of its last day). */
const EXPIRED = '2026-11-19';
const names = new Map([['user-admin', 'Ada Admin']]);

const flagged = (key: string, over: Partial<FlaggedItem> = {}): FlaggedItem => ({
  key,
  summary: `${key} summary`,
  state: 'needs-discovery',
  reasons: ['uncertainty high'],
  waitingOn: [],
  inSprint: false,
  started: false,
  ...over,
});

function inputOf(over: Partial<SignalInput>): SignalInput {
  return {
    items: [],
    closedSprints: [{ id: 100, name: 'S0', completeDate: '2026-11-01', completed: 20 }],
    activeSprint: { id: 101, name: 'Sprint 7' },
    hasBoard: true,
    unit: 'points',
    config: DEFAULT_CONFIG,
    now,
    names,
    ...over,
  };
}

const entryOf = (items: FlaggedItem[]): SignalInput['entry'] => ({
  kind: 'read',
  flagged: items,
  complete: true,
  meetingCriteria: items.length,
  triage: true,
});

const WAIVED_FACTS = {
  grantedBy: 'user-admin',
  grantedByName: 'Ada Admin',
  reason: 'Ships with the release',
  expiresOn: ACTIVE,
};

describe('needs discovery first', () => {
  const inSprint = flagged('DT-1', { inSprint: true, started: true });
  const backlog = flagged('DT-2');

  it('leaves an actively waived item out of the count and lists it apart with who, why and until when', () => {
    const { needsDiscovery } = computeSignals(
      inputOf({ entry: entryOf([inSprint, backlog]), waivers: [waiverOf(inSprint, ACTIVE)] }),
    );
    expect(needsDiscovery).toMatchObject({ level: 'warning', count: 1, inSprintCount: 0 });
    expect(needsDiscovery.items.map((i) => i.key)).toEqual(['DT-2']);
    expect(needsDiscovery.waived).toEqual([{ ...inSprint, ...WAIVED_FACTS }]);
    expect(needsDiscovery.reason).toContain('1 delivery item meeting them is waived.');
    expect(needsDiscovery.meetingCriteria).toBe(2);
  });

  it('is ok when every flagged item is waived', () => {
    const { needsDiscovery } = computeSignals(
      inputOf({ entry: entryOf([backlog]), waivers: [waiverOf(backlog, ACTIVE)] }),
    );
    expect(needsDiscovery).toMatchObject({ level: 'ok', count: 0 });
    expect(needsDiscovery.reason).toContain('or a waiver');
  });

  it('counts the item as failing again once its waiver expired', () => {
    const { needsDiscovery } = computeSignals(
      inputOf({ entry: entryOf([inSprint, backlog]), waivers: [waiverOf(inSprint, EXPIRED)] }),
    );
    expect(needsDiscovery).toMatchObject({ level: 'critical', count: 2, inSprintCount: 1 });
    expect(needsDiscovery.waived).toEqual([]);
  });
});

describe('build trap: delivery started before its discovery', () => {
  const started = flagged('DT-3', { started: true });
  const ready = (n: number) => makeProjectItem({ estimate: n });

  it('does not count a waived started item and names it apart', () => {
    const signals = computeSignals(
      inputOf({
        items: [ready(20)],
        entry: entryOf([started]),
        waivers: [waiverOf(started, ACTIVE)],
      }),
    );
    expect(signals.buildTrap).toMatchObject({ level: 'ok', startedCount: 0, started: [] });
    expect(signals.buildTrap.waived).toEqual([
      { key: 'DT-3', summary: 'DT-3 summary', ...WAIVED_FACTS },
    ]);
    expect(signals.buildTrap.reason).toContain('without discovery or a waiver');
  });

  it('counts it again after the waiver expired', () => {
    const signals = computeSignals(
      inputOf({
        items: [ready(20)],
        entry: entryOf([started]),
        waivers: [waiverOf(started, EXPIRED)],
      }),
    );
    expect(signals.buildTrap).toMatchObject({ level: 'warning', startedCount: 1, waived: [] });
  });
});

describe('engineering discovery share of the sprint', () => {
  const item = (over: Partial<ProjectItem>) => makeProjectItem({ sprint: SPRINT, ...over });
  const unscoped = item({ kind: 'enabler', track: 'discovery', issueType: 'Enabler', estimate: 2 });
  const scoped = item({
    kind: 'spike',
    track: 'discovery',
    issueType: 'Spike',
    estimate: 1,
    scopedOutcome: SCOPED,
  });
  const delivery = item({ estimate: 7 });

  it('counts a waived unscoped enabler as sprint work the guard lets in, named apart, not left out', () => {
    const { capacity } = computeSignals(
      inputOf({ items: [unscoped, scoped, delivery], waivers: [waiverOf(unscoped, ACTIVE)] }),
    );
    expect(capacity).toMatchObject({
      discovery: 3,
      delivery: 7,
      discoveryPercent: 30,
      leftOut: [],
    });
    expect(capacity.waived).toEqual([
      { key: unscoped.key, summary: unscoped.summary, ...WAIVED_FACTS },
    ]);
    expect(capacity.reason).toContain('(with 1 waived unscoped spike or enabler)');
    expect(capacity.reason).not.toContain('not counted');
  });

  it('leaves it out as unscoped once the waiver expired', () => {
    const { capacity } = computeSignals(
      inputOf({ items: [unscoped, scoped, delivery], waivers: [waiverOf(unscoped, EXPIRED)] }),
    );
    expect(capacity).toMatchObject({ discovery: 1, discoveryPercent: 13, waived: [] });
    expect(capacity.leftOut).toEqual([
      { key: unscoped.key, summary: unscoped.summary, why: 'unscoped' },
    ]);
  });
});

describe('enablers and spikes without a scoped outcome', () => {
  const unscoped = makeProjectItem({
    kind: 'spike',
    track: 'discovery',
    issueType: 'Spike',
    sprint: SPRINT,
  });

  it('lists the waived one with who granted it and why, not in the count', () => {
    const { unscopedEnablers } = computeSignals(
      inputOf({ items: [unscoped], waivers: [waiverOf(unscoped, ACTIVE)] }),
    );
    expect(unscopedEnablers).toMatchObject({ level: 'ok', count: 0, inSprintCount: 0 });
    expect(unscopedEnablers.waived).toEqual([
      { key: unscoped.key, summary: unscoped.summary, kind: 'spike', ...WAIVED_FACTS },
    ]);
  });

  it('names the granter by account id when Jira gave no name', () => {
    const { unscopedEnablers } = computeSignals(
      inputOf({ items: [unscoped], waivers: [waiverOf(unscoped, ACTIVE)], names: new Map() }),
    );
    expect(unscopedEnablers.waived[0]).toMatchObject({
      grantedBy: 'user-admin',
      grantedByName: null,
    });
  });

  it('counts it as unscoped in the sprint again after the waiver expired', () => {
    const { unscopedEnablers } = computeSignals(
      inputOf({ items: [unscoped], waivers: [waiverOf(unscoped, EXPIRED)] }),
    );
    expect(unscopedEnablers).toMatchObject({
      level: 'critical',
      count: 1,
      inSprintCount: 1,
      waived: [],
    });
  });
});

describe('runway: ready-looking items left out as not ready', () => {
  const notReady = (key: string) =>
    makeProjectItem({
      key,
      summary: `${key} summary`,
      notReady: { reason: 'idea-not-validated', keys: ['DT-90'] },
    });

  it('names a waived item apart, out of the not-ready list, and still not as ready work', () => {
    const waivedItem = notReady('DT-20');
    const signals = computeSignals(
      inputOf({
        items: [makeProjectItem({ estimate: 20 }), waivedItem, notReady('DT-21')],
        waivers: [waiverOf(waivedItem, ACTIVE)],
      }),
    );
    expect(signals.runway.readyWork).toBe(20);
    expect(signals.runway.excluded.counts['idea-not-validated']).toBe(1);
    expect(signals.runway.excluded.items.map((i) => i.key)).toEqual(['DT-21']);
    expect(signals.runway.waived).toEqual([
      { key: 'DT-20', summary: 'DT-20 summary', ...WAIVED_FACTS },
    ]);
    expect(signals.runway.reason).toContain('not counted until validated: DT-20');
  });

  it('lists it as not ready again once its waiver expired', () => {
    const waivedItem = notReady('DT-20');
    const signals = computeSignals(
      inputOf({ items: [waivedItem], waivers: [waiverOf(waivedItem, EXPIRED)] }),
    );
    expect(signals.runway.waived).toEqual([]);
    expect(signals.runway.excluded.counts['idea-not-validated']).toBe(1);
    expect(signals.runway.excluded.items.map((i) => i.key)).toEqual(['DT-20']);
  });
});
