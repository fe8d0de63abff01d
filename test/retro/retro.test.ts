import { DEMO_USERS, seedDemoProject, type DemoProject } from '../../dev/emulator/demo-project';
import type { RetroAnswer } from '../../src/contract/retro-report';
import { useEmulator } from '../helpers/emulator';
import { callResolver } from '../helpers/invoke';
import { DEFAULT_CONFIG } from '../../src/domain/config';
import { KEYS } from '../../src/storage/key-families';

/**
 * `retro/report` and `retro/outcome/record` driven the way Forge invokes them, against the
 * emulated site whose demo project carries six closed sprints of changelog history
 * (dev/emulator/retro-seed.ts). Expectations are derived from the seeded site, not from the
 * report: completed work from each issue's Sprint field (the project page's rule, which the
 * changelog must agree with for the demo), decisions from the stored evidence logs, move-backs
 * from the stored audit log.
 */
const ctx = useEmulator();
const now = new Date();
let demo: DemoProject;

beforeEach(() => {
  demo = seedDemoProject(ctx.em, { now });
});

function call<T>(
  key: 'retro/report' | 'retro/outcome/record',
  payload: unknown,
  accountId: string,
) {
  return callResolver<T>(ctx.em, key, accountId, payload, {
    extension: { project: { id: demo.projectId, key: demo.projectKey } },
  });
}

async function report(sprints?: number): Promise<RetroAnswer> {
  const result = await call<RetroAnswer>(
    'retro/report',
    sprints === undefined ? {} : { sprints },
    DEMO_USERS.member,
  );
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.data;
}

const DISCOVERY_TYPES = new Set(['Discovery', 'Spike', 'Enabler']);

/** Points completed per closed sprint and track, from each done issue's latest sprint. */
function completedFromSprintField(): Map<number, { discovery: number; delivery: number }> {
  const totals = new Map(demo.closedSprints.map((s) => [s.id, { discovery: 0, delivery: 0 }]));
  for (const issue of ctx.em.issues.values()) {
    if (issue.statusId !== '10002') continue;
    const sprints = (issue.custom.get(ctx.em.sprintField.id) as Array<{ id: number }>) ?? [];
    const last = sprints.at(-1);
    const bucket = last ? totals.get(last.id) : undefined;
    if (!bucket) continue;
    const type = ctx.em.issueTypes.get(issue.issueTypeId)?.name ?? '';
    const points = Number(issue.custom.get(demo.storyPoints.id) ?? 0);
    bucket[DISCOVERY_TYPES.has(type) ? 'discovery' : 'delivery'] += points;
  }
  return totals;
}

