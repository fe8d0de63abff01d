import type { EmField, EmIssue } from '../../dev/emulator/model';
import type { ResolverKey, Result } from '../../src/contract/bridge-contract';
import { MAX_ENTRIES } from '../../src/storage/evidence-store';
import { RECORD_VERSION_ENTITY, versionKey } from '../../src/storage/versioned-record';
import { seedSite, useEmulator, type DemoSite } from '../helpers/emulator';
import { callResolver, ok } from '../helpers/invoke';
import { EVIDENCE_KEYS, KEYS } from '../../src/storage/key-families';

/**
 * Drives the evidence resolvers the way Forge invokes them (payload + trusted context) against
 * the emulated site, and checks what lands in storage and in the app's Discovery evidence field.
 */
const ctx = useEmulator();
let site: DemoSite;
let field: EmField;
let idea: EmIssue;
const READER = 'user-reader';

const daysFromNow = (days: number) =>
  new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

beforeEach(() => {
  site = seedSite(ctx.em);
  field = ctx.em.addAppField('discovery-evidence', 'Discovery evidence');
  ctx.em.addUser({ accountId: READER, displayName: 'Rita Reader' });
  ctx.em.grant('DT', READER, ['BROWSE_PROJECTS']);
  ctx.em.kvs.seed(KEYS.jiraFields, {
    scopedOutcome: site.scopedOutcome.id,
    discoveryEvidence: field.id,
  });
  idea = ctx.em.addIssue({ projectKey: 'DT', type: 'Discovery', summary: 'One-click reorder' });
});

interface View {
  version: number;
  entries: Array<{ id: string; type: string; summary: string; recordedBy: string }>;
  counts: { recorded: Record<string, number>; counting: Record<string, number> };
  validation: {
    state: string;
    shortfalls: Array<{ type: string; have: number; need: number; text: string }>;
    invalidated: { reason: string; decidedBy: string } | null;
  };
  summaryField: { stale: boolean; reason?: string };
}
interface Change {
  entryId?: string;
  evidence: View;
  summaryField: { status: 'written' | 'stale'; message?: string; value?: unknown };
}

async function call<T>(key: ResolverKey, accountId: string, payload: unknown): Promise<Result<T>> {
  const project = ctx.em.projectByKey('DT');
  return callResolver<T>(ctx.em, key, accountId, payload, {
    extension: {
      project: { id: project.id, key: project.key },
      issue: { id: idea.id, key: idea.key },
    },
  });
}

const entry = (over: Record<string, unknown> = {}) => ({
  type: 'interview',
  date: daysFromNow(-3),
  summary: 'Ops lead re-orders the same 40 items every week by hand',
  positive: true,
  ...over,
});

const add = (over: Record<string, unknown> = {}, who = site.member) =>
  call<Change>('evidence/add', who, { entry: entry(over) });

const fieldValue = () => ctx.em.findIssue(idea.key)?.custom.get(field.id);
const evidenceKeys = () => ctx.em.kvs.keys().filter((k) => k.startsWith('evidence:'));
/** The version entity beside the log (src/storage/versioned-record.ts). */
const logVersion = () =>
  ctx.em.kvs.peekEntity(RECORD_VERSION_ENTITY, versionKey(EVIDENCE_KEYS.log(idea.id)));

