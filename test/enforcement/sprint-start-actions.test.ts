import { takeOffEditScreen } from '../../dev/emulator/edit-screens';
import { labelsOf } from '../../dev/emulator/routes/enforcement';
import type { EmIssue } from '../../dev/emulator/model';
import type { FlagOutcome } from '../../src/domain/flag-fallback';
import { auditGiveUp, carryOut, summaryGroups } from '../../src/enforcement/sprint-start-actions';
import type { PlannedItem, StartPlan } from '../../src/enforcement/sprint-start-plan';
import { jiraAsApp } from '../../src/jira/jira-gateway';
import { ENFORCEMENT_KEYS, PAGE_CACHE_KEYS } from '../../src/storage/key-families';
import { useEmulator } from '../helpers/emulator';
import { inInvocation } from '../helpers/invoke';
import { auditLog, commentText, seedEnforcementSite } from './enforcement-site';

/**
 * The sprint-start check's actions on a plan, as a retried event sees them: what each step does,
 * which steps a record of earlier progress skips, what is told and audited in which project, and
 * what a last attempt that gave up audits.
 */
const ctx = useEmulator();
const now = new Date('2026-11-20T10:00:00.000Z');

beforeEach(() => {
  seedEnforcementSite(ctx.em);
  ctx.em.addProject({ key: 'OPS', name: 'Operations' });
});

const issue = (projectKey: string, type = 'Enabler'): EmIssue =>
  ctx.em.addIssue({ projectKey, type, summary: `${type} in ${projectKey}` });

function planned(
  i: EmIssue,
  action: PlannedItem['action'],
  more: Partial<PlannedItem> = {},
): PlannedItem {
  return {
    issueId: i.id,
    key: i.key,
    projectKey: i.key.split('-')[0] ?? '',
    typeName: 'Enabler',
    action,
    rule: 'scoped-outcome',
    missing: [`outcome of ${i.key}`],
    ...more,
  };
}

function planOf(items: PlannedItem[], more: Partial<StartPlan> = {}): StartPlan {
  return {
    sprintId: 7,
    sprintName: 'Sprint 7',
    actor: 'user-member',
    flaggedFieldId: null,
    items,
    waived: [],
    unread: 0,
    ...more,
  };
}

const run = (plan: StartPlan, done: Set<string>) =>
  inInvocation(ctx.em, 'trigger', 'sprint-start: carryOut', () =>
    carryOut(plan, done, jiraAsApp(), now),
  );
const giveUp = (plan: StartPlan, done: Set<string>, reason: string) =>
  inInvocation(ctx.em, 'trigger', 'sprint-start: auditGiveUp', () =>
    auditGiveUp(plan, done, reason, now),
  );

const audit = (projectKey: string) => auditLog(ctx.em, projectKey);

const moveRequests = () =>
  ctx.em.jiraCalls().filter((c) => c.path.startsWith('/rest/agile/1.0/backlog/issue'));
const flagNotes = (projectKey: string) =>
  ctx.em.kvs.peek(ENFORCEMENT_KEYS.flagNotes(projectKey)) as
    { types: Record<string, { outcome: FlagOutcome }> } | undefined;
const written = (projectKey: string) => ctx.em.kvs.peek(PAGE_CACHE_KEYS.written(projectKey));

