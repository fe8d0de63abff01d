import { issueLinkSite } from '../../dev/emulator/routes/issue-writes';
import type { EmIssue } from '../../dev/emulator/model';
import { useEmulator, type DemoSite } from '../helpers/emulator';
import { ok, seedValidatedIdea, type PromoteSite } from './promote-site';
import { KEYS } from '../../src/storage/key-families';

/**
 * Promote never creates a delivery item twice: not for a double click, not for two people
 * clicking at once, not for a retry after a partial failure, not after the invocation stopped
 * between Jira creating an item and the app recording it (issue 19, defect 6).
 */
const ctx = useEmulator();
let site: DemoSite;
let idea: EmIssue;
let call: PromoteSite['call'];

interface Promoted {
  outcome: 'complete' | 'partial';
  created: Array<{ key: string; summary: string; linked: boolean }>;
  notCreated: Array<{ summary: string; reason: string }>;
  message: string;
  resumed: boolean;
}

beforeEach(async () => {
  ({ site, idea, call } = await seedValidatedIdea(ctx.em));
});

const promote = (items: unknown[], requestId?: string, who = site.member) =>
  call<Promoted>('promote/run', who, { items, ...(requestId ? { requestId } : {}) });

const createdIssues = () =>
  [...ctx.em.issues.values()].filter((i) => i.id !== idea.id && i.projectId === idea.projectId);

/** Fails the `n`th create request from now with `status` (Jira answers, nothing is created). */
function failNthCreate(n: number, status: number) {
  const create = /^POST \/rest\/api\/3\/issue$/;
  let creates = 0;
  const matches = create.test.bind(create);
  create.test = (request: string) => matches(request) && ++creates === n;
  ctx.em.injectFault({ match: create, status });
}

const creates = () => ctx.em.jiraCalls().filter((c) => c.operationId === 'createIssue').length;

