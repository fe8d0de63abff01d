import {
  boardReadiness,
  ideaValidation,
  itemReadiness,
  sprintReadiness,
  wouldAct,
} from '../../src/enforcement/readiness-report';
import { jiraAsUser } from '../../src/jira/jira-gateway';
import { EVIDENCE_KEYS, KEYS } from '../../src/storage/key-families';
import { useEmulator } from '../helpers/emulator';
import { inInvocation } from '../helpers/invoke';
import { seedSecuritySite, type World } from '../security/security-site';

/**
 * The readiness report read directly, as the person asking: an item of a project not set up, the
 * field ids it judges with (remembered ones, or the field list when one is missing), an idea that
 * was invalidated, a sprint's tallies by track without items of projects not set up, and a board
 * with a next sprint but no active one.
 */
const ctx = useEmulator();
const now = new Date('2026-11-20T10:00:00.000Z');
let w: World;

beforeEach(() => {
  w = seedSecuritySite(ctx.em);
});

const asAdmin = <T>(fn: (jira: ReturnType<typeof jiraAsUser>) => Promise<T>) =>
  inInvocation(ctx.em, 'resolver', 'test: readiness report', () =>
    fn(jiraAsUser('user-site-admin')),
  );

const fieldListReads = () =>
  ctx.em.jiraCalls().filter((c) => /\/rest\/api\/3\/field(\?|$)/.test(c.path)).length;

describe('one item’s readiness', () => {
  it('of a project Dual Track is not set up in: no track, no rule, nothing missing', async () => {
    await expect(asAdmin((jira) => itemReadiness(jira, w.otherIssue.key, now))).resolves.toEqual({
      key: w.otherIssue.key,
      summary: 'Not yours',
      typeName: 'Story',
      track: null,
      verdict: 'not-set-up',
      rule: null,
      missing: [],
    });
  });

  it('judged with the remembered field ids, reading no field list', async () => {
    ctx.em.resetCalls();
    const row = await asAdmin((jira) => itemReadiness(jira, w.spike.key, now));
    expect(row).toMatchObject({ track: 'discovery', rule: 'scoped-outcome' });
    expect(fieldListReads()).toBe(0);
  });

  it('with no field ids remembered at all: the field list is read', async () => {
    ctx.em.kvs.unseed(KEYS.jiraFields);
    ctx.em.resetCalls();
    const row = await asAdmin((jira) => itemReadiness(jira, w.spike.key, now));
    expect(row).toMatchObject({ track: 'discovery', rule: 'scoped-outcome' });
    expect(fieldListReads()).toBe(1);
  });

  it('with the Scoped outcome id not remembered: the field list is read and the rule still applies', async () => {
    const known = ctx.em.kvs.peek(KEYS.jiraFields) as Record<string, unknown>;
    ctx.em.kvs.seed(KEYS.jiraFields, { ...known, scopedOutcome: undefined });
    ctx.em.resetCalls();
    const enabler = ctx.em.addIssue({ projectKey: 'DT', type: 'Enabler', summary: 'No outcome' });
    const row = await asAdmin((jira) => itemReadiness(jira, enabler.key, now));
    expect(['move-back', 'flag']).toContain(row.verdict);
    expect(row.rule).toBe('scoped-outcome');
    expect(fieldListReads()).toBe(1);
  });
});

describe('a project whose mapping is of another project of the same key (deleted and made again)', () => {
  beforeEach(() => {
    const mapping = ctx.em.kvs.peek(KEYS.trackMapping('DT')) as Record<string, unknown>;
    ctx.em.kvs.seed(KEYS.trackMapping('DT'), { ...mapping, projectId: '99999' });
  });

  it('is not set up: its items get no verdict', async () => {
    const row = await asAdmin((jira) => itemReadiness(jira, w.spike.key, now));
    expect(row).toMatchObject({ verdict: 'not-set-up', track: null });
  });

  it('its ideas are refused as of a project not set up', async () => {
    await expect(asAdmin((jira) => ideaValidation(jira, w.idea.key))).rejects.toMatchObject({
      failure: { code: 'invalid-input', message: 'DT is not set up for Dual Track.' },
    });
  });
});

