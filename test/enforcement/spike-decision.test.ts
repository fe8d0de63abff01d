import * as handlers from '../../src/index';
import { DEMO_USERS, seedDemoProject, type DemoProject } from '../../dev/emulator/demo-project';
import { issueLinkSite } from '../../dev/emulator/routes/issue-writes';
import type { AuditPage } from '../../src/storage/audit-store';
import { useEmulator } from '../helpers/emulator';
import { callOnIssue, callResolver, ok, runTrigger } from '../helpers/invoke';
import { commentText, issueOf, statusChangeEvent } from './enforcement-site';

/**
 * Decisions flow to waiting work: the `spike-decision` trigger, driven through the exported
 * handler with the documented issue-updated payload, posts a closed spike's decision once on each
 * item that waited on it (its project, no issue security level), and audits it.
 */
const ctx = useEmulator();
const spikeDecision = (event: unknown) => runTrigger(ctx.em, handlers.spikeDecision, event);
let demo: DemoProject;
const DECISION = 'The CDN serves our images in 80 ms on 4G: build share previews on it.';

beforeEach(() => {
  demo = seedDemoProject(ctx.em, { now: new Date() });
});

const issue = (key: string) => issueOf(ctx.em, key);
const statusEvent = (key: string, changelogId?: string) =>
  statusChangeEvent(ctx.em, key, DEMO_USERS.member, changelogId);

async function writeDecision(spikeKey: string, note = DECISION) {
  ok(await callOnIssue(ctx.em, 'issue/spike/learned', DEMO_USERS.member, spikeKey, { note }));
}

function close(key: string) {
  const i = issue(key);
  i.statusId = '10002';
  i.statusCategoryChanged = new Date().toISOString();
}

async function audit(): Promise<AuditPage> {
  const project = ctx.em.projectByKey(demo.projectKey);
  return ok<AuditPage>(
    await callResolver<AuditPage>(
      ctx.em,
      'audit/list',
      DEMO_USERS.admin,
      {},
      {
        extension: { project: { id: project.id, key: project.key } },
      },
    ),
  );
}

const decisionComments = (key: string) =>
  commentText(ctx.em, key).filter((c) => c.includes('Decision from spike'));

