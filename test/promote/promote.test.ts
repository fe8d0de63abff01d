import api, { route } from '@forge/api';
import { issueTypeSite } from '../../dev/emulator/routes/issue-types';
import { issueLinkSite } from '../../dev/emulator/routes/issue-writes';
import type { EmIssue } from '../../dev/emulator/model';
import { RECORD_VERSION_ENTITY, versionKey } from '../../src/storage/versioned-record';
import { COMPLETE_OUTCOME, useEmulator, type DemoSite } from '../helpers/emulator';
import { ok, seedPromoteSite, type PromoteSite } from './promote-site';
import { KEYS } from '../../src/storage/key-families';

/**
 * Drives promote/run the way Forge invokes it, against the emulated site: refusal while the
 * idea is not validated, creation and linking when it is, and honest reports of partial work.
 */
const ctx = useEmulator();
let site: DemoSite;
let idea: EmIssue;

const yesterday = () => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

let call: PromoteSite['call'];

beforeEach(() => {
  ({ site, idea, call } = seedPromoteSite(ctx.em));
});

interface Promoted {
  outcome: 'complete' | 'partial';
  linkType: { id: string; name: string };
  created: Array<{
    id: string;
    key: string;
    summary: string;
    linked: boolean;
    linkProblem?: string;
  }>;
  notCreated: Array<{ summary: string; reason: string }>;
  message: string;
}

async function record(type: string, times: number) {
  for (let i = 0; i < times; i++) {
    ok(
      await call('evidence/add', site.member, {
        entry: { type, date: yesterday(), summary: `${type} ${i + 1}`, positive: true },
      }),
    );
  }
}

async function validate() {
  await record('interview', 3);
  await record('usability-test', 1);
}

const promote = (items: unknown[], who = site.member) =>
  call<Promoted>('promote/run', who, { items });

const createdIssues = () =>
  [...ctx.em.issues.values()].filter((i) => i.id !== idea.id && i.projectId === idea.projectId);

