import { DEMO_USERS, seedDemoProject, type DemoProject } from '../../dev/emulator/demo-project';
import { dedupeKeyOf, IssueEventSchema } from '../../src/enforcement/sprint-guard-event';
import { handleSpikeClosed, isStatusChange } from '../../src/enforcement/spike-decision';
import { dayBucket } from '../../src/storage/enforcement-store';
import { ENFORCEMENT_KEYS, KEYS } from '../../src/storage/key-families';
import { useEmulator } from '../helpers/emulator';
import { inInvocation } from '../helpers/invoke';
import { statusChangeEvent } from './enforcement-site';

/**
 * When the spike-decision trigger does nothing, and says why: an event that is not an issue
 * event, not a status change, of a project Dual Track is not set up in, a repeat, a spike since
 * deleted, an item that is not a spike; each ending recorded on the event's claim. A failure to
 * read storage asks Forge to retry.
 */
const ctx = useEmulator();
const now = new Date('2026-11-20T10:00:00.000Z');
let demo: DemoProject;

beforeEach(() => {
  demo = seedDemoProject(ctx.em, { now: new Date() });
});

const statusEvent = (key: string, more: Record<string, unknown> = {}) => ({
  ...statusChangeEvent(ctx.em, key, DEMO_USERS.member),
  ...more,
});
const handle = (event: unknown) =>
  inInvocation(ctx.em, 'trigger', 'spike-decision: handleSpikeClosed', () =>
    handleSpikeClosed(event, { now }),
  );
const claimOf = (event: ReturnType<typeof statusEvent>) =>
  ctx.em.kvs.peek(
    ENFORCEMENT_KEYS.event(
      dayBucket(now),
      `spike-decision:${dedupeKeyOf(IssueEventSchema.parse(event))}`,
    ),
  );