describe('is an idea validated', () => {
  it('a delivery item: refused as invalid input', async () => {
    await expect(asAdmin((jira) => ideaValidation(jira, w.story.key))).rejects.toMatchObject({
      failure: { code: 'invalid-input' },
    });
  });

  it('of a project not set up: refused, naming the project', async () => {
    await expect(asAdmin((jira) => ideaValidation(jira, w.otherIssue.key))).rejects.toMatchObject({
      failure: { code: 'invalid-input', message: 'OTHER is not set up for Dual Track.' },
    });
  });

  it('an invalidated idea: invalidated, and it should not be built', async () => {
    const log = ctx.em.kvs.peek(EVIDENCE_KEYS.log(w.idea.id)) as Record<string, unknown>;
    ctx.em.kvs.seed(EVIDENCE_KEYS.log(w.idea.id), {
      ...log,
      invalidated: {
        reason: 'Nobody reorders',
        decidedBy: 'user-member',
        decidedAt: '2026-10-02T10:00:00.000Z',
      },
    });
    await expect(asAdmin((jira) => ideaValidation(jira, w.idea.key))).resolves.toEqual({
      key: w.idea.key,
      state: 'invalidated',
      missing: ['the idea was invalidated: it should not be built'],
    });
  });
});

describe('a sprint’s readiness', () => {
  it('tallies each track’s ready and not-ready items, leaving out items of projects not set up', async () => {
    const sprint = ctx.em.addSprint({ boardId: w.boards.dt, name: 'Mixed', state: 'future' });
    for (const key of [w.spike.key, w.delivered.key, w.otherIssue.key, w.enabler.key]) {
      ctx.em.setSprint(key, sprint.id);
    }
    const report = await asAdmin((jira) => sprintReadiness(jira, sprint, now));
    expect(report.byTrack).toEqual({
      discovery: { ready: 1, notReady: 1 },
      delivery: { ready: 1, notReady: 0 },
    });
    expect(report.items.map((r) => [r.key, r.verdict])).toEqual(
      expect.arrayContaining([
        [w.otherIssue.key, 'not-set-up'],
        [w.enabler.key, 'waived'],
        [w.delivered.key, 'ready'],
      ]),
    );
    expect(wouldAct(report).map((r) => r.key)).toEqual([w.spike.key]);
  });

  it('under flag-only, a flagged item counts as not ready and is acted on', async () => {
    ctx.em.kvs.seed(KEYS.projectConfig('DT'), {
      version: 1,
      updatedAt: '2026-11-01T00:00:00.000Z',
      updatedBy: 'user-site-admin',
      projectId: w.dt.id,
      override: { guard: { policy: 'flag-only' } },
    });
    const sprint = ctx.em.addSprint({ boardId: w.boards.dt, name: 'Flags', state: 'future' });
    ctx.em.setSprint(w.spike.key, sprint.id);
    const report = await asAdmin((jira) => sprintReadiness(jira, sprint, now));
    expect(report.items).toEqual([expect.objectContaining({ key: w.spike.key, verdict: 'flag' })]);
    expect(report.byTrack.discovery).toEqual({ ready: 0, notReady: 1 });
    expect(wouldAct(report).map((r) => r.key)).toEqual([w.spike.key]);
  });
});

describe('a board’s readiness', () => {
  it('with a next sprint but none active: no active sprint, the next one judged', async () => {
    const sprints = [...ctx.em.sprints.values()].filter((s) => s.boardId === w.boards.dt);
    for (const s of sprints) if (s.state === 'active') s.state = 'closed';
    const next = sprints.find((s) => s.state === 'future');
    const report = await asAdmin((jira) => boardReadiness(jira, w.boards.dt, now));
    expect(report.active).toBeNull();
    expect(report.next?.id).toBe(next?.id);
  });
});