describe('promote to delivery', () => {
  it('refuses an idea that is not validated and names what is missing', async () => {
    await record('interview', 2);
    ctx.em.resetCalls();
    const answer = await promote([{ summary: 'Reorder button on order history' }]);
    if (answer.ok) throw new Error('expected a refusal');
    expect(answer.error.code).toBe('conflict');
    expect(answer.error.message).toBe(
      `${idea.key} cannot be promoted to delivery: it is not validated yet (evidence so far: 2 of 3 interviews, 0 of 1 usability test).`,
    );
    expect(createdIssues()).toEqual([]);
    expect(ctx.em.jiraCalls().map((c) => c.operationId)).toEqual(['getMyPermissions', 'getIssue']);
  });

  it('refuses an idea decided invalidated, giving the reason', async () => {
    await validate();
    ok(
      await call('evidence/decide', site.member, {
        invalidated: true,
        reason: 'Saved carts already cover it',
      }),
    );
    const answer = await promote([{ summary: 'Reorder button' }]);
    expect(answer).toEqual({
      ok: false,
      error: expect.objectContaining({
        code: 'conflict',
        message: expect.stringContaining('Saved carts already cover it') as unknown,
      }) as unknown,
    });
    expect(createdIssues()).toEqual([]);
  });

  it('creates Stories carrying the scoped outcome and links them with Implements', async () => {
    const implementsType = issueLinkSite(ctx.em).addType({
      name: 'Implements',
      inward: 'is implemented by',
      outward: 'implements',
    });
    await validate();
    ctx.em.resetCalls();
    const result = ok(
      await promote([
        { summary: 'Reorder button on order history' },
        { summary: 'Reorder API endpoint' },
      ]),
    );
    expect(result.outcome).toBe('complete');
    expect(result.linkType).toEqual({ id: implementsType.id, name: 'Implements' });
    expect(result.created.map((c) => [c.summary, c.linked])).toEqual([
      ['Reorder button on order history', true],
      ['Reorder API endpoint', true],
    ]);
    const story = [...ctx.em.issueTypes.values()].find((t) => t.name === 'Story');
    for (const created of result.created) {
      const issue = ctx.em.findIssue(created.key);
      expect(issue?.issueTypeId).toBe(story?.id);
      const description = JSON.stringify(issue?.description);
      expect(description).toContain(COMPLETE_OUTCOME.outcome);
      expect(description).toContain(COMPLETE_OUTCOME.successMeasure);
      expect(description).toContain('timebox of 3 days');
      expect(description).toContain(idea.key);
    }
    expect(issueLinkSite(ctx.em).describe(ctx.em, idea.key)).toEqual(
      result.created.map((c) => `${c.key} implements ${idea.key}`),
    );
    expect(result.message).toContain(`to ${idea.key} (implements)`);
    expect(ctx.em.jiraCalls().map((c) => `${c.operationId} as ${c.provider}`)).toEqual([
      'getMyPermissions as user',
      'getIssue as user',
      'getIssueTypesForProject as user',
      'getIssueLinkTypes as user',
      'createIssue as user',
      'linkIssues as user',
      'createIssue as user',
      'linkIssues as user',
    ]);
    // Reads: the project context, evidence, feasibility and the promotion record with its claim
    // (one batch each, in parallel), then the record again under the claim. Writes: the pin of
    // the evidence and sign-off read (one transaction), the claim, the record before and after
    // each creation, the finished record, and the claim's release; then the mark that the project
    // changed (its shared page is read again).
    expect(ctx.em.kvs.reads()).toBe(5);
    expect(ctx.em.kvs.writes()).toBe(1 + 1 + 2 * 2 + 1 + 1 + 1);
  });

  it('refuses a delivery item, even one with evidence that meets the threshold, as invalid input', async () => {
    await validate();
    // The same item, now a Story: evidence stays keyed by the issue, the track follows the type.
    const story = [...ctx.em.issueTypes.values()].find((t) => t.name === 'Story');
    if (!story) throw new Error('no Story type');
    idea.issueTypeId = story.id;
    const answer = await promote([{ summary: 'Reorder button' }]);
    expect(answer).toEqual({
      ok: false,
      error: expect.objectContaining({
        code: 'invalid-input',
        message: `${idea.key} is a Story, which is on the delivery track in DT: only discovery items are promoted to delivery.`,
      }) as unknown,
    });
    expect(createdIssues()).toEqual([]);
  });

  it('follows the project’s type-to-track mapping over the type names', async () => {
    await validate();
    ctx.em.kvs.seed(KEYS.trackMapping('DT'), {
      version: 1,
      projectId: ctx.em.projectByKey('DT').id,
      projectKey: 'DT',
      style: 'classic',
      types: [{ issueTypeId: idea.issueTypeId, name: 'Discovery', track: 'delivery' }],
      updatedAt: '2026-11-01T00:00:00.000Z',
      updatedBy: site.admin,
    });
    const answer = await promote([{ summary: 'Reorder button' }]);
    if (answer.ok) throw new Error('expected a refusal');
    expect(answer.error.code).toBe('invalid-input');
    expect(answer.error.message).toContain('on the delivery track');
  });

  it('refuses a technically novel idea until engineering signs it off as feasible', async () => {
    await validate();
    ok(await call('issue/feasibility/flag', site.member, { novel: true }));
    const unsigned = await promote([{ summary: 'Reorder button' }]);
    expect(unsigned).toEqual({
      ok: false,
      error: expect.objectContaining({
        code: 'conflict',
        message: `${idea.key} cannot be promoted to delivery: it is flagged technically novel and has no "feasible" sign-off from the lead engineer yet.`,
      }) as unknown,
    });
    ok(
      await call('issue/feasibility/sign-off', site.member, {
        verdict: 'needs-spike',
        note: 'Unknown reorder API',
      }),
    );
    const needsSpike = await promote([{ summary: 'Reorder button' }]);
    if (needsSpike.ok) throw new Error('expected a refusal');
    expect(needsSpike.error.message).toContain(
      'engineering\'s sign-off says needs a spike first: it needs a new "feasible" sign-off',
    );
    expect(createdIssues()).toEqual([]);

    ok(
      await call('issue/feasibility/sign-off', site.member, {
        verdict: 'feasible',
        note: 'The order service has what we need',
      }),
    );
    const result = ok(await promote([{ summary: 'Reorder button' }]));
    expect(result.created).toHaveLength(1);
  });

  it.each([
    [
      'its feasibility sign-off is withdrawn',
      () =>
        call('issue/feasibility/sign-off', site.member, {
          verdict: 'not-feasible',
          note: 'The order service cannot reorder',
        }),
    ],
    [
      'it is invalidated',
      () => call('evidence/decide', site.member, { invalidated: true, reason: 'Nobody reorders' }),
    ],
  ])('creates nothing when %s while the promotion is being prepared', async (_, change) => {
    await validate();
    ok(await call('issue/feasibility/flag', site.member, { novel: true }));
    ok(await call('issue/feasibility/sign-off', site.member, { verdict: 'feasible', note: 'ok' }));
    // The promotion has read the idea and is about to pin what it read down.
    const pin = ctx.em.kvs.hold(
      ({ op, body }) =>
        op === 'transaction' && JSON.stringify(body).includes(`evidence:${idea.id}#version`),
    );
    const promoting = promote([{ summary: 'Reorder button' }]);
    await pin.arrived;
    ok(await change());
    pin.release();
    expect(await promoting).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(createdIssues()).toEqual([]);
    // Judged again on the state as it is now: refused for what changed.
    const again = await promote([{ summary: 'Reorder button' }]);
    expect(again).toMatchObject({ ok: false, error: { code: 'conflict' } });
    if (!again.ok) expect(again.error.message).toContain('cannot be promoted');
    expect(createdIssues()).toEqual([]);
  });

  it('pins down an evidence log of the scheme before at its version, removing the claim it left', async () => {
    await validate();
    const logKey = `evidence:${idea.id}`;
    const log = ctx.em.kvs.peek(logKey) as { version: number };
    // As the scheme before left it: no version entity, its version claimed beside it.
    ctx.em.kvs.clearEntity(RECORD_VERSION_ENTITY, versionKey(logKey));
    ctx.em.kvs.seed(`${logKey}:rev:${log.version}`, log);
    ok(await promote([{ summary: 'Reorder button' }]));
    expect(ctx.em.kvs.keys().filter((k) => k.startsWith(`${logKey}:`))).toEqual([]);
    expect(ctx.em.kvs.peekEntity(RECORD_VERSION_ENTITY, versionKey(logKey))).toMatchObject({
      version: log.version,
    });
  });

  it('falls back to Relates when the site has no Implements link type', async () => {
    await validate();
    const result = ok(await promote([{ summary: 'Reorder button' }]));
    expect(result.linkType.name).toBe('Relates');
    const key = result.created[0]?.key ?? '';
    expect(issueLinkSite(ctx.em).describe(ctx.em, idea.key)).toEqual([
      `${key} relates to ${idea.key}`,
    ]);
  });

  it('uses the issue type the user chose, and refuses one the project does not offer', async () => {
    await validate();
    const bug = [...ctx.em.issueTypes.values()].find((t) => t.name === 'Bug');
    const result = ok(await promote([{ summary: 'Fix reorder totals', issueTypeId: bug?.id }]));
    expect(ctx.em.findIssue(result.created[0]?.key ?? '')?.issueTypeId).toBe(bug?.id);

    const before = createdIssues().length;
    const answer = await promote([{ summary: 'x' }, { summary: 'y', issueTypeId: '999999' }]);
    expect(answer).toEqual({
      ok: false,
      error: expect.objectContaining({
        code: 'invalid-input',
        message: expect.stringContaining('items.1.issueTypeId') as unknown,
      }) as unknown,
    });
    expect(createdIssues()).toHaveLength(before);
  });

  it('asks for an issue type when the project has no Story type', async () => {
    await validate();
    issueTypeSite(ctx.em).addScheme({
      name: 'No stories',
      typeNames: ['Bug', 'Discovery'],
      projectKeys: ['DT'],
    });
    const answer = await promote([{ summary: 'Reorder button' }]);
    expect(answer).toEqual({
      ok: false,
      error: expect.objectContaining({
        code: 'invalid-input',
        message: expect.stringContaining('no "Story" issue type') as unknown,
      }) as unknown,
    });
    expect(createdIssues()).toEqual([]);
  });

  it('reports created items whose link failed instead of hiding the partial result', async () => {
    await validate();
    ctx.em.injectFault({ match: /^POST \/rest\/api\/3\/issueLink$/, status: 500 });
    const result = ok(await promote([{ summary: 'First' }, { summary: 'Second' }]));
    expect(result.outcome).toBe('partial');
    const [first, second] = result.created;
    expect(first).toMatchObject({ summary: 'First', linked: false });
    expect(first?.linkProblem).toContain('internal error');
    expect(second).toMatchObject({ summary: 'Second', linked: true });
    expect(result.message).toContain(`${first?.key ?? ''} is NOT linked to ${idea.key}`);
    expect(createdIssues()).toHaveLength(2);
  });

  it('reports items not created after a creation failure part-way', async () => {
    await validate();
    // Only the second create request of the run fails.
    const secondCreate = /^POST \/rest\/api\/3\/issue$/;
    let creates = 0;
    const matches = secondCreate.test.bind(secondCreate);
    secondCreate.test = (request: string) => matches(request) && ++creates === 2;
    ctx.em.injectFault({ match: secondCreate, status: 500 });
    const result = ok(await promote([{ summary: 'A' }, { summary: 'B' }, { summary: 'C' }]));
    expect(result.outcome).toBe('partial');
    expect(result.created.map((c) => [c.summary, c.linked])).toEqual([['A', true]]);
    expect(result.notCreated).toEqual([
      { summary: 'B', reason: expect.stringContaining('internal error') as unknown },
      { summary: 'C', reason: 'not attempted after an earlier failure' },
    ]);
    expect(result.message).toContain('"B" was NOT created');
    expect(createdIssues()).toHaveLength(1);
  });

  it('needs Create and Link issues permissions', async () => {
    await validate();
    ctx.em.revoke('DT', site.member, ['LINK_ISSUES']);
    const answer = await promote([{ summary: 'Reorder button' }]);
    expect(answer).toEqual({
      ok: false,
      error: expect.objectContaining({
        code: 'forbidden',
        details: { missing: ['LINK_ISSUES'] },
      }) as unknown,
    });
    expect(createdIssues()).toEqual([]);
  });

  it('gives a user who cannot see the idea nothing', async () => {
    await validate();
    const answer = await promote([{ summary: 'Reorder button' }], site.outsider);
    expect(answer).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'not-found' }) as unknown,
    });
    expect(createdIssues()).toEqual([]);
  });
});

