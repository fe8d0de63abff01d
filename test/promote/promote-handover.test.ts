import type { EmIssue } from '../../dev/emulator/model';
import type { IssueReadiness } from '../../src/contract/issue-readiness';
import type { PromoteDraft } from '../../src/promote/promote-draft';
import { COMPLETE_OUTCOME, useEmulator, type DemoSite } from '../helpers/emulator';
import { failed } from '../helpers/invoke';
import { ok, seedValidatedIdea, type PromoteSite } from './promote-site';

/**
 * Promote as a reviewed handover: the form's draft (delivery types, an item named after the
 * idea, acceptance criteria drafted from its scoped outcome and evidence, the evidence in brief),
 * several items per request each with its own type, estimate and criteria in its description,
 * their refusal naming the payload path, and the record that resumes a partial promotion with
 * each item as it was first asked for.
 */
const ctx = useEmulator();
let site: DemoSite;
let idea: EmIssue;
let call: PromoteSite['call'];
const DAY = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

interface Promoted {
  outcome: 'complete' | 'partial';
  created: Array<{ key: string; summary: string; issueTypeId: string; linked: boolean }>;
  resumed: boolean;
}

beforeEach(async () => {
  ({ site, idea, call } = await seedValidatedIdea(ctx.em));
});

const typeId = (name: string) => {
  const found = [...ctx.em.issueTypes.values()].find((t) => t.name === name);
  if (!found) throw new Error(`no type ${name}`);
  return found.id;
};
const promote = (items: unknown[], requestId: string) =>
  call<Promoted>('promote/run', site.member, { items, requestId });
const text = (key: string) => JSON.stringify(ctx.em.findIssue(key)?.description);
const createdIssues = () =>
  [...ctx.em.issues.values()].filter((i) => i.id !== idea.id && i.projectId === idea.projectId);

describe('promote/draft: what the form starts from', () => {
  it('offers the delivery types only, Story first, one item named after the idea with drafted criteria', async () => {
    ctx.em.resetCalls();
    const draft = ok(await call<PromoteDraft>('promote/draft', site.member, {}));
    // As docs/costs.md says: permissions, the idea, the project's types; context and evidence.
    expect(
      ctx.em
        .jiraCalls()
        .map((c) => c.operationId)
        .sort(),
    ).toEqual(['getIssue', 'getIssueTypesForProject', 'getMyPermissions']);
    expect(ctx.em.kvs.reads()).toBe(2);
    const names = draft.deliveryTypes.map((t) => t.name);
    expect(names).toContain('Story');
    expect(names).not.toContain('Discovery');
    expect(names).not.toContain('Spike');
    expect(draft.defaultTypeId).toBe(typeId('Story'));
    expect(draft.items).toEqual([
      {
        summary: 'One-click reorder',
        acceptanceCriteria: [
          `Delivers the validated outcome of ${idea.key}: ${COMPLETE_OUTCOME.outcome}`,
          `We can measure it after release: ${COMPLETE_OUTCOME.successMeasure}`,
          'Works as in the usability tested design (1 passed test), without help',
          'Solves the problem 3 interviewed customers confirmed',
        ],
      },
    ]);
    expect(draft.evidence).toEqual([
      `3 interviews, latest ${DAY}`,
      `1 usability test, latest ${DAY}`,
    ]);
  });
});