describe('evidence log: who may see and change it', () => {
  it('gives a user without Browse permission nothing, not even that the log exists', async () => {
    ok(await add());
    const list = await call<View>('evidence/list', site.outsider, {});
    expect(list).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'not-found' }) as unknown,
    });
    expect(JSON.stringify(list)).not.toContain('Ops lead');
    const write = await add({ summary: 'sneaky' }, site.outsider);
    expect(write.ok).toBe(false);
    expect(ok(await call<View>('evidence/list', site.member, {})).entries).toHaveLength(1);
  });

  it('lets a read-only user list the log but not change it', async () => {
    ok(await add());
    const before = ctx.em.kvs.peek(EVIDENCE_KEYS.log(idea.id));
    const valueBefore = fieldValue();
    expect(ok(await call<View>('evidence/list', READER, {})).entries).toHaveLength(1);
    for (const [key, payload] of [
      ['evidence/add', { entry: entry() }],
      ['evidence/update', { id: 'e1', entry: entry({ summary: 'changed' }) }],
      ['evidence/remove', { id: 'e1' }],
      ['evidence/decide', { invalidated: true, reason: 'nobody cares' }],
    ] as const) {
      const answer = await call(key, READER, payload);
      expect(answer).toEqual({
        ok: false,
        error: expect.objectContaining({
          code: 'forbidden',
          details: { missing: ['EDIT_ISSUES'] },
        }) as unknown,
      });
    }
    expect(ctx.em.kvs.peek(EVIDENCE_KEYS.log(idea.id))).toEqual(before);
    expect(fieldValue()).toEqual(valueBefore);
  });
});

describe('evidence log: only discovery items, only web links', () => {
  it('refuses evidence on a delivery item (a Story) but still lists what it has', async () => {
    const story = ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: 'Reorder button' });
    idea = story;
    for (const [key, payload] of [
      ['evidence/add', { entry: entry() }],
      ['evidence/update', { id: 'e1', entry: entry() }],
      ['evidence/remove', { id: 'e1' }],
      ['evidence/decide', { invalidated: true, reason: 'nobody cares' }],
    ] as const) {
      const answer = await call(key, site.member, payload);
      if (answer.ok) throw new Error(`${key} should be refused on a Story`);
      expect(answer.error.code).toBe('invalid-input');
      expect(answer.error.message).toMatch(/Story.*delivery track.*discovery items only/);
      expect(answer.error.details).toEqual({
        fields: [expect.objectContaining({ path: 'issue' })],
      });
    }
    expect(evidenceKeys()).toEqual([]);
    expect(fieldValue()).toBeUndefined();
    expect(ok(await call<View>('evidence/list', site.member, {})).entries).toEqual([]);
  });

  it("follows the project's type-to-track mapping before the configured type names", async () => {
    const research = ctx.em.addIssue({ projectKey: 'DT', type: 'Research', summary: 'Reorders' });
    const project = ctx.em.projectByKey('DT');
    const typeId = (name: string) =>
      [...ctx.em.issueTypes.values()].find((t) => t.name === name)?.id ?? '';
    ctx.em.kvs.seed(KEYS.trackMapping('DT'), {
      version: 1,
      projectId: project.id,
      projectKey: 'DT',
      style: 'next-gen',
      types: [
        { issueTypeId: typeId('Research'), name: 'Research', track: 'discovery' },
        { issueTypeId: typeId('Discovery'), name: 'Discovery', track: 'delivery' },
      ],
      updatedAt: '2026-10-01T10:00:00.000Z',
      updatedBy: 'user-site-admin',
    });
    const onDiscoveryType = await add();
    expect(onDiscoveryType).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    idea = research;
    expect(ok(await add()).evidence.entries).toHaveLength(1);
  });

  it.each([
    ['javascript:alert(document.cookie)'],
    ['JavaScript:alert(1)'],
    ['data:text/html,<script>alert(1)</script>'],
    ['vbscript:msgbox(1)'],
    ['ftp://example.com/notes'],
    ['//example.com/notes'],
  ])('refuses the link %s naming entry.link, and stores nothing', async (link) => {
    const answer = await add({ link });
    if (answer.ok) throw new Error('expected a refusal');
    expect(answer.error.code).toBe('invalid-input');
    expect(answer.error.message).toContain('entry.link');
    expect(answer.error.message).toContain('http:// or https://');
    expect(evidenceKeys()).toEqual([]);
  });

  it('accepts http and https links', async () => {
    ok(await add({ link: 'https://example.com/notes/1' }));
    ok(await add({ link: 'http://intranet.example/notes?id=2' }));
    const list = ok(
      await call<{ entries: Array<{ link?: string }> }>('evidence/list', site.member, {}),
    );
    expect(list.entries.map((e) => e.link).sort()).toEqual([
      'http://intranet.example/notes?id=2',
      'https://example.com/notes/1',
    ]);
  });
});