describe('emulated issue writes refuse what Jira refuses', () => {
  /** The test's own probe of the emulated REST contract, not a call of the app. */
  const send = (
    provider: 'user' | 'app',
    path: ReturnType<typeof route>,
    method: 'POST' | 'PUT',
    body: unknown,
  ) =>
    ctx.em.invocations.setup(() =>
      ctx.em.runAs(site.member, () =>
        (provider === 'app' ? api.asApp() : api.asUser()).requestJira(path, {
          method,
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        }),
      ),
    );

  it('createIssue needs a summary and a type the project offers', async () => {
    const project = ctx.em.projectByKey('DT');
    const res = await send('user', route`/rest/api/3/issue`, 'POST', {
      fields: { project: { id: project.id }, issuetype: { id: '999' }, summary: ' ' },
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      errorMessages: [],
      errors: {
        issuetype: 'Specify a valid issue type',
        summary: 'You must specify a summary of the issue.',
      },
    });
  });

  it('only the app may write its field; unknown fields are 404', async () => {
    const fieldId = site.scopedOutcome.id;
    const body = { updates: [{ issueIds: [Number(idea.id)], value: { outcome: 'x' } }] };
    const asUser = await send('user', route`/rest/api/3/app/field/${fieldId}/value`, 'PUT', body);
    expect(asUser.status).toBe(403);
    const unknown = await send(
      'app',
      route`/rest/api/3/app/field/customfield_1/value`,
      'PUT',
      body,
    );
    expect(unknown.status).toBe(404);
    const asApp = await send('app', route`/rest/api/3/app/field/${fieldId}/value`, 'PUT', body);
    expect(asApp.status).toBe(204);
    expect(ctx.em.findIssue(idea.key)?.custom.get(fieldId)).toEqual({ outcome: 'x' });
  });

  it('linkIssues answers 404 for an unknown link type', async () => {
    const res = await send('user', route`/rest/api/3/issueLink`, 'POST', {
      type: { name: 'Implements' },
      inwardIssue: { key: idea.key },
      outwardIssue: { key: idea.key },
    });
    expect(res.status).toBe(404);
  });
});
