import { DEMO_USERS, seedDemoProject, type DemoProject } from '../../dev/emulator/demo-project';
import type { EmIssue } from '../../dev/emulator/model';
import { issueLinkSite } from '../../dev/emulator/routes/issue-writes';
import { handleSpikeClosed } from '../../src/enforcement/spike-decision';
import type { AuditPage } from '../../src/storage/audit-store';
import { SPIKE_DECISION_KEYS } from '../../src/storage/key-families';
import { useEmulator } from '../helpers/emulator';
import { callOnIssue, callResolver, inInvocation, ok } from '../helpers/invoke';
import { commentText, issueOf, statusChangeEvent } from './enforcement-site';

/**
 * Which items a closed spike's decision is told to: each delivery item linked to it that meets
 * the discovery entry criteria, once however many links join them; not discovery items, not
 * delivery items that never waited on discovery. The comment and the audit entry carry the
 * decision (the audit entry clipped to 1,000 characters), and the spike's summary when it has one.
 */
const ctx = useEmulator();
const now = new Date('2026-11-20T10:00:00.000Z');
let demo: DemoProject;

beforeEach(() => {
  demo = seedDemoProject(ctx.em, { now: new Date() });
});

const issue = (key: string) => issueOf(ctx.em, key);

/** The spike is closed, and Jira sends the status change. */
function closedSpikeEvent(key: string) {
  issue(key).statusId = '10002';
  return statusChangeEvent(ctx.em, key, DEMO_USERS.member);
}

const handle = (event: unknown) =>
  inInvocation(ctx.em, 'trigger', 'spike-decision: handleSpikeClosed', () =>
    handleSpikeClosed(event, { now }),
  );

/** Links `other` to the spike with the named link type ("<spike> <outward> <other>"). */
function link(spikeKey: string, other: EmIssue, typeName: string) {
  const links = issueLinkSite(ctx.em);
  const type = [...links.types.values()].find((t) => t.name === typeName);
  if (!type) throw new Error(`no ${typeName} link type`);
  links.addLink(type.id, other.id, issue(spikeKey).id);
}

async function decide(spikeKey: string, note: string) {
  ok(await callOnIssue(ctx.em, 'issue/spike/learned', DEMO_USERS.member, spikeKey, { note }));
}

const decisionComments = (key: string) =>
  commentText(ctx.em, key).filter((c) => c.includes('Decision from spike'));

async function auditDetails(): Promise<string[]> {
  const project = ctx.em.projectByKey(demo.projectKey);
  const extension = { project: { id: project.id, key: project.key } };
  const page = ok<AuditPage>(
    await callResolver<AuditPage>(ctx.em, 'audit/list', DEMO_USERS.admin, {}, { extension }),
  );
  return page.entries.filter((e) => e.action === 'decision-shared').map((e) => e.detail);
}

describe('a closed spike’s decision is told to', () => {
  it('each waiting delivery item once, however many links join them, and says whom it told', async () => {
    const { spike, waitingOnSpike } = demo.keys.entry;
    link(spike, issue(waitingOnSpike), 'Relates');
    await decide(spike, 'Use the CDN.');
    await expect(handle(closedSpikeEvent(spike))).resolves.toEqual({
      status: 'shared',
      spikeKey: spike,
      told: [waitingOnSpike],
      skipped: [],
    });
    expect(decisionComments(waitingOnSpike)).toHaveLength(1);
  });

  it('no discovery item and no delivery item that does not meet the entry criteria', async () => {
    const { spike, waitingOnSpike } = demo.keys.entry;
    const plain = ctx.em.addIssue({ projectKey: demo.projectKey, type: 'Story', summary: 'Plain' });
    const idea = ctx.em.addIssue({ projectKey: demo.projectKey, type: 'Discovery', summary: 'Q' });
    idea.custom.set(demo.entryTriage.id, { uncertainty: 'high', risk: 'low', reason: 'CDN' });
    link(spike, plain, 'Relates');
    link(spike, idea, 'Blocks');
    await decide(spike, 'Use the CDN.');
    await expect(handle(closedSpikeEvent(spike))).resolves.toEqual(
      expect.objectContaining({ told: [waitingOnSpike], skipped: [] }),
    );
    expect(decisionComments(plain.key)).toEqual([]);
    expect(decisionComments(idea.key)).toEqual([]);
  });

  it('nobody when nothing is linked to the spike, recording the spike as shared', async () => {
    const lone = ctx.em.addIssue({ projectKey: demo.projectKey, type: 'Spike', summary: '' });
    await decide(lone.key, 'Nothing waits on this.');
    await expect(handle(closedSpikeEvent(lone.key))).resolves.toEqual({
      status: 'shared',
      spikeKey: lone.key,
      told: [],
      skipped: [],
    });
  });
});

describe('telling again', () => {
  it('a later event of the same closed spike tells nobody twice: the item is skipped, the record done', async () => {
    const { spike, waitingOnSpike } = demo.keys.entry;
    await decide(spike, 'Use the CDN.');
    await handle(closedSpikeEvent(spike));
    const told = SPIKE_DECISION_KEYS.told(issue(spike).id, issue(waitingOnSpike).id);
    expect(ctx.em.kvs.peek(told)).toMatchObject({ state: 'done' });
    const again = {
      ...closedSpikeEvent(spike),
      changelog: { id: '70009', items: [{ field: 'status' }] },
    };
    await expect(handle(again)).resolves.toEqual({
      status: 'shared',
      spikeKey: spike,
      told: [],
      skipped: [waitingOnSpike],
    });
    expect(decisionComments(waitingOnSpike)).toHaveLength(1);
  });

  it('an item whose comment was posted but not audited gets only the audit entry', async () => {
    const { spike, waitingOnSpike } = demo.keys.entry;
    await decide(spike, 'Use the CDN.');
    const told = SPIKE_DECISION_KEYS.told(issue(spike).id, issue(waitingOnSpike).id);
    ctx.em.kvs.seed(told, { state: 'commented', at: now.toISOString() });
    await expect(handle(closedSpikeEvent(spike))).resolves.toMatchObject({
      told: [waitingOnSpike],
    });
    expect(decisionComments(waitingOnSpike)).toEqual([]);
    expect(await auditDetails()).toHaveLength(1);
    expect(ctx.em.kvs.peek(told)).toMatchObject({ state: 'done' });
  });
});

describe('what the waiting item is told', () => {
  it('the decision in full in the comment, and up to 1,000 characters in the audit entry', async () => {
    const { spike, waitingOnSpike } = demo.keys.entry;
    const long = `${'a'.repeat(999)}bc`;
    await decide(spike, long);
    await handle(closedSpikeEvent(spike));
    expect(decisionComments(waitingOnSpike)[0]).toContain(long);
    const [detail] = await auditDetails();
    expect(detail).toContain(`${'a'.repeat(999)}…`);
    expect(detail).not.toContain('b');
  });

  it('a decision of exactly 1,000 characters unclipped in the audit entry', async () => {
    const { spike } = demo.keys.entry;
    const exact = `${'a'.repeat(999)}z`;
    await decide(spike, exact);
    await handle(closedSpikeEvent(spike));
    const [detail] = await auditDetails();
    expect(detail).toContain(exact);
    expect(detail).not.toContain('…');
  });

  it('the spike by key alone when it has no summary', async () => {
    const { spike, waitingOnSpike } = demo.keys.entry;
    issue(spike).summary = '';
    await decide(spike, 'Use the CDN.');
    await handle(closedSpikeEvent(spike));
    expect(decisionComments(waitingOnSpike)[0]).toContain(`Decision from spike ${spike}: `);
  });
});
