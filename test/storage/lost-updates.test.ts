import { DEMO_USERS, seedDemoProject, type DemoProject } from '../../dev/emulator/demo-project';
import type { KvsRequest } from '../../dev/emulator/kvs-emulator';
import type { ResolverKey } from '../../src/contract/bridge-contract';
import { useEmulator } from '../helpers/emulator';
import { callOnIssue, callResolver, ok } from '../helpers/invoke';
import { seedEnforcementSite } from '../enforcement/enforcement-site';
import { EVIDENCE_KEYS, ISSUE_NOTE_KEYS } from '../../src/storage/key-families';

/**
 * The lost updates of issue 19 (defects 3, 4 and 8), each replayed through the real resolvers
 * with one writer held in flight by the emulated storage: the writer reads, then its write to
 * the record reaches storage only after a second writer has finished. Every answer that says ok
 * must still be visible afterwards, and no reader may be served a state older than one already
 * acknowledged.
 */
const ctx = useEmulator();

/** The request writes `key`: a plain set, or a transaction that sets it. */
const writes =
  (key: string) =>
  ({ op, body }: KvsRequest): boolean => {
    if (op === 'set') return (body as { key?: unknown } | undefined)?.key === key;
    if (op !== 'transaction') return false;
    const sets = (body as { set?: Array<{ key?: unknown; entityName?: unknown }> }).set ?? [];
    return sets.some((s) => s.key === key && s.entityName === undefined);
  };

const inDays = (days: number) =>
  new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe('defect 3: a waiver grant racing a revoke in one project', () => {
  it('keeps the revocation: the revoked waiver is gone once both answered ok', async () => {
    const site = seedEnforcementSite(ctx.em);
    const call = <T>(key: ResolverKey, payload: unknown) =>
      callResolver<T>(ctx.em, key, site.projectAdmin, payload, {
        extension: { project: { id: site.projectId, key: 'DT' } },
      });
    const a = ctx.em.addIssue({ projectKey: 'DT', type: 'Enabler', summary: 'Revoked one' });
    const b = ctx.em.addIssue({ projectKey: 'DT', type: 'Enabler', summary: 'Granted one' });
    ok(
      await call('waiver/grant', {
        issueKey: a.key,
        reason: 'Known outcome',
        expiresOn: inDays(7),
      }),
    );

    const held = ctx.em.kvs.hold(writes('waivers:DT'));
    const grant = call('waiver/grant', { issueKey: b.key, reason: 'Hotfix', expiresOn: inDays(7) });
    await held.arrived;
    ok(await call('waiver/revoke', { issueKey: a.key }));
    const afterRevoke = ok(await call<{ waivers: Array<{ issueKey: string }> }>('waiver/list', {}));
    expect(afterRevoke.waivers.map((w) => w.issueKey)).not.toContain(a.key);
    held.release();
    ok(await grant);

    const after = ok(await call<{ waivers: Array<{ issueKey: string }> }>('waiver/list', {}));
    expect(after.waivers.map((w) => w.issueKey).sort()).toEqual([b.key]);
  });
});

describe('issue panel writers', () => {
  let demo: DemoProject;
  beforeEach(() => {
    demo = seedDemoProject(ctx.em, { now: new Date() });
  });
  const panel = <T>(key: ResolverKey, issueKey: string, payload: unknown, who: string) =>
    callOnIssue<T>(ctx.em, key, who, issueKey, payload);

  describe('defect 4: two writers adding evidence at once', () => {
    it('keeps both entries when the first writer’s head write arrives after the second saved', async () => {
      const key = demo.keys.panel.validatingIdea;
      const idea = ctx.em.findIssue(key);
      if (!idea) throw new Error('no idea');
      const entry = (summary: string) => ({
        entry: { type: 'interview', date: '2026-10-02', summary, positive: true },
      });
      const summaries = async () =>
        ok(
          await panel<{ entries: Array<{ summary: string }> }>(
            'evidence/list',
            key,
            {},
            DEMO_USERS.member,
          ),
        ).entries.map((e) => e.summary);
      const before = await summaries();

      const held = ctx.em.kvs.hold(writes(EVIDENCE_KEYS.log(idea.id)));
      const first = panel('evidence/add', key, entry('Writer A'), DEMO_USERS.member);
      await held.arrived;
      ok(await panel('evidence/add', key, entry('Writer B'), DEMO_USERS.admin));
      expect(await summaries()).toContain('Writer B');
      held.release();
      ok(await first);

      const after = await summaries();
      expect(after).toEqual(expect.arrayContaining([...before, 'Writer A', 'Writer B']));
      expect(after).toHaveLength(before.length + 2);
    });
  });

  describe('defect 8: an un-flag racing a feasibility sign-off', () => {
    it('never stores a sign-off over the un-flag: the sign-off is refused instead', async () => {
      const key = demo.keys.panel.validatedIdea;
      const idea = ctx.em.findIssue(key);
      if (!idea) throw new Error('no idea');
      // Novel by the flag alone (its demo triage of high uncertainty would keep it novel).
      idea.custom.set(demo.entryTriage.id, { uncertainty: 'low', risk: 'low' });
      ctx.em.kvs.unseed(ISSUE_NOTE_KEYS.feasibility(idea.id));
      ok(await panel('issue/feasibility/flag', key, { novel: true }, DEMO_USERS.member));

      const held = ctx.em.kvs.hold(writes(ISSUE_NOTE_KEYS.feasibility(idea.id)));
      const signOff = panel(
        'issue/feasibility/sign-off',
        key,
        { verdict: 'feasible', note: 'Provider confirmed the API' },
        DEMO_USERS.member,
      );
      await held.arrived;
      ok(await panel('issue/feasibility/flag', key, { novel: false }, DEMO_USERS.admin));
      held.release();
      const signed = await signOff;

      const stored = ctx.em.kvs.peek(ISSUE_NOTE_KEYS.feasibility(idea.id)) as {
        novel: boolean;
        signOff?: unknown;
      };
      expect(stored.novel).toBe(false);
      expect(stored.signOff).toBeUndefined();
      expect(signed).toMatchObject({ ok: false, error: { code: 'conflict' } });
    });
  });
});

describe('the audit log: two appenders racing in one project', () => {
  it('shows both entries when the first appender’s head write arrives after the second saved', async () => {
    const site = seedEnforcementSite(ctx.em);
    const call = <T>(key: ResolverKey, payload: unknown) =>
      callResolver<T>(ctx.em, key, site.projectAdmin, payload, {
        extension: { project: { id: site.projectId, key: 'DT' } },
      });
    const a = ctx.em.addIssue({ projectKey: 'DT', type: 'Enabler', summary: 'First' });
    const b = ctx.em.addIssue({ projectKey: 'DT', type: 'Enabler', summary: 'Second' });
    const grant = (issueKey: string) =>
      call('waiver/grant', { issueKey, reason: 'Known outcome', expiresOn: inDays(7) });

    const held = ctx.em.kvs.hold(writes('audit:DT:head'));
    const first = grant(a.key);
    await held.arrived;
    ok(await grant(b.key));
    held.release();
    ok(await first);

    const audit = ok(
      await call<{ entries: Array<{ issueKey: string }>; kept: number }>('audit/list', {}),
    );
    expect(audit.entries.map((e) => e.issueKey).sort()).toEqual([a.key, b.key].sort());
    expect(audit.kept).toBe(2);
  });
});
