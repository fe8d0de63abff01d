import type { ResolverKey, Result } from '../../src/contract/bridge-contract';
import { STOPPED_CLAIM_MS } from '../../src/storage/kvs-store';
import { seedEnforcementSite, type EnforcementSite } from '../enforcement/enforcement-site';
import { useEmulator } from '../helpers/emulator';
import { callResolver } from '../helpers/invoke';
import { KEYS } from '../../src/storage/key-families';

/**
 * "New discovery item" creates one issue per submission (issue 19, item 4): the dialog sends one
 * request id per submission; the same request, twice or at once, creates one item and answers
 * both; a request Jira refused may be sent again; one stopped mid-creation is not redone blind.
 */
const ctx = useEmulator();
let site: EnforcementSite;

beforeEach(() => {
  site = seedEnforcementSite(ctx.em);
  ctx.em.kvs.seed(KEYS.jiraFields, { scopedOutcome: site.scopedOutcome.id });
});

const SPIKE = {
  templateId: 'spike',
  summary: 'Session cache',
  answers: {
    question: 'Can Postgres serve session lookups under 20 ms at twice the load?',
    timebox: '3',
    decision: 'Whether we buy a managed Redis this quarter',
  },
};

function create(requestId?: string): Promise<Result<unknown>> {
  const key: ResolverKey = 'templates/create';
  return callResolver(ctx.em, key, site.member, requestId ? { ...SPIKE, requestId } : SPIKE, {
    extension: { type: 'jira:projectPage', project: { id: site.projectId, key: 'DT' } },
  });
}

const spikes = () =>
  [...ctx.em.issues.values()].filter((i) => i.summary === SPIKE.summary).map((i) => i.key);

const creates = () => ctx.em.jiraCalls().filter((c) => c.operationId === 'createIssue').length;

describe('templates/create creates once per request', () => {
  it('the same request twice: one item, the second answered with it', async () => {
    const first = await create('submit-0001');
    const again = await create('submit-0001');
    expect(spikes()).toHaveLength(1);
    expect(again).toEqual(first);
  });

  it('the same request at once: one item; the other is answered or told it is being created', async () => {
    const answers = await Promise.all([create('submit-0002'), create('submit-0002')]);
    expect(spikes()).toHaveLength(1);
    for (const answer of answers) {
      if (answer.ok) expect((answer.data as { key: string }).key).toBe(spikes()[0]);
      else expect(answer.error.message).toContain('is being created right now');
    }
  });

  it('two submissions (two request ids) are two items, as before', async () => {
    await create('submit-0003');
    await create('submit-0004');
    expect(spikes()).toHaveLength(2);
  });

  it('a request Jira refused may be sent again and then creates the item', async () => {
    ctx.em.injectFault({ match: /^POST \/rest\/api\/3\/issue$/, status: 503 });
    const refused = await create('submit-0005');
    expect(refused.ok).toBe(false);
    expect(spikes()).toHaveLength(0);
    const retried = await create('submit-0005');
    expect(retried.ok).toBe(true);
    expect(spikes()).toHaveLength(1);
  });

  it('a request stopped after Jira created the item is not created again; the user is told to look', async () => {
    // The app's record of what it created fails to save: the item exists, unrecorded.
    ctx.em.kvs.failWrites(503, 1, { skip: 1 });
    const stopped = await create('submit-0006');
    expect(stopped.ok).toBe(false);
    expect(spikes()).toHaveLength(1);
    // While the first attempt may still be running, the same request is told so...
    ctx.em.resetCalls();
    const soon = await create('submit-0006');
    expect(soon).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(creates()).toBe(0);
    // ...and once no invocation can still be running, told it may exist.
    const later = new Date(Date.now() + STOPPED_CLAIM_MS + 1000);
    jest.useFakeTimers({ now: later, doNotFake: ['nextTick', 'setImmediate', 'setTimeout'] });
    try {
      const answer = await create('submit-0006');
      expect(answer).toMatchObject({ ok: false, error: { code: 'conflict' } });
      if (!answer.ok) expect(answer.error.message).toContain('may have been created already');
    } finally {
      jest.useRealTimers();
    }
    expect(creates()).toBe(0);
    expect(spikes()).toHaveLength(1);
  });

  it('without a request id (an older page) it creates as before', async () => {
    await create();
    await create();
    expect(spikes()).toHaveLength(2);
  });
});
