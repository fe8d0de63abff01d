import { DEMO_USERS, seedDemoProject, type DemoProject } from '../../dev/emulator/demo-project';
import type { ResolverKey } from '../../src/contract/bridge-contract';
import type { IssueReadiness } from '../../src/contract/issue-readiness';
import { seedWaiver, useEmulator } from '../helpers/emulator';
import { callOnIssue, ok } from '../helpers/invoke';

/**
 * The issue panel of a delivery item waiting on discovery shows each item it waits on with its
 * status and, once written, the spike's decision, only for items the caller may see; an active
 * waiver shows who granted it, why and until when, and the item reads as waived, not failing.
 */
const ctx = useEmulator();
const now = new Date();
let demo: DemoProject;

beforeEach(() => {
  demo = seedDemoProject(ctx.em, { now });
  ctx.em.resetCalls();
});

const call = <T>(key: ResolverKey, issueKey: string, payload: unknown, who: string) =>
  callOnIssue<T>(ctx.em, key, who, issueKey, payload);

const readiness = async (key: string, who: string = DEMO_USERS.member) =>
  ok<IssueReadiness>(await call<IssueReadiness>('issue/readiness', key, {}, who));

const inDays = (days: number) =>
  new Date(now.getTime() + days * 86_400_000).toISOString().slice(0, 10);

describe('issue panel: what a waiting item waits on', () => {
  it('shows the spike with its status, then its decision once the spike note is written', async () => {
    const { waitingOnSpike, spike } = demo.keys.entry;
    const before = await readiness(waitingOnSpike);
    expect(before.entry?.state).toBe('waiting');
    expect(before.entry?.waitingOn).toEqual([
      expect.objectContaining({
        key: spike,
        status: 'In Progress',
        statusCategory: 'indeterminate',
        decision: null,
      }),
    ]);

    const note = 'The CDN serves our images in 80 ms on 4G: build previews on it.';
    ok(await call('issue/spike/learned', spike, { note }, DEMO_USERS.member));
    const after = await readiness(waitingOnSpike);
    expect(after.entry?.waitingOn[0]?.decision).toEqual({
      note,
      at: expect.any(String) as unknown,
    });
  });

  it('never shows a linked item the caller may not see, nor its decision', async () => {
    const { waitingOnSpike, spike } = demo.keys.entry;
    const secret = 'Secret finding about the CDN contract';
    ok(await call('issue/spike/learned', spike, { note: secret }, DEMO_USERS.member));
    const level = ctx.em.addSecurityLevel({ name: 'Infra only', members: [DEMO_USERS.admin] });
    ctx.em.setSecurityLevel(spike, level.id);
    const member = await readiness(waitingOnSpike);
    expect(JSON.stringify(member)).not.toContain(secret);
    expect(JSON.stringify(member)).not.toContain(spike);
    const admin = await readiness(waitingOnSpike, DEMO_USERS.admin);
    expect(admin.entry?.waitingOn[0]?.decision?.note).toBe(secret);
  });
});

describe('issue panel: waivers', () => {
  it('shows an active waiver with the granter’s name, why and until when; the item reads as waived', async () => {
    const key = demo.keys.unscopedEnablerInSprint;
    const before = await readiness(key);
    expect(before.ready).toBe(false);
    expect(before.waiver).toBeNull();
    expect(before.headline).toMatch(/^Not ready for a sprint: \d of \d checks? fails?\.$/);

    const expiresOn = inDays(7);
    ok(
      await call(
        'waiver/grant',
        key,
        { issueKey: key, reason: 'Hotfix for the release', expiresOn },
        DEMO_USERS.admin,
      ),
    );
    const after = await readiness(key);
    expect(after.waiver).toEqual({
      grantedBy: DEMO_USERS.admin,
      grantedByName: 'Ada Admin',
      reason: 'Hotfix for the release',
      expiresOn,
      grantedAt: expect.any(String) as unknown,
    });
    expect(after.ready).toBe(false);
    expect(after.headline).toMatch(
      new RegExp(
        `^Waived until ${expiresOn} by Ada Admin: it may enter a sprint although \\d of \\d checks? fails?\\.$`,
      ),
    );
  });

  it('ignores an expired waiver', async () => {
    const key = demo.keys.unscopedEnablerInSprint;
    const issue = ctx.em.findIssue(key);
    if (!issue) throw new Error('no issue');
    seedWaiver(ctx.em, issue, {
      reason: 'Old',
      expiresOn: inDays(-1),
      grantedBy: DEMO_USERS.admin,
      grantedAt: new Date(now.getTime() - 5 * 86_400_000).toISOString(),
    });
    const r = await readiness(key);
    expect(r.waiver).toBeNull();
    expect(r.headline).toMatch(/^Not ready for a sprint/);
  });
});