describe('evidence log: changes and the Discovery evidence field', () => {
  it('rewrites the summary field as the app after every add, update and remove', async () => {
    ctx.em.resetCalls();
    const added = ok(await add());
    expect(added.entryId).toBe('e1');
    expect(added.summaryField.status).toBe('written');
    expect(fieldValue()).toEqual({
      interviews: 1,
      usabilityTests: 0,
      prototypeReviews: 0,
      conciergeTests: 0,
      experiments: 0,
      latest: daysFromNow(-3),
      state: 'unvalidated',
    });

    ok(await add({ type: 'experiment', date: daysFromNow(-1), positive: false }));
    expect(fieldValue()).toMatchObject({ interviews: 1, experiments: 1, latest: daysFromNow(-1) });

    ok(
      await call<Change>('evidence/update', site.member, {
        id: 'e1',
        entry: entry({ positive: false }),
      }),
    );
    expect(fieldValue()).toMatchObject({ interviews: 0, experiments: 1 });

    ok(await call<Change>('evidence/remove', site.member, { id: 'e2' }));
    expect(fieldValue()).toMatchObject({ interviews: 0, experiments: 0, latest: daysFromNow(-3) });

    const writes = ctx.em.jiraCalls().filter((c) => c.operationId === 'updateCustomFieldValue');
    expect(writes).toHaveLength(4);
    expect(writes.every((c) => c.provider === 'app' && c.status === 204)).toBe(true);
  });

  it('counts only confirming interviews and passed usability tests toward validation', async () => {
    ok(await add());
    ok(await add());
    ok(await add({ positive: false, summary: 'Did not recognise the problem' }));
    const two = ok(await add({ type: 'usability-test', positive: true }));
    expect(two.evidence.validation.state).toBe('unvalidated');
    expect(two.evidence.validation.shortfalls.map((s) => s.text)).toEqual(['2 of 3 interviews']);
    expect(two.evidence.counts.recorded.interview).toBe(3);
    expect(two.evidence.counts.counting.interview).toBe(2);

    const three = ok(await add());
    expect(three.evidence.validation).toEqual({
      state: 'validated',
      shortfalls: [],
      invalidated: null,
    });
    expect(fieldValue()).toMatchObject({ interviews: 3, usabilityTests: 1, state: 'validated' });

    const list = ok(await call<View>('evidence/list', READER, {}));
    expect(list.validation.state).toBe('validated');
    expect(list.entries).toHaveLength(5);
  });

  it('describes shortfalls with the project override of the thresholds', async () => {
    ctx.em.kvs.seed(KEYS.projectConfig('DT'), {
      version: 1,
      updatedAt: '2026-11-01T00:00:00.000Z',
      updatedBy: site.admin,
      projectId: ctx.em.projectByKey('DT').id,
      override: { validation: { minInterviews: 5, minUsabilityTests: 2 } },
    });
    ok(await add());
    const list = ok(await call<View>('evidence/list', site.member, {}));
    expect(list.validation.shortfalls.map((s) => s.text)).toEqual([
      '1 of 5 interviews',
      '0 of 2 usability tests',
    ]);
  });

  it('records an invalidated decision with its reason, and takes it back', async () => {
    for (let i = 0; i < 3; i++) ok(await add());
    ok(await add({ type: 'usability-test' }));
    const missing = await call('evidence/decide', site.member, { invalidated: true });
    expect(missing).toEqual({
      ok: false,
      error: expect.objectContaining({
        code: 'invalid-input',
        message: expect.stringContaining('reason') as unknown,
      }) as unknown,
    });
    const decided = ok(
      await call<Change>('evidence/decide', site.member, {
        invalidated: true,
        reason: 'Customers already solve it with saved carts',
      }),
    );
    expect(decided.evidence.validation.state).toBe('invalidated');
    expect(decided.evidence.validation.invalidated).toMatchObject({
      reason: 'Customers already solve it with saved carts',
      decidedBy: site.member,
    });
    expect(fieldValue()).toMatchObject({ state: 'invalidated' });
    ok(await call<Change>('evidence/decide', site.member, { invalidated: false }));
    expect(fieldValue()).toMatchObject({ state: 'validated' });
  });

  it('records who recorded an entry from the trusted context, not the payload', async () => {
    const answer = await call<Change>('evidence/add', site.member, {
      entry: { ...entry(), recordedBy: 'someone-else' },
    });
    expect(answer.ok).toBe(false);
    ok(await add());
    const list = ok(await call<View>('evidence/list', site.member, {}));
    expect(list.entries[0]?.recordedBy).toBe(site.member);
  });
});