describe('promote creates each delivery item once', () => {
  it('a repeated request (same request id) gets the first answer and creates nothing more', async () => {
    const first = ok(await promote([{ summary: 'Reorder button' }], 'click-0001'));
    expect(first.outcome).toBe('complete');
    ctx.em.resetCalls();
    const again = ok(await promote([{ summary: 'Reorder button' }], 'click-0001'));
    expect(again.created.map((c) => c.key)).toEqual(first.created.map((c) => c.key));
    expect(again.outcome).toBe('complete');
    expect(creates()).toBe(0);
    // Only the mark that the project changed (any promote marks it; its shared page is read again).
    expect(ctx.em.kvs.writes()).toBe(1);
    expect(createdIssues()).toHaveLength(1);
  });

  it('two clicks at once with the same request id create one item', async () => {
    const answers = await Promise.all([
      promote([{ summary: 'Reorder button' }], 'click-0002'),
      promote([{ summary: 'Reorder button' }], 'click-0002'),
    ]);
    expect(createdIssues()).toHaveLength(1);
    const key = createdIssues()[0]?.key;
    for (const answer of answers) {
      if (answer.ok) expect(answer.data.created.map((c) => c.key)).toEqual([key]);
      else expect(answer.error.message).toContain('is being promoted right now');
    }
    expect(answers.some((a) => a.ok)).toBe(true);
  });

  it('two people promoting at once: one creates, the other is told a promotion is running', async () => {
    ctx.em.addUser({ accountId: 'user-second', displayName: 'Sam Second' });
    ctx.em.grant('DT', 'user-second');
    const answers = await Promise.all([
      promote([{ summary: 'Reorder button' }], 'click-aaaa1'),
      promote([{ summary: 'Reorder API' }], 'click-bbbb2', 'user-second'),
    ]);
    const refused = answers.filter((a) => !a.ok);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toEqual({
      ok: false,
      error: expect.objectContaining({
        code: 'conflict',
        message: expect.stringContaining(`${idea.key} is being promoted right now`) as unknown,
      }) as unknown,
    });
    expect(createdIssues()).toHaveLength(1);
    expect(ctx.em.kvs.peek(KEYS.promotionClaim(idea.id))).toBeUndefined();
  });

  it('a retry after a partial failure creates only what is missing', async () => {
    failNthCreate(2, 500);
    const first = ok(
      await promote([{ summary: 'A' }, { summary: 'B' }, { summary: 'C' }], 'click-0003'),
    );
    expect(first.outcome).toBe('partial');
    expect(first.created.map((c) => c.summary)).toEqual(['A']);
    ctx.em.resetCalls();
    // The user clicks again (a new request): the recorded promotion is resumed.
    const retry = ok(
      await promote([{ summary: 'A' }, { summary: 'B' }, { summary: 'C' }], 'click-0004'),
    );
    expect(retry.outcome).toBe('complete');
    expect(retry.resumed).toBe(true);
    expect(retry.message).toMatch(/^Resumed the promotion started at /);
    expect(retry.created.map((c) => c.summary)).toEqual(['A', 'B', 'C']);
    expect(creates()).toBe(2);
    expect(
      createdIssues()
        .map((i) => i.summary)
        .sort(),
    ).toEqual(['A', 'B', 'C']);
    expect(issueLinkSite(ctx.em).describe(ctx.em, idea.key)).toHaveLength(3);
  });

  it('a retry after a failed link links the item instead of creating it again', async () => {
    ctx.em.injectFault({ match: /^POST \/rest\/api\/3\/issueLink$/, status: 503 });
    const first = ok(await promote([{ summary: 'A' }], 'click-0005'));
    expect(first.created).toEqual([expect.objectContaining({ summary: 'A', linked: false })]);
    ctx.em.resetCalls();
    const retry = ok(await promote([{ summary: 'A' }], 'click-0005'));
    expect(retry.outcome).toBe('complete');
    expect(retry.created).toEqual([expect.objectContaining({ summary: 'A', linked: true })]);
    expect(creates()).toBe(0);
    expect(createdIssues()).toHaveLength(1);
  });

  it('an item Jira created but the app never recorded is not created again; the user is told to look for it', async () => {
    // The record's save after the first creation fails (writes before it: the claim, the pin of
    // the evidence read, the record as "sent"): the invocation ends with the item created in
    // Jira and recorded only as "sent".
    ctx.em.kvs.failWrites(503, 1, { skip: 3 });
    const stopped = await promote([{ summary: 'A' }, { summary: 'B' }], 'click-0006');
    expect(stopped.ok).toBe(false);
    expect(createdIssues().map((i) => i.summary)).toEqual(['A']);
    ctx.em.resetCalls();
    const retry = ok(await promote([{ summary: 'A' }, { summary: 'B' }], 'click-0007'));
    expect(creates()).toBe(1);
    expect(
      createdIssues()
        .map((i) => i.summary)
        .sort(),
    ).toEqual(['A', 'B']);
    expect(retry.created.map((c) => c.summary)).toEqual(['B']);
    expect(retry.notCreated).toEqual([
      {
        summary: 'A',
        reason:
          'the app was stopped while Jira was creating it, so it may exist: look for it in DT before promoting it again',
      },
    ]);
    expect(retry.outcome).toBe('partial');
  });

  it('a claim left by a stopped invocation is taken over once it is older than any invocation lives', async () => {
    ctx.em.kvs.seed(KEYS.promotionClaim(idea.id), {
      by: site.admin,
      at: new Date(Date.now() - 5 * 60_000).toISOString(),
    });
    const answer = ok(await promote([{ summary: 'A' }], 'click-0008'));
    expect(answer.outcome).toBe('complete');
    expect(createdIssues()).toHaveLength(1);
  });

  it('a fresh claim is respected: nothing is created and the user is told why', async () => {
    ctx.em.kvs.seed(KEYS.promotionClaim(idea.id), { by: site.admin, at: new Date().toISOString() });
    const answer = await promote([{ summary: 'A' }], 'click-0009');
    expect(answer.ok).toBe(false);
    expect(createdIssues()).toHaveLength(0);
    expect(ctx.em.kvs.peek(KEYS.promotionClaim(idea.id))).toBeDefined();
  });

  it('a failure before anything is created leaves no record behind', async () => {
    failNthCreate(1, 500);
    const answer = await promote([{ summary: 'A' }], 'click-0010');
    expect(answer.ok).toBe(false);
    expect(ctx.em.kvs.peek(KEYS.promotion(idea.id))).toBeUndefined();
    expect(ctx.em.kvs.peek(KEYS.promotionClaim(idea.id))).toBeUndefined();
    ok(await promote([{ summary: 'A' }], 'click-0010'));
    expect(createdIssues()).toHaveLength(1);
  });
});
