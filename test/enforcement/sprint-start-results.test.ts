import { takeOffEditScreen } from '../../dev/emulator/edit-screens';
import { handleSprintStarted } from '../../src/enforcement/sprint-start';
import { SPRINT_SCAN_LIMIT } from '../../src/items/item-facts';
import { WAIVER_KEYS } from '../../src/storage/key-families';
import { COMPLETE_OUTCOME, useEmulator } from '../helpers/emulator';
import { inInvocation } from '../helpers/invoke';
import {
  auditLog,
  claimKeyOf,
  rememberFieldIds,
  seedEnforcementSite,
  sprintStartedEvent,
  waiverBookFor,
  type EnforcementSite,
  addInSprint,
  overrideProject,
} from './enforcement-site';

/**
 * What the sprint-start check answers for each event, called as the trigger calls it: the items
 * it moved back, flagged or could not flag, the waived ones, where the summary went, and why it
 * did nothing; how each event ended is recorded on its claim.
 */
const ctx = useEmulator();
const now = new Date('2026-11-20T10:00:00.000Z');
let site: EnforcementSite;

beforeEach(() => {
  site = seedEnforcementSite(ctx.em);
  rememberFieldIds(ctx.em, site);
});

const add = (type: string, custom?: Record<string, unknown>) =>
  addInSprint(ctx.em, site.active, type, custom);
const check = (event: unknown) =>
  inInvocation(ctx.em, 'trigger', 'sprint-start: handleSprintStarted', () =>
    handleSprintStarted(event, { now }),
  );
const claimOf = (sprintId: number) => ctx.em.kvs.peek(claimKeyOf(`sprint-start:${sprintId}`, now));
const policy = (value: 'move-back' | 'flag-only') =>
  overrideProject(ctx.em, site, { guard: { policy: value } });

const auditEntries = () => auditLog(ctx.em);

describe('the sprint-start check audits', () => {
  it('each waived item without what, then each item acted on with where its summary is', async () => {
    const waived = add('Enabler');
    ctx.em.kvs.seed(WAIVER_KEYS.book('DT'), waiverBookFor(waived, '2099-01-01'));
    const [first, second] = [add('Enabler'), add('Discovery')];
    await check(sprintStartedEvent(site.active));
    const entries = await auditEntries();
    expect(entries.map((e) => [e.action, e.issueKey])).toEqual([
      ['waived', waived.key],
      ['moved-back', first.key],
      ['moved-back', second.key],
    ]);
    const sprint = `In sprint "${site.active.name}" at its start`;
    expect(entries[0]?.detail).toMatch(
      new RegExp(`^${sprint} without .+; allowed by a waiver\\.$`),
    );
    for (const e of entries.slice(1)) {
      expect(e.detail).toMatch(
        new RegExp(`^${sprint}; missing: .+\\. Summary comment on ${first.key}\\.$`),
      );
      expect(e).toMatchObject({
        source: 'sprint-start',
        actor: 'user-member',
        sprintId: site.active.id,
      });
    }
  });
});

describe('the sprint-start check answers', () => {
  it('the items it moved back, where the summary went, and records it on the claim', async () => {
    add('Story');
    add('Enabler', { [site.scopedOutcome.id]: COMPLETE_OUTCOME });
    const unready = [add('Enabler'), add('Discovery')];
    const waived = add('Enabler');
    ctx.em.kvs.seed(WAIVER_KEYS.book('DT'), waiverBookFor(waived, '2099-01-01'));
    const answer = await check(sprintStartedEvent(site.active));
    expect(answer).toEqual({
      status: 'checked',
      sprintId: site.active.id,
      moved: unready.map((i) => i.key),
      flagged: [],
      notFlagged: [],
      waived: [waived.key],
      summaryOn: unready[0]?.key,
      resumed: false,
      spared: [],
      unread: 0,
      unreadCounted: true,
    });
    expect(claimOf(site.active.id)).toMatchObject({ state: 'done', outcome: '2 item(s) acted on' });
  });

  it('under flag-only, the items it flagged', async () => {
    policy('flag-only');
    const unready = [add('Enabler'), add('Spike')];
    await expect(check(sprintStartedEvent(site.active))).resolves.toMatchObject({
      status: 'checked',
      moved: [],
      flagged: unready.map((i) => i.key),
      notFlagged: [],
    });
  });

  it('the items no flag could be set on, apart from those flagged', async () => {
    policy('flag-only');
    takeOffEditScreen(ctx.em, 'DT', 'labels', 'Spike');
    const [enabler, spike] = [add('Enabler'), add('Spike')];
    await expect(check(sprintStartedEvent(site.active))).resolves.toMatchObject({
      status: 'checked',
      flagged: [enabler.key],
      notFlagged: [spike.key],
    });
  });

  it('a repeat of the event: ignored as a duplicate', async () => {
    add('Enabler');
    await check(sprintStartedEvent(site.active));
    await expect(check(sprintStartedEvent(site.active))).resolves.toEqual({
      status: 'ignored',
      reason: 'duplicate',
    });
  });

  it('an event without a sprint id: ignored, and logged', async () => {
    const warned = jest.spyOn(console, 'warn').mockImplementation(() => {});
    await expect(check({ sprint: { name: 'no id' } })).resolves.toEqual({
      status: 'ignored',
      reason: 'malformed-event',
    });
    expect(warned).toHaveBeenCalledWith('sprint-start: ignored an event without a sprint id');
    warned.mockRestore();
  });

  it('a sprint that no longer exists: ignored, its reason recorded on the claim', async () => {
    const warned = jest.spyOn(console, 'warn').mockImplementation(() => {});
    const answer = await check(sprintStartedEvent({ ...site.active, id: 999 }));
    warned.mockRestore();
    expect(answer).toMatchObject({ status: 'ignored' });
    const reason = (answer as { reason: string }).reason;
    expect(claimOf(999)).toMatchObject({ state: 'done', outcome: reason });
  });

  it(`a sprint of more than ${SPRINT_SCAN_LIMIT} items: handed to the queue, recorded as such`, async () => {
    for (let i = 0; i <= SPRINT_SCAN_LIMIT; i++) add('Story');
    await expect(check(sprintStartedEvent(site.active))).resolves.toEqual({
      status: 'queued',
      sprintId: site.active.id,
      joined: false,
    });
    expect(claimOf(site.active.id)).toMatchObject({
      state: 'done',
      outcome: 'checked in steps through the queue',
    });
  });
});
