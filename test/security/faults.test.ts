import * as handlers from '../../src/index';
import type { ResolverKey, Result } from '../../src/contract/bridge-contract';
import { sharedPagesExpire } from '../helpers/shared-page';
import { MAX_ENTRIES, PART_BYTE_LIMIT } from '../../src/storage/evidence-store';
import { RECORD_VERSION_ENTITY, versionKey } from '../../src/storage/versioned-record';
import { commentsOf } from '../../dev/emulator/routes/enforcement';
import { MAX_VALUE_BYTES } from '../../dev/emulator/kvs-emulator';
import { shortAgilePage, shortSearchPage } from '../../dev/emulator/faults';
import { AGILE_PAGE_STYLES } from '../../dev/emulator/agile-paging';
import { DEMO_USERS, seedDemoProject } from '../../dev/emulator/demo-project';
import { readSprintItems } from '../../src/items/item-facts';
import { enforcementFieldIds } from '../../src/items/site-fields';
import { jiraAsApp } from '../../src/jira/jira-gateway';
import { DATA_FORMAT } from '../../src/contract/bridge-contract';
import { useEmulator } from '../helpers/emulator';
import { callResolver, inInvocation, runTrigger, runValidator } from '../helpers/invoke';
import { createdEvent, sprintChangeEvent } from '../enforcement/enforcement-site';
import { extensionOf, seedSecuritySite, type Where, type World } from './security-site';
import { EVIDENCE_KEYS } from '../../src/storage/key-families';

/**
 * Faults injected in the emulated Jira and storage, and what each feature must do about them:
 * wait and retry (a short Retry-After), hand the wait to Forge (triggers), refuse clearly
 * (resolvers, fail-closed validators), finish idempotently when run again, and never lose or
 * truncate data. Every fault tried is counted; the summary says how many the app survived.
 */
const ctx = useEmulator();

/** Each call is one invocation of the real handler, as Forge makes it (test/helpers/invoke.ts). */
const sprintGuard = (event: unknown) => runTrigger(ctx.em, handlers.sprintGuard, event);
const enablerGate = (args: unknown, context?: unknown) =>
  runValidator(ctx.em, handlers.enablerGate, args, context);
const trackMarker = (event: unknown) => runTrigger(ctx.em, handlers.trackMarker, event);
let w: World;
let tried = 0;
let survived = 0;

beforeEach(() => {
  w = seedSecuritySite(ctx.em);
});

afterAll(() => {
  console.log(
    `faults: ${survived} of ${tried} injected faults survived with the expected behaviour`,
  );
});

/** Runs one fault scenario; it counts as survived when all its assertions hold. */
function fault(name: string, scenario: () => Promise<void>, timeout?: number): void {
  it(
    name,
    async () => {
      tried += 1;
      await scenario();
      survived += 1;
    },
    timeout,
  );
}

const ADMIN = 'user-site-admin';

function invoke(
  key: ResolverKey,
  payload: unknown,
  where: Where,
  accountId = ADMIN,
): Promise<Result<unknown>> {
  return callResolver(ctx.em, key, accountId, payload, { extension: extensionOf(w, where, false) });
}

const entry = { type: 'interview', date: '2026-10-02', summary: 'Talked to Bo', positive: true };
const storedLog = () =>
  ctx.em.kvs.peek(EVIDENCE_KEYS.log(w.idea.id)) as { version: number; entries: unknown[] };

