import { DEMO_USERS, seedDemoProject, type DemoProject } from '../../dev/emulator/demo-project';
import type { EmIssue } from '../../dev/emulator/model';
import type { ResolverKey, Result } from '../../src/contract/bridge-contract';
import type { IssueReadiness } from '../../src/contract/issue-readiness';
import { useEmulator } from '../helpers/emulator';
import { callOnIssue, ok } from '../helpers/invoke';
import { ISSUE_NOTE_KEYS } from '../../src/storage/key-families';

/**
 * Drives the issue panel's resolvers the way Forge invokes them (payload + trusted context with
 * the issue) against the emulated demo site: who sees what, the readiness checklist of each kind
 * of item from the domain rules, the spike timebox, where a delivery item came from, the
 * feasibility review and the spike's closing note.
 */
const ctx = useEmulator();
const now = new Date();
const READER = 'user-reader';
let demo: DemoProject;

beforeEach(() => {
  demo = seedDemoProject(ctx.em, { now });
  ctx.em.addUser({ accountId: READER, displayName: 'Rita Reader' });
  ctx.em.grant(demo.projectKey, READER, ['BROWSE_PROJECTS']);
  ctx.em.resetCalls();
});

function issue(key: string): EmIssue {
  const found = ctx.em.findIssue(key);
  if (!found) throw new Error(`no issue ${key}`);
  return found;
}

const call = <T>(
  key: ResolverKey,
  issueKey: string,
  payload: unknown = {},
  accountId: string = DEMO_USERS.member,
): Promise<Result<T>> => callOnIssue<T>(ctx.em, key, accountId, issueKey, payload);

const readiness = async (key: string, who: string = DEMO_USERS.member) =>
  ok(await call<IssueReadiness>('issue/readiness', key, {}, who));

const check = (r: IssueReadiness, id: string) => r.checks.find((c) => c.id === id);

describe('issue panel: who sees and changes what', () => {
  it('gives a user without Browse permission nothing', async () => {
    const answer = await call(
      'issue/readiness',
      demo.keys.panel.validatedIdea,
      {},
      DEMO_USERS.outsider,
    );
    expect(answer).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'not-found' }) as unknown,
    });
    expect(JSON.stringify(answer)).not.toContain('checkout');
    const write = await call(
      'issue/spike/learned',
      demo.keys.overrunSpike,
      { note: 'sneaky' },
      DEMO_USERS.outsider,
    );
    expect(write.ok).toBe(false);
    expect(ctx.em.kvs.peek(ISSUE_NOTE_KEYS.spikeNote(issue(demo.keys.overrunSpike).id))).toBe(
      undefined,
    );
  });

  it('shows a read-only user everything but refuses their writes, and says they cannot edit', async () => {
    const reader = await readiness(demo.keys.panel.validatedIdea, READER);
    const member = await readiness(demo.keys.panel.validatedIdea);
    expect(reader).toEqual({
      ...member,
      // Nobody without Edit issues signs off feasibility.
      feasibility: member.feasibility && { ...member.feasibility, maySignOff: false },
      canEdit: false,
      canPromote: false,
      promotion: {
        allowed: false,
        reasons: ['Promoting needs the Create issues and Link issues permissions in this project.'],
      },
    });
    const notes = () =>
      ctx.em.kvs
        .keys()
        .filter((k) => /^(feasibility|spike-note):/.test(k))
        .map((k) => [k, ctx.em.kvs.peek(k)]);
    const before = notes();
    expect(member.promotion).toEqual({ allowed: true, reasons: [] });
    expect(member.canEdit).toBe(true);
    expect(member.canPromote).toBe(true);
    for (const [key, payload] of [
      ['issue/feasibility/flag', { novel: true }],
      ['issue/feasibility/sign-off', { verdict: 'feasible', note: 'fine' }],
      ['issue/spike/learned', { note: 'We learned things' }],
    ] as const) {
      const answer = await call(key, demo.keys.panel.validatedIdea, payload, READER);
      expect(answer).toEqual({
        ok: false,
        error: expect.objectContaining({
          code: 'forbidden',
          details: { missing: ['EDIT_ISSUES'] },
        }) as unknown,
      });
    }
    expect(notes()).toEqual(before);
  });

  it('refuses a payload that names another issue', async () => {
    const answer = await call('issue/readiness', demo.keys.overrunSpike, {
      issueKey: demo.keys.panel.validatedIdea,
    });
    expect(answer.ok).toBe(false);
    if (!answer.ok) expect(answer.error.code).toBe('invalid-input');
  });
});