describe('evidence log: invalid input changes nothing', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['a future date', { date: daysFromNow(10) }, 'entry.date'],
    ['an impossible date', { date: '2026-02-30' }, 'entry.date'],
    ['an unknown type', { type: 'survey' }, 'entry.type'],
    ['a missing summary', { summary: undefined }, 'entry.summary'],
    ['a blank summary', { summary: '   ' }, 'entry.summary'],
    ['a summary over 2000 characters', { summary: 'y'.repeat(2001) }, 'entry.summary'],
  ];
  it.each(cases)('refuses %s naming the field', async (_name, over, path) => {
    ok(await add());
    const before = { log: ctx.em.kvs.peek(EVIDENCE_KEYS.log(idea.id)), keys: evidenceKeys() };
    const valueBefore = fieldValue();
    const answer = await add(over);
    if (answer.ok) throw new Error('expected a refusal');
    expect(answer.error.code).toBe('invalid-input');
    expect(answer.error.message).toContain(path);
    expect(answer.error.details).toEqual({
      fields: [expect.objectContaining({ path }) as unknown],
    });
    expect({ log: ctx.em.kvs.peek(EVIDENCE_KEYS.log(idea.id)), keys: evidenceKeys() }).toEqual(
      before,
    );
    expect(fieldValue()).toEqual(valueBefore);
  });

  it('answers not-found for an entry that does not exist', async () => {
    const answer = await call('evidence/remove', site.member, { id: 'e42' });
    expect(answer).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'not-found' }) as unknown,
    });
    expect(evidenceKeys()).toEqual([]);
  });
});

