import { BUILT_IN_TEMPLATES } from '../../src/domain/discovery-templates';
import {
  DATA_FORMAT,
  DATA_SECTIONS,
  type DataDocument,
  type ResolverKey,
  type Result,
} from '../../src/contract/bridge-contract';
import { exportedSectionOf, type ImportReport } from '../../src/data-transfer/data-transfer';
import * as evidenceStore from '../../src/storage/evidence-store';
import * as evidenceWrite from '../../src/storage/evidence-write';
import { RECORD_VERSION_ENTITY, versionKey } from '../../src/storage/versioned-record';
import { useEmulator } from '../helpers/emulator';
import { callResolver, inInvocation, ok } from '../helpers/invoke';
import { exportAllData, extensionOf, seedSecuritySite, type World } from './security-site';
import { EVIDENCE_KEYS } from '../../src/storage/key-families';

/**
 * `data/export` and `data/import` as a Jira admin calls them from the admin page: the export
 * pages through every section into one document; an import is a dry run with the diff by
 * default, is refused whole when any record is invalid, and applies in batches when asked.
 */
const ctx = useEmulator();
let w: World;
const ADMIN = 'user-site-admin';

beforeEach(() => {
  w = seedSecuritySite(ctx.em);
});

async function invoke(key: ResolverKey, payload: unknown): Promise<Result<unknown>> {
  return callResolver(ctx.em, key, ADMIN, payload, {
    extension: extensionOf(w, 'admin-page', false),
  });
}

const exportAll = () => exportAllData(w);

async function seedData(): Promise<void> {
  const save = await invoke('settings/global/save', {
    settings: { runway: { pauseAtSprints: 4 } },
    expectedVersion: 0,
  });
  ok(save);
  for (let i = 0; i < 12; i++) {
    ctx.em.kvs.seed(`audit:DT:${i}`, {
      version: 1,
      seq: i,
      at: '2026-10-01T10:00:00.000Z',
      action: 'blocked',
      source: 'enabler-gate',
      rule: 'scoped-outcome',
      issueId: w.enabler.id,
      issueKey: w.enabler.key,
      actor: 'user-member',
      detail: `Blocked ${i}`,
    });
  }
  ctx.em.kvs.seed('audit:DT:head', { version: 1, next: 12, oldest: 0, dropped: 0 });
}

describe('data export', () => {
  it('pages through every section; what is transient or the site’s own stays behind', async () => {
    await seedData();
    const { document, pages } = await exportAll();
    expect(pages).toBeGreaterThan(1);
    expect(document.sections).toEqual([...DATA_SECTIONS]);
    const keys = document.records.map((r) => r.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        'config:global',
        'config:global:rev:1',
        'waivers:DT',
        'audit:DT:head',
        'audit:DT:11',
        `evidence:${w.idea.id}`,
      ]),
    );
    expect(keys).toContain('track-mapping:DT');
    expect(keys.filter((k) => /^(app:|guard:|enforcement:jira-fields)/.test(k))).toEqual([]);
  });
});