describe('Jira throttling and errors', () => {
  fault(
    '429 with a short Retry-After: the resolver waits and retries, the user sees data',
    async () => {
      ctx.em.injectFault({
        match: /GET \/rest\/api\/3\/mypermissions/,
        status: 429,
        retryAfter: 1,
      });
      const result = await invoke('evidence/list', {}, 'idea');
      expect(result.ok).toBe(true);
      const statuses = ctx.em.jiraCalls().map((c) => c.status);
      expect(statuses.slice(0, 2)).toEqual([429, 200]);
    },
  );

  fault(
    '429 with a long Retry-After: the resolver answers rate-limited with the wait',
    async () => {
      ctx.em.injectFault({
        match: /POST \/rest\/api\/3\/search\/approximate-count/,
        status: 429,
        retryAfter: 120,
      });
      const result = await invoke('project/overview', {}, 'project');
      expect(result).toMatchObject({
        ok: false,
        error: { code: 'rate-limited', details: { retryAfterSeconds: 120 } },
      });
    },
  );

  fault(
    '429 on the sprint guard: Forge retries after Retry-After; the retry completes once',
    async () => {
      const sprint = [...ctx.em.sprints.values()].find((s) => s.state === 'active');
      if (!sprint) throw new Error('no active sprint');
      ctx.em.setSprint(w.enabler.key, sprint.id);
      // The enabler has a waiver in the security site: use a second, unwaived one.
      const bare = ctx.em.addIssue({ projectKey: 'DT', type: 'Enabler', summary: 'Queue choice' });
      ctx.em.setSprint(bare.key, sprint.id);
      const event = sprintChangeEvent(ctx.em, bare, { to: sprint, changelogId: '70001' });
      ctx.em.injectFault({
        match: /POST \/rest\/agile\/1.0\/backlog\/issue/,
        status: 429,
        retryAfter: 120,
      });
      const first = await sprintGuard(event);
      expect(first).toMatchObject({ _retry: true, retryOptions: { retryAfter: 120 } });
      await expect(sprintGuard(event)).resolves.toBeUndefined();
      await expect(sprintGuard(event)).resolves.toBeUndefined();
      expect(commentsOf(ctx.em, bare.key)).toHaveLength(1);
    },
  );

  fault('500 on the validator read: the gate fails closed with a clear message', async () => {
    ctx.em.injectFault({ match: /GET \/rest\/api\/3\/issue\//, status: 500, times: 5 });
    const answer = await enablerGate({ issue: { key: w.enabler.key } });
    expect(answer.result).toBe(false);
    expect(answer.errorMessage).toMatch(/could not be completed, so the transition is refused/);
  });

  fault('503 on the track marker: an InvocationError asks Forge to retry later', async () => {
    ctx.em.injectFault({ match: /GET \/rest\/api\/3\/issue\//, status: 503 });
    const issue = ctx.em.addIssue({ projectKey: 'DT', type: 'Spike', summary: 'New spike' });
    const answer = await trackMarker(createdEvent(ctx.em, issue));
    expect(answer).toMatchObject({ _retry: true });
  });

  fault('500 on a resolver read: a clear jira-error, no data, nothing written', async () => {
    const before = ctx.em.kvs.keys().length;
    ctx.em.injectFault({ match: /GET \/rest\/api\/3\/mypermissions/, status: 500 });
    const result = await invoke('evidence/add', { entry }, 'idea');
    expect(result).toMatchObject({ ok: false, error: { code: 'jira-error' } });
    expect(ctx.em.kvs.keys().length).toBe(before);
    expect(storedLog().entries).toHaveLength(5);
  });

  fault(
    'slow Jira (every request delayed): the gate and the panel still decide correctly',
    async () => {
      ctx.em.latencyMs = 40;
      const answer = await enablerGate({ issue: { key: w.enabler.key } });
      expect(answer.result).toBe(true); // the enabler holds an active waiver
      const list = await invoke('evidence/list', {}, 'idea');
      expect(list.ok).toBe(true);
      ctx.em.latencyMs = 0;
    },
    10_000,
  );

  fault(
    'a search page whose nextPageToken leads to an error: setup stops, a re-run finishes',
    async () => {
      for (let i = 0; i < 1005; i++) {
        ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: `Story ${i}` });
      }
      ctx.em.injectFault({ match: /POST \/rest\/api\/3\/search\/jql/, status: 500, skip: 1 });
      const first = await invoke('setup/run', {}, 'project');
      const searches = ctx.em
        .jiraCalls()
        .filter((c) => c.path.startsWith('/rest/api/3/search/jql'));
      expect(searches.map((c) => c.status)).toEqual([200, 500]);
      const firstText = JSON.stringify(first);
      expect(firstText).not.toMatch(/"outcome":"complete"/);
      const second = await invoke('setup/run', {}, 'project');
      expect(second.ok).toBe(true);
      expect(JSON.stringify(second)).toMatch(/"outcome":"complete"/);
    },
  );
});

describe('storage', () => {
  fault('two writers add evidence at once: both entries are kept', async () => {
    const [a, b] = await Promise.all([
      invoke('evidence/add', { entry: { ...entry, summary: 'Writer A' } }, 'idea'),
      invoke(
        'evidence/add',
        { entry: { ...entry, summary: 'Writer B' } },
        'idea',
        'user-project-admin',
      ),
    ]);
    expect(a.ok && b.ok).toBe(true);
    const summaries = (storedLog().entries as Array<{ summary: string }>).map((e) => e.summary);
    expect(summaries).toEqual(expect.arrayContaining(['Writer A', 'Writer B']));
    expect(summaries).toHaveLength(7);
  });

  fault(
    'a storage write failure: a clear error, the log is unchanged, a retry succeeds',
    async () => {
      const before = JSON.stringify(storedLog());
      ctx.em.kvs.failWrites(500);
      const failed = await invoke('evidence/add', { entry }, 'idea');
      expect(failed.ok).toBe(false);
      if (!failed.ok) expect(failed.error.message.length).toBeGreaterThan(10);
      expect(JSON.stringify(storedLog())).toBe(before);
      const retried = await invoke('evidence/add', { entry }, 'idea');
      expect(retried.ok).toBe(true);
      expect(storedLog().entries).toHaveLength(6);
    },
  );

  /** The seeded log grown to just under one value (the most the old single-value shape held). */
  function seedNearlyFullLog(): { full: Record<string, unknown>; n: number } {
    const log = storedLog() as unknown as Record<string, unknown>;
    const template = (log['entries'] as Array<Record<string, unknown>>)[0];
    const entries: unknown[] = [];
    let n = 0;
    while (JSON.stringify({ ...log, entries }).length < MAX_VALUE_BYTES - 12_000) {
      entries.push({ ...template, id: `e${++n}`, summary: `Interview ${n}: ${'n'.repeat(1900)}` });
    }
    const full = { ...log, nextEntry: n + 1, entries };
    ctx.em.kvs.seed(EVIDENCE_KEYS.log(w.idea.id), full);
    expect(JSON.stringify(full).length).toBeLessThan(MAX_VALUE_BYTES);
    return { full, n };
  }
  const partKeys = () =>
    ctx.em.kvs.keys().filter((k) => k.startsWith(EVIDENCE_KEYS.partPrefix(w.idea.id)));
  async function readBack(): Promise<string[]> {
    const list = await invoke('evidence/list', {}, 'idea');
    if (!list.ok) throw new Error(`list failed: ${list.error.message}`);
    return (list.data as { entries: Array<{ summary: string }> }).entries
      .map((e) => e.summary)
      .sort();
  }
  const summariesOf = (entries: unknown) =>
    (entries as Array<{ summary: string }>).map((e) => e.summary).sort();
  /**
   * Only the head's parts are left beside the head (no claims of the scheme before), and the
   * head's version entity names the head's version and write.
   */
  function expectNoLeftovers(): void {
    const head = storedLog() as unknown as { version: number; parts?: number; writeId?: string };
    expect(partKeys().sort()).toEqual(
      Array.from({ length: head.parts ?? 0 }, (_, i) =>
        EVIDENCE_KEYS.part(w.idea.id, head.version, head.writeId ?? '', i),
      ).sort(),
    );
    expect(
      ctx.em.kvs.keys().filter((k) => k.includes(':rev:') && k.startsWith('evidence:')),
    ).toEqual([]);
    expect(
      ctx.em.kvs.peekEntity(RECORD_VERSION_ENTITY, versionKey(EVIDENCE_KEYS.log(w.idea.id))),
    ).toEqual({ version: head.version, writeId: head.writeId });
  }

  fault(
    'an evidence log growing past the 240 KiB value limit: stored in parts, every entry reads back',
    async () => {
      const { full } = seedNearlyFullLog();
      const before = summariesOf(full['entries']);
      const result = await invoke(
        'evidence/add',
        { entry: { ...entry, summary: 's'.repeat(2000) } },
        'idea',
      );
      expect(result.ok).toBe(true);
      const head = storedLog() as unknown as Record<string, unknown>;
      expect(head['entries']).toBeUndefined();
      expect(head['parts']).toBe(2);
      for (const key of partKeys()) {
        expect(JSON.stringify(ctx.em.kvs.peek(key)).length).toBeLessThan(PART_BYTE_LIMIT);
      }
      expect(await readBack()).toEqual([...before, 's'.repeat(2000)].sort());
      expectNoLeftovers();
    },
  );

  // A save to a log kept in parts writes twice: the new parts (one transaction), then the head
  // with its version entity, conditioned on the version read (one transaction). A crash at either
  // write, one past them, or on the way back from the commit (it reached storage, its answer did
  // not) must leave a log that reads back whole: as before, or with the save that reached
  // storage; the writer is told it saved exactly when it did.
  for (const [what, injected, saves] of [
    ['writing the new parts', { skip: 0 }, false],
    ['committing the head and its version (parts written)', { skip: 1 }, false],
    ['the answer to the commit (it reached storage)', { skip: 1, afterApply: true }, true],
    ['the first write after the save', { skip: 2 }, true],
  ] as const) {
    fault(`a crash at ${what}: the log reads back whole, the next save cleans up`, async () => {
      const { full } = seedNearlyFullLog();
      const grown = await invoke('evidence/add', { entry: { ...entry, summary: 'Grown' } }, 'idea');
      expect(grown.ok).toBe(true);
      expect(partKeys()).toHaveLength(2);
      const before = [...summariesOf(full['entries']), 'Grown'].sort();
      const withCrashed = [...before, 'Crashed'].sort();
      ctx.em.kvs.failWrites(500, 1, injected);
      const crashed = await invoke(
        'evidence/add',
        { entry: { ...entry, summary: 'Crashed' } },
        'idea',
      );
      expect(crashed.ok).toBe(saves);
      if (!crashed.ok) expect(crashed.error.message.length).toBeGreaterThan(10);
      expect(await readBack()).toEqual(saves ? withCrashed : before);
      ctx.em.kvs.clearWriteFaults();
      const next = await invoke('evidence/add', { entry: { ...entry, summary: 'Next' } }, 'idea');
      expect(next.ok).toBe(true);
      expect(await readBack()).toEqual([...(saves ? withCrashed : before), 'Next'].sort());
      expectNoLeftovers();
    });
  }

  fault(
    'two writers add to a log kept in parts at once: one wins the version, the other retries; both kept',
    async () => {
      const { full } = seedNearlyFullLog();
      const before = summariesOf(full['entries']);
      const [a, b] = await Promise.all([
        invoke('evidence/add', { entry: { ...entry, summary: 'Writer A' } }, 'idea'),
        invoke(
          'evidence/add',
          { entry: { ...entry, summary: 'Writer B' } },
          'idea',
          'user-project-admin',
        ),
      ]);
      expect(a.ok && b.ok).toBe(true);
      // Both read version 1; the loser's conditional commit failed and it saved version 3.
      expect((storedLog() as unknown as { version: number }).version).toBe(3);
      expect(await readBack()).toEqual([...before, 'Writer A', 'Writer B'].sort());
      expectNoLeftovers();
    },
  );

  fault(
    `an evidence log at its bound of ${MAX_ENTRIES} entries: the next add is refused clearly, nothing written`,
    async () => {
      const log = storedLog() as unknown as Record<string, unknown>;
      const template = (log['entries'] as Array<Record<string, unknown>>)[0];
      const writeId = '00aa11bb22cc';
      const entries = Array.from({ length: MAX_ENTRIES }, (_, i) => ({
        ...template,
        id: `e${i + 1}`,
      }));
      for (let p = 0; p < 2; p++) {
        ctx.em.kvs.seed(EVIDENCE_KEYS.part(w.idea.id, 1, writeId, p), {
          issueId: w.idea.id,
          version: 1,
          writeId,
          index: p,
          entries: entries.slice(p * 1000, (p + 1) * 1000),
        });
      }
      const head: Record<string, unknown> = { ...log };
      delete head['entries'];
      ctx.em.kvs.seed(EVIDENCE_KEYS.log(w.idea.id), {
        ...head,
        writeId,
        nextEntry: MAX_ENTRIES + 1,
        parts: 2,
        entryCount: MAX_ENTRIES,
      });
      const keysBefore = ctx.em.kvs.keys();
      const result = await invoke('evidence/add', { entry }, 'idea');
      expect(result).toMatchObject({ ok: false, error: { code: 'conflict' } });
      if (!result.ok)
        expect(result.error.message).toMatch(new RegExp(`full.*at most ${MAX_ENTRIES}`));
      expect(ctx.em.kvs.keys()).toEqual(keysBefore);
      expect(await readBack()).toHaveLength(MAX_ENTRIES);
    },
  );

  /** An audit entry of project DT as a backup holds it. */
  const auditRecord = (seq: number, detail: string) => ({
    key: `audit:DT:${seq}`,
    value: {
      version: 1,
      seq,
      at: '2026-10-01T10:00:00.000Z',
      action: 'blocked',
      source: 'enabler-gate',
      rule: 'scoped-outcome',
      issueId: w.enabler.id,
      issueKey: w.enabler.key,
      actor: null,
      detail,
    },
  });
  const documentOf = (sections: string[], records: Array<{ key: string; value: unknown }>) => ({
    format: DATA_FORMAT,
    schemaVersion: 1,
    exportedAt: '2026-11-01T00:00:00.000Z',
    sections,
    records,
  });

  fault(
    'an import interrupted by storage in a section of one transaction: none of it is written; running it again finishes',
    async () => {
      const records = Array.from({ length: 10 }, (_, i) => auditRecord(i, `Entry ${i}`));
      records.push({
        key: 'audit:DT:head',
        value: { version: 1, next: 10, oldest: 0, dropped: 0 },
      } as never);
      const document = documentOf(['audit'], records);
      const before = ctx.em.kvs.keys();
      ctx.em.kvs.failWrites(500, 1);
      const interrupted = await invoke('data/import', { document, dryRun: false }, 'admin-page');
      expect(interrupted).toMatchObject({ ok: false, error: { code: 'internal' } });
      if (!interrupted.ok) {
        expect(interrupted.error.message).toMatch(/importing the audit section/);
        expect(interrupted.error.message).toMatch(/run the import again/);
      }
      expect(ctx.em.kvs.keys()).toEqual(before);
      const again = await invoke('data/import', { document, dryRun: false }, 'admin-page');
      expect(again.ok).toBe(true);
      for (const r of records) expect(ctx.em.kvs.peek(r.key)).toEqual(r.value);
    },
  );

  fault(
    'an import interrupted midway through a section too large for one transaction: that section is put back as it was, the sections before stay imported',
    async () => {
      // Stored before the import: five entries and a head the document will replace.
      const stored = Array.from({ length: 5 }, (_, i) => auditRecord(i, `Stored ${i}`));
      for (const r of stored) ctx.em.kvs.seed(r.key, r.value);
      ctx.em.kvs.seed('audit:DT:head', { version: 1, next: 5, oldest: 0, dropped: 0 });
      const storedKeys = ctx.em.kvs.keys().filter((k) => k.startsWith('audit:'));
      const records = Array.from({ length: 30 }, (_, i) => auditRecord(i, `Imported ${i}`));
      records.push({
        key: 'audit:DT:head',
        value: { version: 1, next: 30, oldest: 0, dropped: 0 },
      } as never);
      const flagNotes = {
        key: 'enforcement:flag-notes:DT',
        value: { version: 1, types: {} },
      };
      const waivers = { key: 'waivers:DT', value: { version: 3, waivers: [] } };
      const document = documentOf(
        ['waivers', 'audit', 'enforcement'],
        [waivers, ...records, flagNotes],
      );
      const dry = await invoke('data/import', { document }, 'admin-page');
      if (!dry.ok) throw new Error(`the document is refused: ${dry.error.message}`);

      // Sections go in their fixed order (waivers, audit, enforcement): the waivers section is
      // one transaction; then the audit section's second batch of writes fails.
      ctx.em.kvs.failWrites(500, 1, { skip: 1 + 12 });
      const interrupted = await invoke('data/import', { document, dryRun: false }, 'admin-page');
      expect(interrupted).toMatchObject({
        ok: false,
        error: {
          code: 'internal',
          details: { failed: 'audit', putBack: true, imported: ['waivers'] },
        },
      });
      if (!interrupted.ok) expect(interrupted.error.message).toMatch(/as it was before the import/);
      // Every audit key holds what it held before: the stored entries, nothing imported.
      expect(ctx.em.kvs.keys().filter((k) => k.startsWith('audit:'))).toEqual(storedKeys);
      for (const r of stored) expect(ctx.em.kvs.peek(r.key)).toEqual(r.value);
      expect(ctx.em.kvs.peek('audit:DT:head')).toEqual({
        version: 1,
        next: 5,
        oldest: 0,
        dropped: 0,
      });
      expect(ctx.em.kvs.peek(flagNotes.key)).toBeUndefined(); // not started
      expect(ctx.em.kvs.peek(waivers.key)).toEqual(waivers.value); // imported before

      const again = await invoke('data/import', { document, dryRun: false }, 'admin-page');
      expect(again.ok).toBe(true);
      for (const r of [waivers, ...records, flagNotes])
        expect(ctx.em.kvs.peek(r.key)).toEqual(r.value);
    },
  );
});

describe('pages that end early', () => {
  const SEARCH = /^POST \/rest\/api\/3\/search\/jql$/;
  /** What a page shows, without the moment it was made. */
  const dataOf = (r: Result<unknown>) => {
    if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
    return { ...(r.data as Record<string, unknown>), generatedAt: undefined };
  };

  fault(
    'search pages far shorter than asked, each with a nextPageToken: the project page reads every item',
    async () => {
      for (let i = 0; i < 12; i++) {
        ctx.em.addIssue({ projectKey: 'DT', type: 'Discovery', summary: `Idea ${i}` });
      }
      const plain = dataOf(await invoke('project/overview', {}, 'project'));
      sharedPagesExpire(ctx.em, 'DT'); // a later viewer: the page is read again
      ctx.em.resetCalls();
      ctx.em.injectResponseFault({ match: SEARCH, rewrite: shortSearchPage(2), times: 100 });
      const faulted = dataOf(await invoke('project/overview', {}, 'project'));
      const searches = ctx.em.jiraCalls().filter((c) => c.operationId?.startsWith('search'));
      expect(searches.length).toBeGreaterThan(8); // the short pages were followed
      expect(faulted).toEqual(plain);
    },
  );

  fault(
    'search pages far shorter than asked, each with a nextPageToken: the retro reads every item',
    async () => {
      // The demo project beside the security site: six closed sprints of history.
      const demo = seedDemoProject(ctx.em, { now: new Date(), key: 'RET', name: 'Retro demo' });
      const retro = () =>
        callResolver(
          ctx.em,
          'retro/report',
          DEMO_USERS.member,
          {},
          {
            extension: { project: { id: demo.projectId, key: demo.projectKey } },
          },
        );
      const plain = dataOf(await retro());
      expect(JSON.stringify(plain)).toContain('"sprints"');
      ctx.em.resetCalls();
      ctx.em.injectResponseFault({ match: SEARCH, rewrite: shortSearchPage(7), times: 100 });
      const faulted = dataOf(await retro());
      const searches = ctx.em.jiraCalls().filter((c) => c.operationId?.startsWith('search'));
      expect(searches.length).toBeGreaterThan(5); // pages of 7, every token followed
      expect(faulted).toEqual(plain);
    },
  );

  /** Adds `stories` stories to the active sprint; answers it and how many items it now holds. */
  const fillActiveSprint = (stories: number) => {
    const sprint = [...ctx.em.sprints.values()].find((s) => s.state === 'active');
    if (!sprint) throw new Error('no active sprint');
    for (let i = 0; i < stories; i++) {
      const story = ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: `Story ${i}` });
      ctx.em.setSprint(story.key, sprint.id);
    }
    const expected = [...ctx.em.issues.values()].filter((i) => {
      const value = i.custom.get(ctx.em.sprintField.id);
      return Array.isArray(value) && value.some((s: { id?: unknown }) => s.id === sprint.id);
    }).length;
    return { sprint, expected };
  };

  /** The sprint-start check's scan of a sprint, as its trigger runs it: one invocation. */
  const scanSprint = (sprintId: number) =>
    inInvocation(ctx.em, 'trigger', 'sprintStartCheck: readSprintItems', async () => {
      const ids = await enforcementFieldIds(
        { fields: {}, enforcementFields: undefined },
        jiraAsApp(),
      );
      return readSprintItems(jiraAsApp(), sprintId, ids);
    });

  fault(
    'a sprint-issue page with fewer than maxResults and more to come: the sprint-start scan reads every item',
    async () => {
      const { sprint, expected } = fillActiveSprint(60);
      ctx.em.injectResponseFault({
        match: /^GET \/rest\/agile\/1\.0\/sprint\/\d+\/issue$/,
        rewrite: shortAgilePage(10),
        times: 2,
      });
      const read = await scanSprint(sprint.id);
      expect(read.unread).toBe(0);
      expect(read.items).toHaveLength(expected);
      expect(new Set(read.items.map((i) => i.key)).size).toBe(expected);
    },
  );

  for (const style of AGILE_PAGE_STYLES) {
    fault(
      `Agile pages "${style}", short sprint-issue pages: the sprint-start scan reads every item`,
      async () => {
        ctx.em.agilePageStyle = style;
        const { sprint, expected } = fillActiveSprint(75);
        ctx.em.injectResponseFault({
          match: /^GET \/rest\/agile\/1\.0\/sprint\/\d+\/issue$/,
          rewrite: shortAgilePage(7),
          times: 4,
        });
        const read = await scanSprint(sprint.id);
        expect(read).toMatchObject({ unread: 0, stop: 'end' });
        expect(new Set(read.items.map((i) => i.key)).size).toBe(expected);
        expect(read.items).toHaveLength(expected);
      },
    );

    fault(
      `Agile pages "${style}", board sprints 2 a page and some pages shorter: the retro is the same`,
      async () => {
        const demo = seedDemoProject(ctx.em, { now: new Date(), key: 'RET', name: 'Retro demo' });
        const retro = () =>
          callResolver(
            ctx.em,
            'retro/report',
            DEMO_USERS.member,
            {},
            {
              extension: { project: { id: demo.projectId, key: demo.projectKey } },
            },
          );
        const plain = dataOf(await retro());
        ctx.em.agilePageStyle = style;
        ctx.em.agilePageMax = 2;
        ctx.em.injectResponseFault({
          match: /^GET \/rest\/agile\/1\.0\/board\/\d+\/sprint$/,
          rewrite: shortAgilePage(1),
          times: 2,
        });
        ctx.em.resetCalls();
        const paged = dataOf(await retro());
        const sprintPages = ctx.em.jiraCalls().filter((c) => c.operationId === 'getAllSprints');
        expect(sprintPages.length).toBeGreaterThan(3); // 7 sprints, at most 2 a page
        expect(paged).toEqual(plain);
      },
    );
  }
});