describe('issue panel: the readiness checklist', () => {
  it('lists what an enabler without a scoped outcome misses, with the fixes, and costs 2 Jira calls and 3 storage reads', async () => {
    const r = await readiness(demo.keys.unscopedEnablerInSprint);
    expect([r.track, r.kind, r.ready]).toEqual(['discovery', 'enabler', false]);
    expect(r.checks.map((c) => [c.id, c.passed])).toEqual([
      ['outcome', false],
      ['successMeasure', false],
      ['bound', false],
    ]);
    expect(check(r, 'successMeasure')?.fix).toBe(
      'Add a success measure (how we will know the outcome was reached) to the Scoped outcome field',
    );
    expect(check(r, 'outcome')?.fix).toMatch(/^Add an outcome statement/);
    expect(check(r, 'bound')?.fix).toMatch(/^Add a bound: a timebox in days or a target date/);
    expect(r.headline).toBe('Not ready for a sprint: 3 of 3 checks fail.');
    expect(r.evidence).toBeNull();
    expect(ctx.em.jiraCalls().map((c) => c.operationId)).toEqual(['getMyPermissions', 'getIssue']);
    expect(ctx.em.jiraCalls().every((c) => c.provider === 'user')).toBe(true);
    expect(ctx.em.kvs.reads()).toBe(3);
    expect(ctx.em.kvs.writes()).toBe(0);
  });

  it('names the one part an enabler still misses (the same rule as the enabler gate)', async () => {
    const r = await readiness(demo.keys.unscopedEnablerInBacklog);
    expect(r.checks.filter((c) => !c.passed).map((c) => c.id)).toEqual(['successMeasure']);
    expect(r.headline).toBe('Not ready for a sprint: 1 of 3 checks fail.');
  });

  it('shows a validated idea as ready to promote, with its evidence counts and promoted story', async () => {
    const r = await readiness(demo.keys.panel.validatedIdea);
    expect([r.kind, r.ready, r.evidence?.state]).toEqual(['idea', true, 'validated']);
    expect(r.evidence?.summary).toBe('3 of 3 interviews, 1 of 1 usability test');
    expect(r.evidence?.entries).toHaveLength(4);
    expect(check(r, 'validated')).toMatchObject({ passed: true, required: true });
    expect(r.headline).toBe('Validated: ready to promote to delivery.');
    expect(r.promotedTo?.map((p) => p.key)).toEqual([demo.keys.panel.deliveryFromValidated]);
    // Its high Entry triage uncertainty makes it technically novel; the demo's engineer signed it off.
    expect(r.feasibility).toMatchObject({
      novel: true,
      flagged: false,
      because: 'it has high Entry triage uncertainty',
      signOff: { verdict: 'feasible' },
    });
    expect(check(r, 'feasibility')).toMatchObject({ passed: true, required: true });
  });

  it('counts evidence toward the threshold and turns an idea validated on its third interview', async () => {
    const key = demo.keys.panel.validatingIdea;
    const before = await readiness(key);
    expect(before.evidence?.summary).toBe('2 of 3 interviews, 1 of 1 usability test');
    expect(check(before, 'validated')).toMatchObject({
      passed: false,
      fix: 'Record more evidence: 2 of 3 interviews',
    });
    ok(
      await call('evidence/add', key, {
        entry: {
          type: 'interview',
          date: now.toISOString().slice(0, 10),
          summary: 'Café owner re-orders the same supplies every Monday',
          positive: true,
        },
      }),
    );
    const after = await readiness(key);
    expect(after.evidence?.state).toBe('validated');
    expect(after.evidence?.summary).toBe('3 of 3 interviews, 1 of 1 usability test');
    expect(after.ready).toBe(true);
  });

  it('explains an invalidated idea', async () => {
    const r = await readiness(demo.keys.panel.invalidatedIdea);
    expect(r.evidence?.state).toBe('invalidated');
    expect(check(r, 'validated')?.fix).toMatch(/^Decided invalidated \(Fewer than 1 in 50/);
    expect(r.headline).toBe('Invalidated: this idea should not be built.');
  });

  it('shows a spike over its timebox as days used of days allowed, flagged', async () => {
    const r = await readiness(demo.keys.overrunSpike);
    expect(r.kind).toBe('spike');
    expect(r.timebox).toMatchObject({
      daysUsed: 6,
      daysAllowed: 3,
      source: 'scoped-outcome',
      overrun: true,
    });
    expect(check(r, 'timebox')).toMatchObject({
      label: 'Within its timebox (6 of 3 days used)',
      passed: false,
    });
    expect(check(r, 'timebox')?.fix).toMatch(/^Over its timebox by 3 days/);
    expect(r.ready).toBe(false);
  });

  it('shows a delivery item linked from a validated idea as coming from validated discovery', async () => {
    const r = await readiness(demo.keys.panel.deliveryFromValidated);
    expect([r.track, r.kind]).toEqual(['delivery', 'delivery']);
    expect(r.origin).toEqual([
      { key: demo.keys.panel.validatedIdea, summary: 'One-page checkout', validated: true },
    ]);
    expect(check(r, 'origin')).toMatchObject({ passed: true, required: false });
    expect(r.headline).toBe('Delivery item built from validated discovery.');
  });

  it('advises, without blocking, on a delivery item with no discovery behind it', async () => {
    const story = [...ctx.em.issues.values()].find((i) => i.summary === 'Gift messages');
    if (!story) throw new Error('no Gift messages story');
    const r = await readiness(story.key);
    expect(check(r, 'origin')).toMatchObject({ passed: false, required: false });
    expect(r.ready).toBe(true);
  });

  it('links a promoted delivery item back to its validated idea', async () => {
    const created = ok(
      await call<{ created: Array<{ key: string }> }>(
        'promote/run',
        demo.keys.panel.validatedIdea,
        {
          items: [{ summary: 'One-page checkout: address step' }],
        },
      ),
    );
    const newKey = created.created[0]?.key ?? '';
    const idea = await readiness(demo.keys.panel.validatedIdea);
    expect(idea.promotedTo?.map((p) => p.key)).toContain(newKey);
    const delivery = await readiness(newKey);
    expect(delivery.origin?.map((o) => [o.key, o.validated])).toEqual([
      [demo.keys.panel.validatedIdea, true],
    ]);
  });
});

/** The validated idea as an idea of low uncertainty with no review: novel only by the flag. */
function lowUncertainty(key: string) {
  issue(key).custom.set(demo.entryTriage.id, { uncertainty: 'low', risk: 'low' });
  ctx.em.kvs.unseed(ISSUE_NOTE_KEYS.feasibility(issue(key).id));
}

describe('issue panel: feasibility review', () => {
  beforeEach(() => lowUncertainty(demo.keys.panel.validatedIdea));

  it('makes the engineering sign-off part of readiness once an item is flagged technically novel', async () => {
    const key = demo.keys.panel.validatedIdea;
    const refused = await call('issue/feasibility/sign-off', key, {
      verdict: 'feasible',
      note: 'Nothing new here',
    });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe('conflict');

    ok(await call('issue/feasibility/flag', key, { novel: true }));
    const flagged = await readiness(key);
    expect(flagged.ready).toBe(false);
    expect(check(flagged, 'feasibility')).toMatchObject({ passed: false, required: true });
    expect(flagged.headline).toBe('Validated, but not ready to promote: 1 of 2 checks fail.');

    ok(
      await call('issue/feasibility/sign-off', key, {
        verdict: 'needs-spike',
        note: 'The payment provider has no one-page API we know of',
      }),
    );
    const needsSpike = await readiness(key);
    expect(check(needsSpike, 'feasibility')?.fix).toMatch(/needs a spike first: run a spike/);

    ok(
      await call('issue/feasibility/sign-off', key, {
        verdict: 'feasible',
        note: 'Provider confirmed the API',
      }),
    );
    ctx.em.resetCalls();
    const signed = await readiness(key);
    expect(signed.feasibility?.signOff).toMatchObject({
      by: DEMO_USERS.member,
      byName: 'Mia Member',
      verdict: 'feasible',
      note: 'Provider confirmed the API',
    });
    // The signer's name costs one user lookup, as the caller.
    expect(ctx.em.jiraCalls().map((c) => `${c.operationId} as ${c.provider}`)).toEqual([
      'getMyPermissions as user',
      'getIssue as user',
      'bulkGetUsers as user',
    ]);
    expect(check(signed, 'feasibility')?.passed).toBe(true);
    expect(signed.ready).toBe(true);
    expect(signed.promotion).toEqual({ allowed: true, reasons: [] });

    ok(await call('issue/feasibility/flag', key, { novel: false }));
    expect(check(await readiness(key), 'feasibility')).toBeUndefined();
  });

  it('does not offer Promote while a novel idea lacks a feasible sign-off, and says why', async () => {
    const key = demo.keys.panel.validatedIdea;
    ok(await call('issue/feasibility/flag', key, { novel: true }));
    const flagged = await readiness(key);
    expect(flagged.promotion).toEqual({
      allowed: false,
      reasons: [
        'It is flagged technically novel and has no "feasible" sign-off from the lead engineer yet.',
      ],
    });
    const unvalidated = await readiness(demo.keys.panel.validatingIdea);
    expect(unvalidated.promotion).toEqual({
      allowed: false,
      reasons: ['It is not validated yet (evidence so far: 2 of 3 interviews).'],
    });
  });

  it('asks for a new sign-off when an item is flagged novel again after un-flagging', async () => {
    const key = demo.keys.panel.validatedIdea;
    ok(await call('issue/feasibility/flag', key, { novel: true }));
    ok(await call('issue/feasibility/sign-off', key, { verdict: 'feasible', note: 'Fine then' }));
    // Flagging an item that is already flagged keeps its sign-off.
    ok(await call('issue/feasibility/flag', key, { novel: true }));
    expect((await readiness(key)).feasibility?.signOff?.verdict).toBe('feasible');

    ok(await call('issue/feasibility/flag', key, { novel: false }));
    ok(await call('issue/feasibility/flag', key, { novel: true }));
    const again = await readiness(key);
    expect(again.feasibility).toMatchObject({ novel: true, flagged: true, signOff: null });
    expect(check(again, 'feasibility')).toMatchObject({ passed: false, required: true });
    expect(again.promotion?.allowed).toBe(false);
    const stored = ctx.em.kvs.peek(ISSUE_NOTE_KEYS.feasibility(issue(key).id));
    expect(stored).not.toHaveProperty('signOff');
  });

  it('refuses a sign-off without a note or with an unknown verdict', async () => {
    for (const payload of [
      { verdict: 'feasible', note: '   ' },
      { verdict: 'probably', note: 'ok' },
      { verdict: 'feasible' },
    ]) {
      const answer = await call(
        'issue/feasibility/sign-off',
        demo.keys.panel.validatedIdea,
        payload,
      );
      expect(answer.ok).toBe(false);
      if (!answer.ok) expect(answer.error.code).toBe('invalid-input');
    }
  });
});

describe('issue panel: the spike close note', () => {
  it('shows a done spike without its learned note as missing, until the note is recorded', async () => {
    const key = demo.keys.panel.doneSpike;
    const before = await readiness(key);
    expect([before.kind, before.statusCategory]).toEqual(['spike', 'done']);
    expect(check(before, 'learned')).toMatchObject({
      passed: false,
      fix: 'Record what the spike learned and the decision it led to',
    });
    expect(before.learned).toBeNull();

    const empty = await call('issue/spike/learned', key, { note: '  ' });
    expect(empty.ok).toBe(false);

    ok(
      await call('issue/spike/learned', key, {
        note: 'Provider B has the SDK we need; decision: integrate B next sprint',
      }),
    );
    const after = await readiness(key);
    expect(check(after, 'learned')?.passed).toBe(true);
    expect(after.learned).toMatchObject({
      note: 'Provider B has the SDK we need; decision: integrate B next sprint',
      by: DEMO_USERS.member,
    });
  });

  it('keeps showing a done spike’s days used of allowed: the final figure, from its last start to its close', async () => {
    const key = demo.keys.panel.doneSpike;
    const spike = issue(key);
    const day = (n: number) => new Date(now.getTime() - n * 86_400_000).toISOString();
    // Started 9 days ago, back to To Do (the clock stops), started again 6 days ago, closed 2 days ago.
    ctx.em.recordChange(key, 'status', '10000', '3', day(9));
    ctx.em.recordChange(key, 'status', '3', '10000', day(8));
    ctx.em.recordChange(key, 'status', '10000', '3', day(6));
    ctx.em.recordChange(key, 'status', '3', '10002', day(2));
    spike.statusCategoryChanged = day(2);
    ctx.em.resetCalls();
    const r = await readiness(key);
    expect(r.timebox).toMatchObject({
      startedAt: day(6),
      closedAt: day(2),
      daysUsed: 4,
      overrun: r.timebox ? r.timebox.daysAllowed < 4 : false,
    });
    const allowed = r.timebox?.daysAllowed ?? 0;
    expect(check(r, 'timebox')).toMatchObject({
      label: `Finished within its timebox (4 of ${allowed} days used)`,
      required: false,
    });
    expect(ctx.em.jiraCalls().map((c) => c.operationId)).toEqual([
      'getMyPermissions',
      'getIssue',
      'getBulkChangelogs',
      'getAllStatuses',
    ]);
  });

  it('shows no figure for a done spike whose history never shows it in progress', async () => {
    const r = await readiness(demo.keys.panel.doneSpike);
    // The answer crosses the bridge as JSON, so an unknown start is an absent key.
    expect(r.timebox).toMatchObject({ daysUsed: 0 });
    expect(r.timebox).not.toHaveProperty('startedAt');
    expect(check(r, 'timebox')).toBeUndefined();
  });

  it('does not ask an open spike for its note yet', async () => {
    const r = await readiness(demo.keys.overrunSpike);
    expect(check(r, 'learned')).toBeUndefined();
  });
});