describe('the spike-decision trigger ignores', () => {
  it('what is not an issue event', async () => {
    await expect(handle({ issue: { key: 'DT-1' } })).resolves.toEqual({
      status: 'ignored',
      reason: 'malformed-event',
    });
  });

  it('events that are not a status change', async () => {
    const { spike } = demo.keys.entry;
    const labels = {
      changelog: { id: '1', items: [{ field: 'labels', fieldId: 'labels', from: '', to: 'x' }] },
    };
    await expect(handle(statusEvent(spike, labels))).resolves.toEqual({
      status: 'ignored',
      reason: 'not-a-status-change',
    });
    await expect(
      handle(statusEvent(spike, { eventType: 'avi:jira:created:issue' })),
    ).resolves.toEqual({
      status: 'ignored',
      reason: 'not-a-status-change',
    });
  });

  it('a project Dual Track is not set up in', async () => {
    const { spike } = demo.keys.entry;
    const event = statusEvent(spike);
    const elsewhere = {
      ...event.issue,
      fields: { project: { id: '99999', key: demo.projectKey } },
    };
    await expect(handle({ ...event, issue: elsewhere })).resolves.toEqual({
      status: 'ignored',
      reason: 'not-dual-track',
    });
  });

  it('a repeat of an event it handled, having recorded how the first ended', async () => {
    const { spike } = demo.keys.entry;
    const event = statusEvent(spike);
    await expect(handle(event)).resolves.toEqual({ status: 'ignored', reason: 'not-closed' });
    expect(claimOf(event)).toMatchObject({ state: 'done', outcome: 'not-closed' });
    await expect(handle(event)).resolves.toEqual({ status: 'ignored', reason: 'duplicate' });
  });

  it('a spike deleted since the event', async () => {
    const { spike } = demo.keys.entry;
    const event = statusEvent(spike);
    ctx.em.deleteIssue(spike);
    await expect(handle(event)).resolves.toEqual({ status: 'ignored', reason: 'issue-gone' });
    expect(claimOf(event)).toMatchObject({ state: 'done', outcome: 'issue-gone' });
  });

  it('a spike moved to another project since the event', async () => {
    const { spike } = demo.keys.entry;
    const event = statusEvent(spike);
    const ops = ctx.em.addProject({ key: 'OPS', name: 'Ops' });
    const moved = ctx.em.findIssue(spike);
    if (moved) moved.projectId = ops.id;
    await expect(handle(event)).resolves.toEqual({
      status: 'ignored',
      reason: 'moved-to-another-project',
    });
  });

  it('a closed spike without a decision, or with an issue security level', async () => {
    const { spike } = demo.keys.entry;
    const closed = ctx.em.findIssue(spike);
    if (closed) closed.statusId = '10002';
    await expect(handle(statusEvent(spike))).resolves.toEqual({
      status: 'ignored',
      reason: 'no-decision',
    });
    const level = ctx.em.addSecurityLevel({
      name: 'Infra',
      members: [DEMO_USERS.admin],
      app: true,
    });
    ctx.em.setSecurityLevel(spike, level.id);
    const warned = jest.spyOn(console, 'warn').mockImplementation(() => {});
    const again = {
      ...statusEvent(spike),
      changelog: { id: '70002', items: [{ field: 'status' }] },
    };
    await expect(handle(again)).resolves.toEqual({ status: 'ignored', reason: 'restricted-spike' });
    expect(warned).toHaveBeenCalledWith(
      `spike-decision: ${spike}: has an issue security level; its decision is not shared`,
    );
    warned.mockRestore();
  });

  it('an event without a changelog', async () => {
    const bare: Record<string, unknown> = { ...statusEvent(demo.keys.entry.spike) };
    delete bare.changelog;
    await expect(handle(bare)).resolves.toEqual({
      status: 'ignored',
      reason: 'not-a-status-change',
    });
  });

  it('a spike Jira could not read for a while: retried, not taken as gone', async () => {
    const { spike } = demo.keys.entry;
    const event = statusEvent(spike);
    ctx.em.injectFault({ match: /^GET \/rest\/api\/3\/issue\//, status: 503, times: 20 });
    const warned = jest.spyOn(console, 'warn').mockImplementation(() => {});
    await expect(handle(event)).resolves.toMatchObject({ kind: 'retry-later' });
    warned.mockRestore();
    expect(claimOf(event)).toBeUndefined();
  });

  it('an item that is not a spike', async () => {
    await expect(handle(statusEvent(demo.keys.entry.waitingOnSpike))).resolves.toEqual({
      status: 'ignored',
      reason: 'not-a-spike',
    });
  });

  it('an event whose project settings are unreadable, saying so in the log', async () => {
    const { spike } = demo.keys.entry;
    ctx.em.kvs.seed(KEYS.projectConfig(demo.projectKey), { not: 'settings' });
    const warned = jest.spyOn(console, 'warn').mockImplementation(() => {});
    const answer = await handle(statusEvent(spike));
    expect(answer).toEqual({ status: 'ignored', reason: 'StoredValueError' });
    expect(warned).toHaveBeenCalledWith(
      expect.stringMatching(new RegExp(`^spike-decision: ${spike}: The stored value`)),
    );
    warned.mockRestore();
  });
});

describe('a status change', () => {
  const event = (items: unknown[], eventType?: string) =>
    IssueEventSchema.parse({
      ...(eventType ? { eventType } : {}),
      issue: { id: '1', key: 'DT-1', fields: { project: { id: '1', key: 'DT' } } },
      changelog: { items },
    });

  it('is an update with a status item, by field or field id', () => {
    expect(isStatusChange(event([{ fieldId: 'status' }]))).toBe(true);
    expect(isStatusChange(event([{ field: 'status' }]))).toBe(true);
    expect(
      isStatusChange(event([{ field: 'labels' }, { field: 'status' }], 'avi:jira:updated:issue')),
    ).toBe(true);
    expect(isStatusChange(event([{ field: 'labels' }]))).toBe(false);
    expect(isStatusChange(event([{ field: 'status' }], 'avi:jira:deleted:issue'))).toBe(false);
  });
});