describe('promote/run with several reviewed items', () => {
  it('creates each item with its type, estimate, evidence and acceptance criteria, linked back; the idea shows them', async () => {
    const result = ok(
      await promote(
        [
          {
            summary: 'Reorder button on past orders',
            issueTypeId: typeId('Story'),
            estimate: 5,
            acceptanceCriteria: ['One tap reorders the whole basket'],
          },
          { summary: 'Reorder fails on a sold-out item', issueTypeId: typeId('Bug'), estimate: 3 },
        ],
        'handover-0001',
      ),
    );
    expect(result.outcome).toBe('complete');
    const [story, task] = result.created;
    if (!story || !task) throw new Error('two items expected');
    expect([story.issueTypeId, task.issueTypeId]).toEqual([typeId('Story'), typeId('Bug')]);
    for (const key of [story.key, task.key]) {
      const description = text(key);
      expect(description).toContain(`"href":"/browse/${idea.key}"`);
      expect(description).toContain(`3 interviews, latest ${DAY}`);
      expect(description).toContain(`1 usability test, latest ${DAY}`);
      expect(description).toContain('"text":"Acceptance criteria"');
      expect(description).toContain(COMPLETE_OUTCOME.outcome);
    }
    // Each item's own criteria and estimate; the one sent without criteria gets the draft.
    expect(text(story.key)).toContain('One tap reorders the whole basket');
    expect(text(story.key)).not.toContain('Solves the problem 3 interviewed customers confirmed');
    expect(text(story.key)).toContain('"text":"5"');
    expect(text(task.key)).toContain('Solves the problem 3 interviewed customers confirmed');
    expect(text(task.key)).toContain('"text":"3"');
    const panel = ok(await call<IssueReadiness>('issue/readiness', site.member, {}));
    expect(panel.promotedTo?.map((p) => p.key).sort()).toEqual([story.key, task.key].sort());
  });

  it('a repeated and a concurrent submit of the same request create the items once', async () => {
    const items = [{ summary: 'A' }, { summary: 'B' }, { summary: 'C' }];
    const [a, b] = await Promise.all([
      promote(items, 'handover-0002'),
      promote(items, 'handover-0002'),
    ]);
    const again = ok(await promote(items, 'handover-0002'));
    expect(
      createdIssues()
        .map((i) => i.summary)
        .sort(),
    ).toEqual(['A', 'B', 'C']);
    const keys = (r: Promoted) => r.created.map((c) => c.key).sort();
    expect(keys(again)).toEqual(keys(ok(a)));
    // The second concurrent request was answered with the first one's items or told to wait.
    if (b.ok) expect(keys(b.data)).toEqual(keys(ok(a)));
    else expect(b.error.code).toBe('conflict');
  });

  it('resumes after a partial failure with each item as first asked for', async () => {
    const create = /^POST \/rest\/api\/3\/issue$/;
    let creates = 0;
    const matches = create.test.bind(create);
    create.test = (request: string) => matches(request) && ++creates === 2;
    ctx.em.injectFault({ match: create, status: 500 });
    const asked = [
      { summary: 'A', estimate: 1, acceptanceCriteria: ['A works'] },
      { summary: 'B', issueTypeId: typeId('Bug'), estimate: 2, acceptanceCriteria: ['B works'] },
      { summary: 'C', estimate: 8, acceptanceCriteria: ['C works'] },
    ];
    const first = ok(await promote(asked, 'handover-0003'));
    expect([first.outcome, first.created.map((c) => c.summary)]).toEqual(['partial', ['A']]);
    // A new click, edited meanwhile: the recorded promotion is finished as first asked for.
    const retry = ok(await promote([{ summary: 'Z' }], 'handover-0004'));
    expect([retry.outcome, retry.resumed]).toEqual(['complete', true]);
    expect(
      createdIssues()
        .map((i) => i.summary)
        .sort(),
    ).toEqual(['A', 'B', 'C']);
    const bySummary = new Map(retry.created.map((c) => [c.summary, c]));
    const b = bySummary.get('B');
    const c = bySummary.get('C');
    if (!b || !c) throw new Error('B and C expected');
    expect(b.issueTypeId).toBe(typeId('Bug'));
    expect(text(b.key)).toContain('B works');
    expect(text(c.key)).toContain('C works');
    expect(text(c.key)).toContain('"text":"8"');
  });

  it('refuses bad items naming the path; nothing is created', async () => {
    const wrongType = failed(
      await promote(
        [{ summary: 'A' }, { summary: 'B', issueTypeId: typeId('Spike') }],
        'handover-0005',
      ),
    );
    expect(wrongType.code).toBe('invalid-input');
    expect(wrongType.message).toContain('items.1.issueTypeId: issue type');
    expect(wrongType.message).toContain('is not a delivery issue type of DT');
    const malformed = failed(
      await promote([{ summary: 'A', estimate: -1, acceptanceCriteria: [' '] }], 'handover-0006'),
    );
    expect(malformed.code).toBe('invalid-input');
    expect(malformed.message).toContain('items.0.estimate');
    expect(malformed.message).toContain('items.0.acceptanceCriteria.0');
    expect(createdIssues()).toHaveLength(0);
  });
});