describe('a closed spike’s decision reaches the items waiting on it', () => {
  it('posts one comment naming the spike and its decision, and audits it', async () => {
    const { spike, waitingOnSpike } = demo.keys.entry;
    await writeDecision(spike);
    close(spike);
    expect(await spikeDecision(statusEvent(spike))).toBeUndefined();
    const comments = decisionComments(waitingOnSpike);
    expect(comments).toHaveLength(1);
    expect(comments[0]).toContain(
      `Decision from spike ${spike} (Spike: benchmark the image CDN): `,
    );
    expect(comments[0]).toContain(DECISION);
    expect(comments[0]).toContain('meets the discovery entry criteria (uncertainty high)');
    const entries = (await audit()).entries.filter((e) => e.action === 'decision-shared');
    expect(entries).toEqual([
      expect.objectContaining({
        issueKey: waitingOnSpike,
        source: 'spike-decision',
        actor: DEMO_USERS.member,
        detail: expect.stringContaining(DECISION) as unknown,
      }),
    ]);
  });

  it('posts no second comment for a repeated event or a later re-run', async () => {
    const { spike, waitingOnSpike } = demo.keys.entry;
    await writeDecision(spike);
    close(spike);
    await spikeDecision(statusEvent(spike));
    await spikeDecision(statusEvent(spike));
    await spikeDecision(statusEvent(spike, '70002'));
    expect(decisionComments(waitingOnSpike)).toHaveLength(1);
    expect((await audit()).entries.filter((e) => e.action === 'decision-shared')).toHaveLength(1);
  });

  it('retries a comment Jira refused for a while, and still posts it once', async () => {
    const { spike, waitingOnSpike } = demo.keys.entry;
    await writeDecision(spike);
    close(spike);
    ctx.em.injectFault({ match: /POST \/rest\/api\/3\/issue\/[^/]+\/comment/, status: 503 });
    const first = await spikeDecision(statusEvent(spike));
    expect(first).toMatchObject({ _retry: true, retryOptions: { retryAfter: 60 } });
    expect(decisionComments(waitingOnSpike)).toHaveLength(0);
    await spikeDecision({ ...statusEvent(spike), retryContext: { retryCount: 1 } });
    expect(decisionComments(waitingOnSpike)).toHaveLength(1);
  });

  it('the hourly quota runs out at the comment: Forge is asked to retry after the reset (900 s a time), and the comment is posted once', async () => {
    const { spike, waitingOnSpike } = demo.keys.entry;
    await writeDecision(spike);
    close(spike);
    const ledger = ctx.em.useRateLimits({ startAt: '2026-11-02T10:45:00.000Z' });
    ledger.exhaustOn('addComment');
    const first = await spikeDecision(statusEvent(spike));
    expect(first).toMatchObject({
      _retry: true,
      retryOptions: { retryAfter: 900, retryReason: 'FUNCTION_UPSTREAM_RATE_LIMITED' },
    });
    expect(decisionComments(waitingOnSpike)).toHaveLength(0);
    ledger.advance(900);
    await expect(
      spikeDecision({ ...statusEvent(spike), retryContext: { retryCount: 1 } }),
    ).resolves.toBeUndefined();
    expect(decisionComments(waitingOnSpike)).toHaveLength(1);
    expect((await audit()).entries.filter((e) => e.action === 'decision-shared')).toHaveLength(1);
  });

  it('says nothing while the spike is open or has no decision', async () => {
    const { spike, waitingOnSpike } = demo.keys.entry;
    await writeDecision(spike);
    await spikeDecision(statusEvent(spike));
    expect(decisionComments(waitingOnSpike)).toHaveLength(0);
    ctx.em.kvs.unseed(`spike-note:${issue(spike).id}`);
    close(spike);
    await spikeDecision(statusEvent(spike, '70003'));
    expect(decisionComments(waitingOnSpike)).toHaveLength(0);
  });

  it('writes nothing as the app about a spike with an issue security level', async () => {
    const { spike, waitingOnSpike } = demo.keys.entry;
    await writeDecision(spike);
    close(spike);
    const level = ctx.em.addSecurityLevel({
      name: 'Infra',
      members: [DEMO_USERS.admin],
      app: true,
    });
    ctx.em.setSecurityLevel(spike, level.id);
    await spikeDecision(statusEvent(spike));
    expect(decisionComments(waitingOnSpike)).toHaveLength(0);
    expect((await audit()).entries.filter((e) => e.action === 'decision-shared')).toHaveLength(0);
  });

  it('skips a waiting item with an issue security level, and one in another project', async () => {
    const { spike, waitingOnSpike } = demo.keys.entry;
    await writeDecision(spike);
    close(spike);
    const level = ctx.em.addSecurityLevel({
      name: 'Legal',
      members: [DEMO_USERS.admin],
      app: true,
    });
    ctx.em.setSecurityLevel(waitingOnSpike, level.id);
    ctx.em.addProject({ key: 'OPS', name: 'Ops' });
    ctx.em.grant('OPS', DEMO_USERS.member);
    const elsewhere = ctx.em.addIssue({ projectKey: 'OPS', type: 'Story', summary: 'Ops story' });
    const triageField = demo.entryTriage.id;
    elsewhere.custom.set(triageField, { uncertainty: 'high', risk: 'low', reason: 'CDN' });
    const links = issueLinkSite(ctx.em);
    const blocks = [...links.types.values()].find((t) => t.name === 'Blocks');
    if (!blocks) throw new Error('no Blocks link type');
    links.addLink(blocks.id, elsewhere.id, issue(spike).id);
    await spikeDecision(statusEvent(spike));
    expect(decisionComments(waitingOnSpike)).toHaveLength(0);
    expect(decisionComments(elsewhere.key)).toHaveLength(0);
  });
});
