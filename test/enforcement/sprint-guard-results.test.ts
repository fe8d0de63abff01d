import type { EmIssue } from '../../dev/emulator/model';
import { handleSprintGuardEvent } from '../../src/enforcement/sprint-guard';
import { dedupeKeyOf, IssueEventSchema } from '../../src/enforcement/sprint-guard-event';
import { listAudit } from '../../src/storage/audit-store';
import { dayBucket } from '../../src/storage/enforcement-store';
import { ENFORCEMENT_KEYS, WAIVER_KEYS } from '../../src/storage/key-families';
import { COMPLETE_OUTCOME, useEmulator } from '../helpers/emulator';
import { inInvocation } from '../helpers/invoke';
import {
  addEnabler,
  dragIntoSprint,
  rememberFieldIds,
  seedEnforcementSite,
  sprintChangeEvent,
  waiverBookFor,
  type EnforcementSite,
  overrideProject,
} from './enforcement-site';

/**
 * What the sprint guard answers for each event, called as the trigger calls it: why it did
 * nothing (not an issue event, not a sprint entry, a project not set up, a repeat, an issue gone,
 * an item of another project now), and that a ready or waived item was let be; how each event
 * ended is recorded on its claim.
 */
const ctx = useEmulator();
const now = new Date('2026-11-20T10:00:00.000Z');
let site: EnforcementSite;

beforeEach(() => {
  site = seedEnforcementSite(ctx.em);
  rememberFieldIds(ctx.em, site);
});

const enabler = (custom?: unknown) => addEnabler(ctx.em, site, custom);
const dragInto = (issue: EmIssue) => dragIntoSprint(ctx.em, issue, site.active);
const guard = (event: unknown) =>
  inInvocation(ctx.em, 'trigger', 'sprint-guard: handleSprintGuardEvent', () =>
    handleSprintGuardEvent(event, { now }),
  );
const claimOf = (event: unknown) =>
  ctx.em.kvs.peek(
    ENFORCEMENT_KEYS.event(dayBucket(now), dedupeKeyOf(IssueEventSchema.parse(event))),
  );
const audit = () =>
  inInvocation(ctx.em, 'resolver', 'audit/list: listAudit', () => listAudit('DT', undefined, 10));

describe('the sprint guard does nothing, and says why, for', () => {
  it('what is not an issue event', async () => {
    const warned = jest.spyOn(console, 'warn').mockImplementation(() => {});
    await expect(guard({ issue: { key: 'DT-1' } })).resolves.toEqual({
      status: 'ignored',
      reason: 'malformed-event',
    });
    expect(warned).toHaveBeenCalledWith(
      expect.stringMatching(
        /^sprint-guard: ignored an event that is not an issue event \(issue\.id: /,
      ),
    );
    warned.mockRestore();
  });

  it('an update that put the item in no sprint', async () => {
    const event = sprintChangeEvent(ctx.em, enabler(), { to: site.active, from: site.active });
    await expect(guard(event)).resolves.toEqual({
      status: 'ignored',
      reason: 'not-a-sprint-entry',
    });
  });

  it('a project Dual Track is not set up in', async () => {
    const event = dragInto(enabler());
    const issue = {
      ...event.issue,
      fields: { ...event.issue.fields, project: { id: '99999', key: 'DT' } },
    };
    await expect(guard({ ...event, issue })).resolves.toEqual({
      status: 'ignored',
      reason: 'not-dual-track',
    });
  });

  it('a repeat of an event it acted on, having recorded what it did', async () => {
    const event = dragInto(enabler());
    await expect(guard(event)).resolves.toMatchObject({ status: 'moved-back' });
    expect(claimOf(event)).toMatchObject({ state: 'done', outcome: 'move-back' });
    const warned = jest.spyOn(console, 'warn').mockImplementation(() => {});
    await expect(guard(event)).resolves.toEqual({ status: 'ignored', reason: 'duplicate' });
    expect(warned).toHaveBeenCalledWith(expect.stringMatching(/ already handled \(done\)$/));
    warned.mockRestore();
  });

  it('an item deleted since the event, recorded as such', async () => {
    const issue = enabler();
    const event = dragInto(issue);
    ctx.em.deleteIssue(issue.key);
    const warned = jest.spyOn(console, 'warn').mockImplementation(() => {});
    await expect(guard(event)).resolves.toEqual({ status: 'ignored', reason: 'issue-gone' });
    expect(warned).toHaveBeenCalledWith(
      `sprint-guard: ${issue.key}: the issue no longer exists or the app cannot see it`,
    );
    warned.mockRestore();
    expect(claimOf(event)).toMatchObject({ state: 'done', outcome: 'issue-gone' });
  });
});

describe('the sprint guard also does nothing for', () => {
  it('an item moved to another project since the event', async () => {
    const issue = enabler();
    const event = dragInto(issue);
    issue.projectId = ctx.em.addProject({ key: 'OPS', name: 'Ops' }).id;
    await expect(guard(event)).resolves.toEqual({
      status: 'ignored',
      reason: 'moved-to-another-project',
    });
    expect(claimOf(event)).toMatchObject({ state: 'done', outcome: 'moved-to-another-project' });
  });

  it('an item taken out of every open sprint since the event', async () => {
    const issue = enabler();
    const event = dragInto(issue);
    ctx.em.setSprint(issue.key, undefined);
    await expect(guard(event)).resolves.toEqual({
      status: 'ignored',
      reason: 'not-in-open-sprint',
    });
  });
});

describe('the sprint guard acts, and records how', () => {
  it('under flag-only, an unready item is flagged and the claim says so', async () => {
    overrideProject(ctx.em, site, { guard: { policy: 'flag-only' } });
    const issue = enabler();
    const event = dragInto(issue);
    await expect(guard(event)).resolves.toMatchObject({ status: 'flagged' });
    expect(claimOf(event)).toMatchObject({ state: 'done', outcome: 'flag' });
  });
});

describe('the sprint guard lets be', () => {
  it('an item that is ready', async () => {
    const issue = enabler(COMPLETE_OUTCOME);
    const event = dragInto(issue);
    await expect(guard(event)).resolves.toEqual({ status: 'ready', issueKey: issue.key });
    expect(claimOf(event)).toMatchObject({ state: 'done', outcome: 'ready' });
  });

  it('a waived item, auditing which sprint it entered without what', async () => {
    const issue = enabler();
    ctx.em.kvs.seed(WAIVER_KEYS.book('DT'), waiverBookFor(issue, '2099-01-01'));
    await expect(guard(dragInto(issue))).resolves.toEqual({
      status: 'waived',
      issueKey: issue.key,
    });
    const [entry] = (await audit()).entries;
    expect(entry).toMatchObject({ action: 'waived', actor: 'user-member', issueKey: issue.key });
    expect(entry?.detail).toMatch(
      new RegExp(`^Entered sprint "${site.active.name}" without .+; allowed by a waiver\\.$`),
    );
  });
});