describe('retro/report on the demo history', () => {
  it('completed work per sprint and track agrees with the Sprint field', async () => {
    const data = await report();
    const expected = completedFromSprintField();
    expect(data.sprints.map((s) => s.sprint.id)).toEqual(demo.closedSprints.map((s) => s.id));
    for (const s of data.sprints) {
      const e = expected.get(s.sprint.id);
      expect({ discovery: s.completed.discovery, delivery: s.completed.delivery }).toEqual(e);
      expect(s.completed.discoveryPercent).toBe(
        Math.round(((e?.discovery ?? 0) / ((e?.discovery ?? 0) + (e?.delivery ?? 0))) * 100),
      );
    }
    // The project page's velocity (demo comment: (24 + 22 + 20) / 3 = 22) is what sprints 4-6
    // completed; sprint 6's runway uses sprints 3-5 instead.
    const totals = data.sprints.map((s) => s.completed.total);
    expect((totals[3]! + totals[4]! + totals[5]!) / 3).toBe(22);
    expect(data.sprints[5]?.runwayAtStart.velocity).toBe(
      Math.round(((totals[2]! + totals[3]! + totals[4]!) / 3) * 10) / 10,
    );
    // Forge's resolver sends the answer as JSON: an undefined runway is absent, not undefined.
    expect(data.sprints[0]?.runwayAtStart).toMatchObject({ velocitySprints: 0 });
    expect(data.sprints[0]?.runwayAtStart).not.toHaveProperty('sprints');
  });

  it('decisions from the evidence logs, move-backs from the audit log', async () => {
    const data = await report();
    // Seeded: one idea validated in each of sprints 1-5, invalidations in sprints 3 and 5.
    expect(data.sprints.map((s) => s.ideas.validated.length)).toEqual([1, 1, 1, 1, 1, 0]);
    expect(data.sprints.map((s) => s.ideas.invalidated.length)).toEqual([0, 0, 1, 0, 1, 0]);
    // Each validated idea was promoted to the first story of the next sprint and delivered there.
    expect(data.sprints.map((s) => s.promotedDelivered.length)).toEqual([0, 1, 1, 1, 1, 1]);
    // The audit log holds the guard's move-backs by sprint id.
    const bySprint = new Map<number, number>();
    for (let seq = 0; seq < 10; seq++) {
      const entry = ctx.em.kvs.peek(`audit:DT:${seq}`) as { sprintId?: number } | undefined;
      if (entry?.sprintId) bySprint.set(entry.sprintId, (bySprint.get(entry.sprintId) ?? 0) + 1);
    }
    expect(data.sprints.map((s) => s.movedBack.length)).toEqual(
      demo.closedSprints.map((s) => bySprint.get(s.id) ?? 0),
    );
  });

  it('spikes and enablers against their bounds', async () => {
    const data = await report();
    // Sprint 1 spike: 3-day timebox, in progress day 4 → done day 7: within.
    // Sprint 3 spike: started 5 days before sprint 2 closed, done on day 6: over its 2 days.
    // Sprint 5 spike: default 3 days, day 3 → day 6: within.
    expect(
      data.sprints.map((s) => [s.spikes.withinTimebox.length, s.spikes.finished.length]),
    ).toEqual([
      [1, 1],
      [0, 0],
      [0, 1],
      [0, 0],
      [1, 1],
      [0, 0],
    ]);
    // Enablers: sprint 2 by its target (day 10, done day 7); sprint 4 over its 2-day timebox
    // (day 4 → 7); sprint 6 on its target day 5.
    expect(
      data.sprints.map((s) => [s.enablers.withinBound.length, s.enablers.delivered.length]),
    ).toEqual([
      [0, 0],
      [1, 1],
      [0, 0],
      [0, 1],
      [0, 0],
      [1, 1],
    ]);
    // The sprint 3 spike was 5 days into its 2-day timebox when sprint 2 closed.
    expect(data.sprints[1]?.atEnd.overrunSpikes).toBe(1);
    expect(data.summary).toHaveLength(10);
  });

  it('delivery flow per sprint, with its trends and one sentence on whether it improved as risk fell', async () => {
    const data = await report();
    // Every seeded item starts on day j of its sprint and is done on day j + 3.
    expect(data.sprints.map((s) => s.flow.cycleTimeDays.median)).toEqual([3, 3, 3, 3, 3, 3]);
    // The story carried over from sprint 5: started 2 days into it, done 3 days into sprint 6.
    const carried = demo.keys.carriedOver;
    expect(data.sprints.map((s) => s.flow.carryOver)).toEqual([[], [], [], [], [carried], []]);
    expect(data.sprints[5]?.flow.cycleTimeDays.p85).toBe(15);
    const points = Number(ctx.em.findIssue(carried)?.custom.get(demo.storyPoints.id) ?? 0);
    const s5 = data.sprints[4]?.flow;
    expect(s5?.completedOfCommitted).toBe((s5?.committed ?? 0) - points);
    expect(data.sprints.map((s) => s.flow.predictability)).toEqual([
      100,
      100,
      100,
      100,
      Math.round((((s5?.committed ?? 0) - points) / (s5?.committed ?? 1)) * 100),
      100,
    ]);
    const cycle = data.trends.find((t) => t.metric === 'cycleTime');
    expect(cycle?.values).toEqual(data.sprints.map((s) => s.flow.cycleTimeDays.median));
    // First three sprints against the last three: the carry-over in sprint 5 makes it worse.
    expect(data.summary.at(-1)).toBe(
      'Delivery flow worsened while technical risk fell (first 3 sprints against the last 3: median cycle time from 3 to 3 days, carry-over from 0 to 0.3 items, predictability from 100% to 95.3%).',
    );
  });

  it('judges each sprint by the thresholds in force when it ended (settings history)', async () => {
    const closed = [...demo.closedSprints].sort((a, b) =>
      (a.completeDate ?? '').localeCompare(b.completeDate ?? ''),
    );
    const changedAt = new Date(Date.parse(closed[2]?.completeDate ?? '') + 3_600_000).toISOString();
    const record = {
      version: 1,
      updatedAt: changedAt,
      updatedBy: DEMO_USERS.admin,
      settings: {
        ...DEFAULT_CONFIG,
        capacity: { ...DEFAULT_CONFIG.capacity, discoveryTargetPercent: 30 },
      },
    };
    ctx.em.kvs.seed(KEYS.globalConfig, record);
    ctx.em.kvs.seed(KEYS.revision(KEYS.globalConfig, 1), record);
    const data = await report();
    expect(data.targetPercent).toBe(30);
    expect(data.sprints.map((s) => s.thresholds.targetPercent)).toEqual([20, 20, 20, 30, 30, 30]);
    // Each sprint's product discovery cadence is counted against the target of its time.
    for (const s of data.sprints) {
      expect(s.cadence?.target).toBe(s.thresholds.touchpointsPerSprint);
      expect(s.cadence?.met).toBe((s.cadence?.count ?? 0) >= (s.cadence?.target ?? 0));
    }
  });

  it('outcomes: hit rate of validated ideas and the misses with their evidence', async () => {
    const data = await report();
    // Seeded outcomes: hit (sprint 2), missed (3), partly (4), too early (5); sprint 6 none.
    expect(data.hitRate).toEqual({ hits: 1, rated: 3, rate: 33 });
    expect(data.misses).toHaveLength(1);
    expect(data.misses[0]?.outcome?.note).toBe('Basket size unchanged after four weeks');
    expect(data.misses[0]?.evidence.map((e) => e.type)).toContain('usability-test');
    expect(data.sprints.map((s) => s.outcomes.unrecorded)).toEqual([0, 0, 0, 0, 0, 1]);
    // Over time: sprint by sprint, and to date (the last is the report's hit rate).
    expect(data.sprints.map((s) => s.outcomes.hitRate)).toEqual([
      undefined,
      100,
      0,
      0,
      undefined,
      undefined,
    ]);
    expect(data.sprints.map((s) => s.outcomes.hitRateToDate)).toEqual([
      undefined,
      100,
      50,
      33,
      33,
      33,
    ]);
  });

  it('12 sprints asked, 6 closed: all shown, and the Jira requests it takes', async () => {
    ctx.em.resetCalls();
    const data = await report(12);
    expect(data.sprints).toHaveLength(6);
    expect(data.notes).toContain('The board has 6 closed sprints; all of them are shown.');
    expect(ctx.em.jiraCalls().map((c) => c.operationId)).toEqual([
      'getMyPermissions',
      // Once per site, until the Sprint field's id is remembered.
      'getFields',
      'getAllBoards',
      'getConfiguration',
      'getAllSprints',
      'searchAndReconsileIssuesUsingJqlPost',
      'getBulkChangelogs',
    ]);
  });

  it('refuses more than 12 sprints', async () => {
    const result = await call('retro/report', { sprints: 13 }, DEMO_USERS.member);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });
});