describe('evidence log: storage', () => {
  it('keeps every entry when several people add at the same time', async () => {
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => add({ summary: `Interview ${i + 1}` })),
    );
    expect(answers.filter((a) => !a.ok)).toEqual([]);
    const list = ok(await call<View>('evidence/list', site.member, {}));
    expect(list.entries.map((e) => e.summary).sort()).toEqual(
      Array.from({ length: 6 }, (_, i) => `Interview ${i + 1}`).sort(),
    );
    expect(new Set(list.entries.map((e) => e.id)).size).toBe(6);
    expect(list.version).toBe(6);
    // Nothing but the log is kept; its version entity says 6.
    expect(evidenceKeys()).toEqual([EVIDENCE_KEYS.log(idea.id)]);
    expect(logVersion()).toMatchObject({ version: 6 });
  });

  it('saves over a claim the scheme before left (its writer stopped before answering) and removes it', async () => {
    ok(await add({ summary: 'First' }));
    const log = ctx.em.kvs.peek(EVIDENCE_KEYS.log(idea.id)) as Record<string, unknown>;
    // The log as the scheme before stored it (no version entity), with version 2 claimed under
    // its revision key by a writer that stopped before making it current or answering anyone.
    ctx.em.kvs.clearEntity(RECORD_VERSION_ENTITY, versionKey(EVIDENCE_KEYS.log(idea.id)));
    ctx.em.kvs.seed(EVIDENCE_KEYS.legacyRevision(idea.id, 1), log);
    ctx.em.kvs.seed(EVIDENCE_KEYS.legacyRevision(idea.id, 2), {
      ...log,
      version: 2,
      nextEntry: 3,
      writeId: '0123456789ab',
      entries: [
        ...(log['entries'] as unknown[]),
        { ...(log['entries'] as Array<Record<string, unknown>>)[0], id: 'e2', summary: 'Stopped' },
      ],
    });
    const second = ok(await add({ summary: 'Second' }));
    expect(second.evidence.version).toBe(2);
    expect(second.evidence.entries.map((e) => e.summary).sort()).toEqual(['First', 'Second']);
    expect(evidenceKeys()).toEqual([EVIDENCE_KEYS.log(idea.id)]);
    expect(logVersion()).toMatchObject({ version: 2 });
  });

  it('keeps the log when the summary field write fails, says so, and repairs it next time', async () => {
    ctx.em.injectFault({ match: /^PUT \/rest\/api\/3\/app\/field\//, status: 500 });
    const answer = ok(await add());
    expect(answer.summaryField.status).toBe('stale');
    expect(answer.summaryField.message).toContain('evidence was saved');
    expect(answer.evidence.entries).toHaveLength(1);
    expect(fieldValue()).toBeUndefined();

    const list = ok(await call<View>('evidence/list', READER, {}));
    expect(list.entries).toHaveLength(1);
    expect(list.summaryField.stale).toBe(true);

    const next = ok(await add());
    expect(next.summaryField.status).toBe('written');
    expect(fieldValue()).toMatchObject({ interviews: 2 });
    expect(ok(await call<View>('evidence/list', READER, {})).summaryField.stale).toBe(false);
    expect(ctx.em.kvs.peek(EVIDENCE_KEYS.summaryStale(idea.id))).toBeUndefined();
  });

  it('keeps a log past the 240 KiB value limit in parts and reads back every entry', async () => {
    const long = 'x'.repeat(1980);
    const summaries: string[] = [];
    for (let i = 0; i < 70; i++) {
      summaries.push(`Interview ${i} ${long}`);
      ok(await add({ summary: summaries[i], link: `https://example.com/${long.slice(0, 1900)}` }));
    }
    const head = ctx.em.kvs.peek(EVIDENCE_KEYS.log(idea.id)) as Record<string, unknown>;
    expect(head['entries']).toBeUndefined();
    expect(head).toMatchObject({ version: 70, entryCount: 70 });
    expect(head['parts']).toBeGreaterThanOrEqual(2);
    const partKeys = evidenceKeys().filter((k) => k.includes(':part:'));
    expect(partKeys).toHaveLength(head['parts'] as number);
    for (const key of partKeys) expect(key).toContain(`:part:70:${String(head['writeId'])}:`);
    const list = ok(await call<View>('evidence/list', site.member, {}));
    expect(list.entries.map((e) => e.summary).sort()).toEqual([...summaries].sort());
    expect(fieldValue()).toMatchObject({ interviews: 70 });
    // Shrinking it back below one value keeps it whole again and leaves no parts behind.
    for (let i = 1; i <= 60; i++) ok(await call('evidence/remove', site.member, { id: `e${i}` }));
    expect(evidenceKeys().filter((k) => k.includes(':part:'))).toEqual([]);
    const shrunk = ok(await call<View>('evidence/list', site.member, {}));
    expect(shrunk.entries.map((e) => e.summary).sort()).toEqual(summaries.slice(60).sort());
    // 130 invocations moving about 280 KB each way: a volume test, given more than the default
    // 20 s so that a loaded machine does not fail it (alone it takes about 2 s).
  }, 90_000);

  it(`refuses the entry past ${MAX_ENTRIES} with a clear message, leaving the log as it was`, async () => {
    const writeId = 'abcdef012345';
    const entries = Array.from({ length: MAX_ENTRIES }, (_, i) => ({
      id: `e${i + 1}`,
      type: 'experiment',
      date: '2026-10-01',
      summary: `Experiment ${i + 1}`,
      positive: false,
      recordedBy: site.member,
      recordedAt: '2026-10-01T10:00:00.000Z',
    }));
    const perPart = 1000;
    for (let p = 0; p * perPart < entries.length; p++) {
      ctx.em.kvs.seed(EVIDENCE_KEYS.part(idea.id, 1, writeId, p), {
        issueId: idea.id,
        version: 1,
        writeId,
        index: p,
        entries: entries.slice(p * perPart, (p + 1) * perPart),
      });
    }
    ctx.em.kvs.seed(EVIDENCE_KEYS.log(idea.id), {
      version: 1,
      issueId: idea.id,
      updatedAt: '2026-10-01T10:00:00.000Z',
      updatedBy: site.member,
      writeId,
      nextEntry: MAX_ENTRIES + 1,
      invalidated: null,
      parts: 2,
      entryCount: MAX_ENTRIES,
    });
    const before = evidenceKeys().map((k) => [k, ctx.em.kvs.peek(k)]);
    const refused = await add();
    if (refused.ok) throw new Error('expected a refusal');
    expect(refused.error.code).toBe('conflict');
    expect(refused.error.message).toContain('evidence log of this item is full');
    expect(refused.error.message).toContain(String(MAX_ENTRIES));
    expect(evidenceKeys().map((k) => [k, ctx.em.kvs.peek(k)])).toEqual(before);
    expect(ok(await call<View>('evidence/list', site.member, {})).entries).toHaveLength(
      MAX_ENTRIES,
    );
    // Removing one makes room again.
    ok(await call('evidence/remove', site.member, { id: 'e1' }));
    ok(await add());
    expect(ok(await call<View>('evidence/list', site.member, {})).entries).toHaveLength(
      MAX_ENTRIES,
    );
  });

  it('reads a log stored whole in the old single-value shape and moves it to the new one on the next change', async () => {
    const legacy = {
      version: 3,
      issueId: idea.id,
      updatedAt: '2026-10-01T10:00:00.000Z',
      updatedBy: site.member,
      nextEntry: 3,
      invalidated: null,
      entries: [1, 2].map((n) => ({
        id: `e${n}`,
        type: 'interview',
        date: '2026-09-30',
        summary: `Old interview ${n}`,
        positive: true,
        recordedBy: site.member,
        recordedAt: '2026-10-01T10:00:00.000Z',
      })),
    };
    ctx.em.kvs.seed(EVIDENCE_KEYS.log(idea.id), legacy);
    ctx.em.kvs.seed(EVIDENCE_KEYS.legacyRevision(idea.id, 3), legacy);
    const list = ok(await call<View>('evidence/list', site.member, {}));
    expect(list.version).toBe(3);
    expect(list.entries.map((e) => e.summary).sort()).toEqual([
      'Old interview 1',
      'Old interview 2',
    ]);
    const added = ok(await add({ summary: 'New interview' }));
    expect(added.evidence.version).toBe(4);
    const head = ctx.em.kvs.peek(EVIDENCE_KEYS.log(idea.id)) as Record<string, unknown>;
    expect(head['writeId']).toMatch(/^[a-f0-9]{12}$/);
    expect((head['entries'] as unknown[]).length).toBe(3);
    // The claim the scheme before kept beside the log is gone; the version entity says 4.
    expect(evidenceKeys()).toEqual([EVIDENCE_KEYS.log(idea.id)]);
    expect(logVersion()).toEqual({ version: 4, writeId: head['writeId'] });
  });

  it('costs a permission check, a type read, one app field write and four storage requests', async () => {
    ok(await add());
    ctx.em.resetCalls();
    ok(await add());
    expect(ctx.em.jiraCalls().map((c) => `${c.method} ${c.operationId} as ${c.provider}`)).toEqual([
      'GET getMyPermissions as user',
      'GET getIssue as user',
      'PUT updateCustomFieldValue as app',
    ]);
    // Reads: the project context (settings, field ids, track mapping), the log with its version
    // entity and marker. Writes: one transaction (the log and its version, conditioned on the
    // version read), and the mark that the project changed (its shared page is read again).
    expect(ctx.em.kvs.reads()).toBe(2);
    expect(ctx.em.kvs.writes()).toBe(2);
    // The issue panel reads a log kept whole with one batch read.
    ctx.em.resetCalls();
    ok(await call<View>('evidence/list', site.member, {}));
    expect(ctx.em.kvs.counts.get('batch/get')).toBe(2); // settings, and the log with its marker
    expect(ctx.em.kvs.reads()).toBe(2);
  });

  it('finds the Discovery evidence field once and remembers it', async () => {
    ctx.em.kvs.seed(KEYS.jiraFields, { scopedOutcome: site.scopedOutcome.id });
    ctx.em.resetCalls();
    ok(await add());
    expect(ctx.em.jiraCalls().map((c) => c.operationId)).toEqual([
      'getMyPermissions',
      'getIssue',
      'getFields',
      'updateCustomFieldValue',
    ]);
    expect(ctx.em.kvs.peek(KEYS.jiraFields)).toEqual({
      scopedOutcome: site.scopedOutcome.id,
      discoveryEvidence: field.id,
    });
  });
});