describe('duplicate and out-of-order events', () => {
  fault('the same Sprint event delivered three times: one move, one comment', async () => {
    const sprint = [...ctx.em.sprints.values()].find((s) => s.state === 'active');
    if (!sprint) throw new Error('no active sprint');
    const bare = ctx.em.addIssue({ projectKey: 'DT', type: 'Enabler', summary: 'Queue choice' });
    ctx.em.setSprint(bare.key, sprint.id);
    const event = sprintChangeEvent(ctx.em, bare, { to: sprint, changelogId: '70002' });
    await Promise.all([sprintGuard(event), sprintGuard(event), sprintGuard(event)]);
    expect(commentsOf(ctx.em, bare.key)).toHaveLength(1);
    expect(ctx.em.jiraCalls().filter((c) => c.operationId === 'moveIssuesToBacklog')).toHaveLength(
      1,
    );
  });

  fault(
    'an old "added to sprint" event arriving after the item left the sprint: nothing is done',
    async () => {
      const sprint = [...ctx.em.sprints.values()].find((s) => s.state === 'active');
      if (!sprint) throw new Error('no active sprint');
      const bare = ctx.em.addIssue({ projectKey: 'DT', type: 'Enabler', summary: 'Queue choice' });
      ctx.em.setSprint(bare.key, sprint.id);
      const late = sprintChangeEvent(ctx.em, bare, { to: sprint, changelogId: '70003' });
      ctx.em.setSprint(bare.key, undefined); // the user took it out again before the event came
      await expect(sprintGuard(late)).resolves.toBeUndefined();
      expect(commentsOf(ctx.em, bare.key)).toEqual([]);
      expect(ctx.em.jiraCalls().some((c) => c.operationId === 'moveIssuesToBacklog')).toBe(false);
    },
  );

  fault('a duplicated track-marker event writes the Track field once', async () => {
    const issue = ctx.em.addIssue({ projectKey: 'DT', type: 'Spike', summary: 'New spike' });
    const event = createdEvent(ctx.em, issue);
    await trackMarker(event);
    await trackMarker(event);
    const writes = ctx.em.jiraCalls().filter((c) => c.method === 'PUT' && c.status < 300);
    expect(writes).toHaveLength(1);
  });
});