describe('data import', () => {
  it('moves the data to an empty site: a dry run shows the diff and writes nothing; applying writes it all', async () => {
    await seedData();
    const { document } = await exportAll();
    const source = new Map(document.records.map((r) => [r.key, r.value]));
    // An empty site: drop every data key and every version entity.
    const emptied = ctx.em.kvs.keys().filter((k) => exportedSectionOf(k) !== undefined);
    for (const key of emptied) await deleteKey(key);
    for (const key of ctx.em.kvs.entityKeys(RECORD_VERSION_ENTITY)) {
      ctx.em.kvs.clearEntity(RECORD_VERSION_ENTITY, key);
    }
    const before = JSON.stringify(ctx.em.kvs.keys());

    const dry = ok<ImportReport>(await invoke('data/import', { document }));
    expect(dry.dryRun).toBe(true);
    expect(dry.diff.added.sort()).toEqual([...source.keys()].sort());
    expect(dry.diff.changed).toEqual([]);
    expect(JSON.stringify(ctx.em.kvs.keys())).toBe(before);

    const applied = ok<ImportReport>(await invoke('data/import', { document, dryRun: false }));
    expect(applied.applied?.written).toBe(source.size);
    // Each section is small enough here to be written in one transaction: all or nothing.
    const sections = new Set([...source.keys()].map((k) => exportedSectionOf(k)));
    expect(sections.size).toBeGreaterThan(3);
    expect(applied.applied?.batches).toBe(sections.size);
    for (const [key, value] of source) expect(ctx.em.kvs.peek(key)).toEqual(value);
    // Each versioned record got its version entity, with the version its value carries.
    const versioned = [...source.keys()].filter((k) =>
      /^(config:global|config:project:[A-Z0-9_]+|config:templates|waivers:[A-Z0-9_]+|evidence:\d+|feasibility:\d+|retro-outcome:\d+|explore-first:\d+)$/.test(
        k,
      ),
    );
    expect(versioned).toEqual(expect.arrayContaining(['config:global', 'waivers:DT']));
    for (const key of versioned) {
      // Explore first and retro outcomes count saves in `revision`; absent (saved before
      // versions) is version 0.
      const field = /^(explore-first|retro-outcome):/.test(key) ? 'revision' : 'version';
      expect(ctx.em.kvs.peekEntity(RECORD_VERSION_ENTITY, versionKey(key))).toMatchObject({
        version: (source.get(key) as Record<string, number | undefined>)[field] ?? 0,
      });
    }
    const again = ok<ImportReport>(await invoke('data/import', { document }));
    expect(again.diff).toEqual({ added: [], changed: [], removed: [], unchanged: source.size });
    // ... so the next save based on the imported version lands.
    ok(
      await invoke('settings/global/save', {
        settings: { runway: { pauseAtSprints: 5 } },
        expectedVersion: (source.get('config:global') as { version: number }).version,
      }),
    );
  });

  it('accepts the version claims an older export holds beside waivers and evidence, and writes none of them', async () => {
    await seedData();
    const { document } = await exportAll();
    expect(document.records.map((r) => r.key).filter((k) => /:rev:/.test(k))).toEqual([
      'config:global:rev:1',
    ]);
    const book = document.records.find((r) => r.key === 'waivers:DT');
    if (!book) throw new Error('the security site has waivers');
    const claim = `waivers:DT:rev:${(book.value as { version: number }).version}`;
    const older = {
      ...document,
      records: [...document.records, { key: claim, value: book.value }],
    };
    const report = ok<ImportReport>(
      await invoke('data/import', { document: older, dryRun: false }),
    );
    expect(report.diff.ignored).toEqual([claim]);
    expect(ctx.em.kvs.peek(claim)).toBeUndefined();
  });

  it('removes a versioned record with its version entity when a replacing import leaves it out', async () => {
    await seedData();
    const { document } = await exportAll();
    ok(
      await invoke('waiver/grant', {
        issueKey: w.story.key,
        reason: 'Hotfix',
        expiresOn: new Date(Date.now() + 86_400_000).toISOString().slice(0, 10),
      }),
    );
    expect(ctx.em.kvs.peekEntity(RECORD_VERSION_ENTITY, versionKey('waivers:DT'))).toBeDefined();
    const withoutWaivers = {
      ...document,
      records: document.records.filter((r) => !r.key.startsWith('waivers:')),
    };
    ok(await invoke('data/import', { document: withoutWaivers, replace: true, dryRun: false }));
    expect(ctx.em.kvs.peek('waivers:DT')).toBeUndefined();
    expect(ctx.em.kvs.peekEntity(RECORD_VERSION_ENTITY, versionKey('waivers:DT'))).toBeUndefined();
  });

  it('reports changed and (with replace) removed keys per key', async () => {
    await seedData();
    const { document } = await exportAll();
    const edited: DataDocument = {
      ...document,
      records: document.records
        .filter((r) => r.key !== 'audit:DT:3')
        .map((r) => (r.key === 'waivers:DT' ? { ...r, value: { version: 1, waivers: [] } } : r)),
    };
    const merge = ok<ImportReport>(await invoke('data/import', { document: edited }));
    expect(merge.diff).toMatchObject({ added: [], changed: ['waivers:DT'], removed: [] });
    const replace = ok<ImportReport>(
      await invoke('data/import', { document: edited, replace: true }),
    );
    expect(replace.diff).toMatchObject({ changed: ['waivers:DT'], removed: ['audit:DT:3'] });
    ok(await invoke('data/import', { document: edited, replace: true, dryRun: false }));
    expect(ctx.em.kvs.peek('audit:DT:3')).toBeUndefined();
    expect(ctx.em.kvs.peek('waivers:DT')).toEqual({ version: 1, waivers: [] });
  });

  it('removes revisions newer than an imported record, so later saves do not conflict', async () => {
    await seedData();
    const { document } = await exportAll();
    ok(
      await invoke('settings/global/save', {
        settings: { runway: { pauseAtSprints: 5 } },
        expectedVersion: 1,
      }),
    );
    const report = ok<ImportReport>(await invoke('data/import', { document, dryRun: false }));
    expect(report.diff.changed).toContain('config:global');
    expect(report.diff.removed).toEqual(['config:global:rev:2']);
    // The version entity went back with the record: a save based on version 1 lands.
    ok(
      await invoke('settings/global/save', {
        settings: { runway: { pauseAtSprints: 6 } },
        expectedVersion: 1,
      }),
    );
  });

  it.each([
    [
      'an invalid value, named by its path',
      { key: 'audit:DT:0', value: { version: 1, seq: 0 } },
      'document.records.0.value.at',
    ],
    ['a key no store owns', { key: 'guard:event:x', value: {} }, 'document.records.0.key'],
    [
      'a key of a section the document does not declare',
      { key: 'config:global', value: {} },
      'document.records.0.key',
    ],
    [
      'a value contradicting its key',
      {
        key: 'waivers:DT:rev:3',
        value: { version: 2, waivers: [] },
      },
      'document.records.0.value',
    ],
  ])('refuses %s and writes nothing', async (_, record, path) => {
    const before = JSON.stringify(ctx.em.kvs.keys().map((k) => [k, ctx.em.kvs.peek(k)]));
    const valid = { key: 'waivers:OTHER', value: { version: 1, waivers: [] } };
    const result = await invoke('data/import', {
      document: {
        format: DATA_FORMAT,
        schemaVersion: 1,
        exportedAt: '2026-11-01T00:00:00.000Z',
        sections: record.key.startsWith('waivers') ? ['waivers'] : ['audit', 'waivers'],
        records: [record, valid],
      },
      dryRun: false,
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    if (!result.ok) expect(result.error.message).toContain(path);
    expect(JSON.stringify(ctx.em.kvs.keys().map((k) => [k, ctx.em.kvs.peek(k)]))).toBe(before);
  });

  it('carries the discovery entry criteria settings and their audit entries; a bad entry value is refused by its path', async () => {
    const projectRecord = {
      version: 1,
      updatedAt: '2026-11-01T00:00:00.000Z',
      updatedBy: ADMIN,
      projectId: w.dt.id,
      override: {
        entry: { riskAtLeast: 'medium', labels: ['Architecture'], guardMovesBack: true },
      },
    };
    const auditEntry = {
      version: 1,
      seq: 0,
      at: '2026-11-01T10:00:00.000Z',
      action: 'blocked',
      source: 'validator:enabler-gate',
      rule: 'entry-criteria',
      issueId: w.story.id,
      issueKey: w.story.key,
      actor: 'user-member',
      detail: 'Meets the discovery entry criteria (risk high).',
    };
    const document = (override: unknown): DataDocument => ({
      format: DATA_FORMAT,
      schemaVersion: 1,
      exportedAt: '2026-11-01T00:00:00.000Z',
      sections: ['config', 'audit'],
      records: [
        { key: 'config:project:DT', value: { ...projectRecord, override } },
        { key: 'audit:OTHER:0', value: auditEntry },
      ],
    });
    const applied = ok<ImportReport>(
      await invoke('data/import', { document: document(projectRecord.override), dryRun: false }),
    );
    expect(applied.applied?.written).toBe(2);
    expect(ctx.em.kvs.peek('config:project:DT')).toEqual(projectRecord);
    const exported = (await exportAll()).document.records.map((r) => r.key);
    expect(exported).toEqual(expect.arrayContaining(['config:project:DT', 'audit:OTHER:0']));

    const refused = await invoke('data/import', {
      document: document({ entry: { riskAtLeast: 'low' } }),
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    if (!refused.ok) {
      expect(refused.error.message).toContain(
        'document.records.0.value.override.entry.riskAtLeast',
      );
    }
  });

  it('carries the discovery templates with the configuration; an invalid template is refused by its path', async () => {
    const templates = structuredClone([...BUILT_IN_TEMPLATES]);
    templates[0]!.sections[0]!.heading = 'Customer problem';
    ok(await invoke('templates/save', { templates, expectedVersion: 0 }));
    const { document } = await exportAll();
    const keys = document.records.map((r) => r.key);
    expect(keys).toEqual(expect.arrayContaining(['config:templates', 'config:templates:rev:1']));

    await deleteKey('config:templates');
    await deleteKey('config:templates:rev:1');
    ok(await invoke('data/import', { document, dryRun: false }));
    const read = ok<{ version: number; templates: typeof templates }>(
      await invoke('templates/get', {}),
    );
    expect(read.version).toBe(1);
    expect(read.templates[0]?.sections[0]?.heading).toBe('Customer problem');

    const bad = structuredClone(templates);
    bad[1]!.sections[0]!.required = false;
    const refused = await invoke('data/import', {
      document: {
        ...document,
        sections: ['config'],
        records: [
          {
            key: 'config:templates',
            value: {
              version: 2,
              updatedAt: '2026-11-02T00:00:00.000Z',
              updatedBy: ADMIN,
              templates: bad,
            },
          },
        ],
      },
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    if (!refused.ok) {
      expect(refused.error.message).toContain(
        'document.records.0.value.templates.1.sections.0.required',
      );
    }
  });

  it('carries an evidence log kept in parts with every entry; a head without its parts is refused', async () => {
    const logKey = EVIDENCE_KEYS.log(w.idea.id);
    const seeded = (await readEvidence(w.idea.id)).log;
    const template = seeded?.entries[0];
    if (!seeded || !template) throw new Error('the security site has an evidence log');
    const entries = Array.from({ length: 110 }, (_, i) => ({
      ...template,
      id: `e${i + 1}`,
      summary: `Interview ${i + 1}: ${'p'.repeat(1900)}`,
    }));
    ctx.em.kvs.seed(logKey, { ...seeded, entries, nextEntry: 111 });
    const grown = await changeEvidence({
      issueId: w.idea.id,
      accountId: ADMIN,
      now: new Date('2026-11-01T10:00:00.000Z'),
      change: (c) => ({
        ok: true as const,
        content: {
          ...c,
          nextEntry: c.nextEntry + 1,
          entries: [...c.entries, { ...template, id: 'e111' }],
        },
        detail: undefined,
      }),
    });
    expect(grown.status).toBe('saved');
    const before = (await readEvidence(w.idea.id)).content;
    expect(before.entries).toHaveLength(111);
    const parts = ctx.em.kvs
      .keys()
      .filter((k) => k.startsWith(EVIDENCE_KEYS.partPrefix(w.idea.id)));
    expect(parts.length).toBeGreaterThanOrEqual(2);

    const { document } = await exportAll();
    for (const key of [logKey, ...parts]) expect(document.records.map((r) => r.key)).toContain(key);
    for (const key of ctx.em.kvs.keys().filter((k) => k.startsWith('evidence:')))
      await deleteKey(key);

    const torn = { ...document, records: document.records.filter((r) => !parts.includes(r.key)) };
    const refused = await invoke('data/import', { document: torn, dryRun: false });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    if (!refused.ok) {
      expect(refused.error.message).toMatch(/value\.parts: part .* export the log again/);
    }
    expect(ctx.em.kvs.peek(logKey)).toBeUndefined();

    ok(await invoke('data/import', { document, dryRun: false }));
    expect((await readEvidence(w.idea.id)).content).toEqual(before);
  });

  it('refuses a document of another schema version, naming the field', async () => {
    const result = await invoke('data/import', {
      document: {
        format: DATA_FORMAT,
        schemaVersion: 3,
        exportedAt: 'x',
        sections: ['config'],
        records: [],
      },
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    if (!result.ok) expect(result.error.message).toContain('document.schemaVersion');
  });
});

/** Removes a key the way the app would (through the storage API), for setting up a test. */
async function deleteKey(key: string): Promise<void> {
  const { kvs } = await import('@forge/kvs');
  await ctx.em.invocations.setup(() => kvs.delete(key));
}

/** An idea's evidence as the evidence resolvers read it, in one invocation. */
const readEvidence = (issueId: string) =>
  inInvocation(ctx.em, 'resolver', 'evidence/list: readEvidence', () =>
    evidenceStore.readEvidence(issueId),
  );

/** A change of an idea's evidence as the evidence resolvers make it, in one invocation. */
const changeEvidence = (...args: Parameters<typeof evidenceWrite.changeEvidence>) =>
  inInvocation(ctx.em, 'resolver', 'evidence/add: changeEvidence', () =>
    evidenceWrite.changeEvidence(...args),
  );