describe('undoing a removal (evidence/restore)', () => {
  const restore = (id: string, who = site.member) => call<Change>('evidence/restore', who, { id });

  it('puts back the very same entry, turning the idea validated again, and a repeat changes nothing', async () => {
    for (let i = 0; i < 3; i++) ok(await add());
    ok(await add({ type: 'usability-test' }));
    const before = ok(await call<View>('evidence/list', site.member, {}));
    expect(before.validation.state).toBe('validated');
    const removed = ok(await call<Change>('evidence/remove', site.member, { id: 'e2' }));
    expect(removed.evidence.validation.state).toBe('unvalidated');

    const back = ok(await restore('e2'));
    expect(back.entryId).toBe('e2');
    expect(back.evidence.validation.state).toBe('validated');
    expect(back.evidence.entries.find((e) => e.id === 'e2')).toEqual(
      before.entries.find((e) => e.id === 'e2'),
    );
    expect(fieldValue()).toMatchObject({ interviews: 3, state: 'validated' });
    const again = ok(await restore('e2'));
    expect(again.evidence.entries.filter((e) => e.id === 'e2')).toHaveLength(1);
    // The next entry gets a new id: ids are never reused.
    expect(ok(await add()).entryId).toBe('e5');
  });

  it('refuses once the restore window has passed, and for an entry that was never removed', async () => {
    ok(await add());
    ok(await call<Change>('evidence/remove', site.member, { id: 'e1' }));
    const key = EVIDENCE_KEYS.log(idea.id);
    const head = ctx.em.kvs.peek(key) as { removed: Array<{ removedAt: string }> };
    const old = new Date(Date.now() - 3 * 60_000).toISOString();
    ctx.em.kvs.seed(key, { ...head, removed: head.removed.map((r) => ({ ...r, removedAt: old })) });
    for (const id of ['e1', 'e9']) {
      const answer = await restore(id);
      expect(answer).toEqual({
        ok: false,
        error: expect.objectContaining({
          code: 'not-found',
          message: `Evidence entry "${id}" can no longer be restored: Undo is possible for 2 minutes after a removal. Record it again if it is still needed.`,
        }) as unknown,
      });
    }
  });

  it('needs Edit issues, like removing', async () => {
    ok(await add());
    ok(await call<Change>('evidence/remove', site.member, { id: 'e1' }));
    const answer = await restore('e1', READER);
    expect(answer.ok).toBe(false);
    if (!answer.ok) expect(answer.error.code).toBe('forbidden');
  });
});