describe('the sprint-start actions', () => {
  it('move back only the items to move, flag only the items to flag, and record each step', async () => {
    const [moved, flagged] = [issue('DT'), issue('DT')];
    const done = new Set<string>();
    await run(planOf([planned(moved, 'move-back'), planned(flagged, 'flag')]), done);
    expect(moveRequests().map((c) => c.body)).toEqual([{ issues: [moved.key] }]);
    expect(labelsOf(ctx.em, moved.key)).not.toContain('dual-track-flagged');
    expect(labelsOf(ctx.em, flagged.key)).toContain('dual-track-flagged');
    expect([...done].sort()).toEqual(
      [`move:${moved.key}`, `flag:${flagged.key}`, 'comment:DT', 'audit:DT', 'flag-note:DT'].sort(),
    );
    expect(written('DT')).toBeDefined();
  });

  it('a retry skips every step recorded as done: no request, comment, audit or page mark', async () => {
    const [moved, flagged] = [issue('DT'), issue('DT')];
    const done = new Set([
      `move:${moved.key}`,
      `flag:${flagged.key}`,
      'comment:DT',
      'audit:DT',
      'flag-note:DT',
    ]);
    ctx.em.resetCalls();
    await run(planOf([planned(moved, 'move-back'), planned(flagged, 'flag')]), done);
    expect(ctx.em.jiraCalls()).toEqual([]);
    expect(await audit('DT')).toEqual([]);
    expect(written('DT')).toBeUndefined();
  });

  it('a retry after the single summary of older versions ("comment") writes no summary again', async () => {
    const moved = issue('DT');
    await run(planOf([planned(moved, 'move-back')]), new Set([`move:${moved.key}`, 'comment']));
    expect(commentText(ctx.em, moved.key)).toEqual([]);
    expect((await audit('DT')).map((e) => e.action)).toEqual(['moved-back']);
  });

  it('marks changed only the projects whose items it acted on in this attempt', async () => {
    const [before, now2] = [issue('DT'), issue('OPS')];
    await run(
      planOf([planned(before, 'move-back'), planned(now2, 'move-back')]),
      new Set([`move:${before.key}`]),
    );
    expect(written('DT')).toBeUndefined();
    expect(written('OPS')).toBeDefined();
  });

  it('marks the projects whose items moved even when a later flag fails, then fails', async () => {
    const [moved, flagged] = [issue('DT'), issue('OPS')];
    ctx.em.injectFault({ match: /^PUT \/rest\/api\/3\/issue\//, status: 500, times: 50 });
    const done = new Set<string>();
    const warned = jest.spyOn(console, 'warn').mockImplementation(() => {});
    await expect(
      run(planOf([planned(moved, 'move-back'), planned(flagged, 'flag')]), done),
    ).rejects.toThrow();
    warned.mockRestore();
    expect(done.has(`move:${moved.key}`)).toBe(true);
    expect(written('DT')).toBeDefined();
    expect(written('OPS')).toBeUndefined();
  });

  it('logs a project it could not mark changed, and still finishes', async () => {
    const moved = issue('DT');
    ctx.em.kvs.failWrites(500, 1);
    const warned = jest.spyOn(console, 'warn').mockImplementation(() => {});
    const done = new Set<string>();
    await run(planOf([planned(moved, 'move-back')]), done);
    const lines = warned.mock.calls.map((c) => String(c[0]));
    warned.mockRestore();
    expect(lines.some((l) => l.includes('could not mark a project changed: '))).toBe(true);
    expect(done.has('audit:DT')).toBe(true);
  });

  it('notes how flags went per project and issue type, for flagged items only', async () => {
    takeOffEditScreen(ctx.em, 'DT', 'labels', 'Story');
    const story = issue('DT', 'Story');
    const bug = issue('DT', 'Bug');
    const enabler = issue('DT', 'Enabler');
    const ops = issue('OPS', 'Story');
    const held = {
      since: '2026-11-01T00:00:00.000Z',
      outcome: { via: null, refused: ['label'], overrideRefused: false, siteHasFlagged: false },
    };
    ctx.em.kvs.seed(ENFORCEMENT_KEYS.flagNotes('DT'), { version: 1, types: { Bug: held } });
    ctx.em.kvs.seed(ENFORCEMENT_KEYS.flagNotes('OPS'), { version: 1, types: { Story: held } });
    await run(
      planOf([
        planned(story, 'flag', { typeName: 'Story' }),
        planned(bug, 'move-back', { typeName: 'Bug' }),
        planned(enabler, 'flag'),
        planned(ops, 'flag', { typeName: 'Story' }),
      ]),
      new Set(),
    );
    // DT: Story's refusal is new; Bug was moved back, not flagged, so its note stays; the
    // Enabler's screen is another, so Story's refusal did not change how it was flagged.
    expect(Object.keys(flagNotes('DT')?.types ?? {}).sort()).toEqual(['Bug', 'Story']);
    expect(flagNotes('DT')?.types.Story?.outcome.via).not.toBe('label');
    // OPS: its Story is on another project's screen, flagged the ordinary way, so its old
    // note (its only one) goes.
    expect(flagNotes('OPS')).toBeUndefined();
  });

  it('keeps the flag notes a retry recorded as noted', async () => {
    const flagged = issue('DT');
    const held = {
      since: '2026-11-01T00:00:00.000Z',
      outcome: { via: null, refused: ['label'], overrideRefused: false, siteHasFlagged: false },
    };
    ctx.em.kvs.seed(ENFORCEMENT_KEYS.flagNotes('DT'), { version: 1, types: { Enabler: held } });
    await run(planOf([planned(flagged, 'flag')]), new Set(['flag-note:DT']));
    expect(flagNotes('DT')?.types.Enabler).toEqual(held);
  });

  it('tells each project only of its own items, and a restricted item only of itself', async () => {
    const [a, secret, b, ops] = [issue('DT'), issue('DT'), issue('DT'), issue('OPS')];
    await run(
      planOf([
        planned(a, 'move-back'),
        planned(secret, 'move-back', { restricted: true }),
        planned(b, 'flag'),
        planned(ops, 'move-back'),
      ]),
      new Set(),
    );
    const summary = commentText(ctx.em, a.key).join('');
    expect(summary).toContain(a.key);
    expect(summary).toContain(b.key);
    expect(summary).not.toContain(secret.key);
    expect(summary).not.toContain(ops.key);
    const own = commentText(ctx.em, secret.key).join('');
    expect(own).toContain(secret.key);
    expect(own).not.toContain(a.key);
    expect(commentText(ctx.em, b.key)).toEqual([]);
    expect(commentText(ctx.em, ops.key).join('')).not.toContain(a.key);
  });

  it("a retry skips a restricted item's own summary recorded as written", async () => {
    const [a, secret] = [issue('DT'), issue('DT')];
    await run(
      planOf([planned(a, 'move-back'), planned(secret, 'move-back', { restricted: true })]),
      new Set([`move:${a.key}`, `move:${secret.key}`, `comment:DT:${secret.key}`]),
    );
    expect(commentText(ctx.em, secret.key)).toEqual([]);
    expect(commentText(ctx.em, a.key)).toHaveLength(1);
  });

  it('says how many items it did not read, counted unless Jira gave no count', async () => {
    const [a, b] = [issue('DT'), issue('OPS')];
    await run(planOf([planned(a, 'move-back')], { unread: 3 }), new Set());
    expect(commentText(ctx.em, a.key).join('')).toContain('3 more item(s)');
    await run(planOf([planned(b, 'move-back')], { unread: 3, unreadCounted: false }), new Set());
    const text = commentText(ctx.em, b.key).join('');
    expect(text).toContain('more items');
    expect(text).not.toContain('3 more');
  });

  it("audits each project's waived items and items acted on, with where each summary is", async () => {
    const [a, secret, ops, waived] = [issue('DT'), issue('DT'), issue('OPS'), issue('OPS')];
    const waiver = { grantedBy: 'user-padmin', reason: 'agreed', expiresOn: '2099-01-01' };
    await run(
      planOf(
        [
          planned(a, 'move-back'),
          planned(secret, 'flag', { restricted: true }),
          planned(ops, 'move-back'),
        ],
        {
          waived: [
            {
              issueId: waived.id,
              key: waived.key,
              projectKey: 'OPS',
              rule: 'scoped-outcome',
              missing: ['an outcome', 'a measure'],
              waiver,
            },
          ],
        },
      ),
      new Set(),
    );
    const dt = await audit('DT');
    expect(dt.map((e) => [e.action, e.issueKey])).toEqual([
      ['moved-back', a.key],
      ['flagged', secret.key],
    ]);
    expect(dt[0]?.detail).toBe(
      `In sprint "Sprint 7" at its start; missing: outcome of ${a.key}. Summary comment on ${a.key}.`,
    );
    expect(dt[1]?.detail).toBe(
      `In sprint "Sprint 7" at its start; missing: outcome of ${secret.key}. Summary comment on ${secret.key}.`,
    );
    const ops2 = await audit('OPS');
    expect(ops2.map((e) => [e.action, e.issueKey])).toEqual([
      ['waived', waived.key],
      ['moved-back', ops.key],
    ]);
    expect(ops2[0]?.detail).toBe(
      'In sprint "Sprint 7" at its start without an outcome; a measure; allowed by a waiver.',
    );
    expect(ops2[0]).toMatchObject({ waiver, actor: 'user-member', sprintId: 7 });
  });

  it('audits the actor as unknown when the event named none', async () => {
    const a = issue('DT');
    const plan = planOf([planned(a, 'move-back')]);
    delete plan.actor;
    await run(plan, new Set());
    expect((await audit('DT'))[0]?.actor).toBeNull();
  });
});

describe('summary groups', () => {
  it('only restricted items: one summary each, none for the project', () => {
    const items = [
      planned(issue('DT'), 'flag', { restricted: true }),
      planned(issue('DT'), 'flag', { restricted: true }),
    ];
    expect(summaryGroups({ items }, 'DT').map((g) => g.step)).toEqual(
      items.map((i) => `comment:DT:${i.key}`),
    );
  });
});

describe('a last attempt that gives up', () => {
  const label: FlagOutcome = {
    via: null,
    refused: ['label'],
    overrideRefused: false,
    siteHasFlagged: false,
  };

  it('audits what was done as done and the rest as failed, in each project not yet audited', async () => {
    const [moved, flagged, notMoved, notFlagged, ops] = [
      issue('DT'),
      issue('DT'),
      issue('DT'),
      issue('DT'),
      issue('OPS'),
    ];
    const plan = planOf(
      [
        planned(moved, 'move-back'),
        planned(flagged, 'flag'),
        planned(notMoved, 'move-back', { missing: ['an outcome', 'a measure'] }),
        planned(notFlagged, 'flag'),
        planned(ops, 'move-back'),
      ],
      { flagOutcomes: { [flagged.key]: label } },
    );
    await giveUp(
      plan,
      new Set([`move:${moved.key}`, `flag:${flagged.key}`, 'audit:OPS']),
      'Jira is busy',
    );
    const entries = await audit('DT');
    expect(entries.map((e) => [e.action, e.issueKey])).toEqual([
      ['moved-back', moved.key],
      ['failed', flagged.key],
      ['failed', notMoved.key],
      ['failed', notFlagged.key],
    ]);
    expect(entries[0]?.detail).toBe(
      `In sprint "Sprint 7" at its start; missing: outcome of ${moved.key}. The check stopped before it finished (Jira is busy).`,
    );
    expect(entries[1]?.detail).toMatch(
      /^In sprint "Sprint 7" at its start; not flagged; missing: .+\. The check stopped before it finished \(Jira is busy\)\./,
    );
    expect(entries[2]?.detail).toBe(
      'In sprint "Sprint 7" at its start; could not move it back (Jira is busy). Missing: an outcome; a measure.',
    );
    expect(entries[3]?.detail).toBe(
      `In sprint "Sprint 7" at its start; could not flag it (Jira is busy). Missing: outcome of ${notFlagged.key}.`,
    );
    expect(await audit('OPS')).toEqual([]);
  });

  it('a flag done without recorded outcomes is audited as flagged', async () => {
    const flagged = issue('DT');
    await giveUp(planOf([planned(flagged, 'flag')]), new Set([`flag:${flagged.key}`]), 'timeout');
    expect((await audit('DT')).map((e) => e.action)).toEqual(['flagged']);
  });
});
