import type { EmIssue } from '../../dev/emulator/model';
import { labelsOf } from '../../dev/emulator/routes/enforcement';
import type { FlagOutcome } from '../../src/domain/flag-fallback';
import { handleSprintGuardEvent } from '../../src/enforcement/sprint-guard';
import { ENFORCEMENT_KEYS, PAGE_CACHE_KEYS } from '../../src/storage/key-families';
import { useEmulator } from '../helpers/emulator';
import { inInvocation } from '../helpers/invoke';
import {
  auditLog,
  claimKeyOf,
  seedStoppedAttempt,
  addEnabler,
  commentText,
  dragIntoSprint,
  rememberFieldIds,
  seedEnforcementSite,
  type EnforcementSite,
} from './enforcement-site';

/**
 * A sprint-guard event delivered again after an attempt that stopped part-way (its claim left
 * pending with the plan and the steps done): the retry finishes the recorded plan, doing only
 * the steps not done, and answers what the plan did.
 */
const ctx = useEmulator();
const now = new Date('2026-11-20T10:00:00.000Z');
let site: EnforcementSite;
let issue: EmIssue;
let event: ReturnType<typeof dragIntoSprint>;

beforeEach(() => {
  site = seedEnforcementSite(ctx.em);
  rememberFieldIds(ctx.em, site);
  issue = addEnabler(ctx.em, site);
  event = dragIntoSprint(ctx.em, issue, site.active);
});

const NOT_FLAGGED: FlagOutcome = {
  via: null,
  refused: ['label'],
  overrideRefused: true,
  siteHasFlagged: false,
};

function plan(action: 'move-back' | 'flag', more: Record<string, unknown> = {}) {
  return {
    issueId: issue.id,
    issueKey: issue.key,
    projectKey: 'DT',
    typeName: 'Enabler',
    action,
    rule: 'scoped-outcome',
    missing: ['an outcome', 'a measure'],
    sprintId: site.active.id,
    sprintName: site.active.name,
    actor: 'user-member',
    created: false,
    flaggedFieldId: null,
    ...more,
  };
}

const stoppedAttempt = (plan: unknown, done: string[]) =>
  seedStoppedAttempt(ctx.em, `${issue.id}:50001`, now, { plan, done });

const guard = () =>
  inInvocation(ctx.em, 'trigger', 'sprint-guard: handleSprintGuardEvent', () =>
    handleSprintGuardEvent(event, { now }),
  );

const audit = () => auditLog(ctx.em);
const ops = () => ctx.em.jiraCalls().map((c) => c.operationId);

describe('the sprint guard resuming a stopped attempt', () => {
  it('after the move: comments and audits, moves nothing again', async () => {
    stoppedAttempt(plan('move-back'), ['move-back']);
    ctx.em.resetCalls();
    await expect(guard()).resolves.toEqual({
      status: 'moved-back',
      issueKey: issue.key,
      resumed: true,
    });
    expect(ops()).toEqual(['addComment']);
    expect(commentText(ctx.em, issue.key)).toHaveLength(1);
    const [entry] = await audit();
    expect(entry).toMatchObject({
      action: 'moved-back',
      issueKey: issue.key,
      actor: 'user-member',
    });
    expect(entry?.detail).toBe(
      `Added to sprint "${site.active.name}"; missing: an outcome; a measure.`,
    );
    // The move was made by the earlier attempt, which marked the project then.
    expect(ctx.em.kvs.peek(PAGE_CACHE_KEYS.written('DT'))).toBeUndefined();
  });

  it('after the comment: only the audit', async () => {
    stoppedAttempt(plan('move-back'), ['move-back', 'comment']);
    ctx.em.resetCalls();
    await guard();
    expect(ops()).toEqual([]);
    expect(await audit()).toHaveLength(1);
  });

  it('after every step: nothing more, and the claim finished', async () => {
    stoppedAttempt(plan('move-back'), ['move-back', 'comment', 'audit']);
    ctx.em.resetCalls();
    await expect(guard()).resolves.toMatchObject({ status: 'moved-back', resumed: true });
    expect(ops()).toEqual([]);
    expect(await audit()).toEqual([]);
    const claim = ctx.em.kvs.peek(claimKeyOf(`${issue.id}:50001`, now));
    expect(claim).toMatchObject({
      state: 'done',
      outcome: 'move-back',
      done: ['move-back', 'comment', 'audit'],
    });
  });

  it('a flag no screen allowed: answered as not flagged, worded so, and noted for the admin', async () => {
    stoppedAttempt(plan('flag', { flagOutcome: NOT_FLAGGED }), ['flag']);
    await expect(guard()).resolves.toMatchObject({ status: 'not-flagged', resumed: true });
    expect(labelsOf(ctx.em, issue.key)).toEqual([]);
    expect(commentText(ctx.em, issue.key).join('')).toContain('could not');
    const [entry] = await audit();
    expect(entry?.action).toBe('failed');
    expect(entry?.detail).toMatch(/^Added to sprint "Sprint 7"; not flagged; missing: /);
    const notes = ctx.em.kvs.peek(ENFORCEMENT_KEYS.flagNotes('DT')) as {
      types: Record<string, unknown>;
    };
    expect(Object.keys(notes.types)).toEqual(['Enabler']);
  });

  it('a flag whose note was recorded: no note again', async () => {
    stoppedAttempt(plan('flag', { flagOutcome: NOT_FLAGGED }), [
      'flag',
      'comment',
      'audit',
      'flag-note',
    ]);
    await guard();
    expect(ctx.em.kvs.peek(ENFORCEMENT_KEYS.flagNotes('DT'))).toBeUndefined();
  });

  it('a created item: worded as created in the sprint', async () => {
    stoppedAttempt(plan('move-back', { created: true }), ['move-back', 'comment']);
    await guard();
    expect((await audit())[0]?.detail).toMatch(/^Created in sprint "Sprint 7"/);
  });

  it('a plan it cannot read: decided afresh on the item as it is', async () => {
    stoppedAttempt({ issueKey: issue.key, action: 'teleport' }, ['teleport']);
    ctx.em.resetCalls();
    await expect(guard()).resolves.toMatchObject({ status: 'moved-back', resumed: false });
    expect(ops()).toEqual(['getIssue', 'moveIssuesToBacklog', 'addComment']);
    expect(ctx.em.kvs.peek(PAGE_CACHE_KEYS.written('DT'))).toBeDefined();
  });

  it('an event naming no one: the item is moved back and audited without an actor', async () => {
    const anonymous: Record<string, unknown> = { ...event };
    delete anonymous['atlassianId'];
    delete anonymous['user'];
    await expect(
      inInvocation(ctx.em, 'trigger', 'sprint-guard: handleSprintGuardEvent', () =>
        handleSprintGuardEvent(anonymous, { now }),
      ),
    ).resolves.toMatchObject({ status: 'moved-back', resumed: false });
    expect((await audit())[0]?.actor).toBeNull();
  });
});