describe('permissions', () => {
  it('without Browse projects: refused, no project data, one permission check', async () => {
    ctx.em.resetCalls();
    const result = await call('retro/report', {}, DEMO_USERS.outsider);
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(ctx.em.jiraCalls().map((c) => c.operationId)).toEqual(['getMyPermissions']);
  });

  it('recording an outcome needs Edit issues on the item', async () => {
    const data = await report();
    const open = data.candidates.find((c) => !c.outcome);
    if (!open) throw new Error('no unrecorded candidate');
    ctx.em.revoke('DT', DEMO_USERS.member, ['EDIT_ISSUES']);
    const refused = await call(
      'retro/outcome/record',
      { issueKey: open.key, result: 'hit', note: 'x' },
      DEMO_USERS.member,
    );
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    ctx.em.grant('DT', DEMO_USERS.member, ['EDIT_ISSUES']);
    const saved = await call(
      'retro/outcome/record',
      { issueKey: open.key, result: 'missed', note: 'No uptake' },
      DEMO_USERS.member,
    );
    expect(saved).toMatchObject({ ok: true, data: { result: 'missed', note: 'No uptake' } });
    const after = await report();
    expect(after.misses.map((m) => m.key)).toContain(open.key);
    expect(after.hitRate).toEqual({ hits: 1, rated: 4, rate: 25 });
  });

  it('only finished items promoted from a validated idea get an outcome', async () => {
    const notDone = await call(
      'retro/outcome/record',
      { issueKey: demo.keys.panel.deliveryFromValidated, result: 'hit', note: '' },
      DEMO_USERS.member,
    );
    expect(notDone).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const other = await call(
      'retro/outcome/record',
      { issueKey: 'OTHER-1', result: 'hit', note: '' },
      DEMO_USERS.member,
    );
    expect(other).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });
});
