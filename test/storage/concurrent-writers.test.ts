import { DEFAULT_CONFIG } from '../../src/domain/config';
import type { Waiver } from '../../src/domain/sprint-readiness';
import { applyChange } from '../../src/domain/evidence-log';
import { flagNovel, signOffFeasibility } from '../../src/issue-panel/issue-notes';
import { readGlobalConfig, saveGlobalConfig } from '../../src/storage/config-store';
import { readProjectContext } from '../../src/storage/project-context';
import { readEvidence } from '../../src/storage/evidence-store';
import { changeEvidence } from '../../src/storage/evidence-write';
import {
  markExploreLinked,
  readExploreRecord,
  recordExplore,
  type ExploreRecord,
} from '../../src/storage/explore-store';
import { readFeasibility, type FeasibilityRecord } from '../../src/storage/issue-notes-store';
import { readTemplates, saveTemplates } from '../../src/storage/template-store';
import { recordOutcome } from '../../src/storage/retro-outcome-store';
import { readMany } from '../../src/storage/kvs-store';
import { RECORD_VERSION_ENTITY, versionKey } from '../../src/storage/versioned-record';
import { changeWaivers, readWaivers } from '../../src/storage/waiver-store';
import { STORAGE_ONLY, useEmulator } from '../helpers/emulator';
import { EVIDENCE_KEYS, RETRO_OUTCOME_KEYS } from '../../src/storage/key-families';

/**
 * Every store that reads, changes and writes back a record, under writers that run at once
 * while each of their storage requests is delayed in flight by a random few milliseconds (a
 * seeded generator, so a failure replays), and readers that keep reading meanwhile. For each
 * store: no acknowledged change is lost, and no reader is ever served a state older than one
 * already acknowledged when its read began.
 */
const ctx = useEmulator(STORAGE_ONLY);
const now = new Date('2026-11-20T10:00:00.000Z');

/** mulberry32: a small seeded generator. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Every storage request waits in flight: most 0-3 ms, one in five 30-80 ms (a slow writer, whose
 * write arrives after others read, wrote and were acknowledged), so requests of different writers
 * interleave in every order.
 */
function delayEveryRequest(seed: number): void {
  const random = seeded(seed);
  ctx.em.kvs.delay = () =>
    random() < 0.2 ? 30 + Math.floor(random() * 50) : Math.floor(random() * 4);
}

afterEach(() => {
  ctx.em.kvs.delay = undefined;
});

/**
 * Runs the writers at once and a reader in a loop until they are done. `acked` holds what was
 * acknowledged so far; each read is checked against what was acknowledged when it began.
 */
/** Writes that lost a race so far (a writer whose condition failed reads the version entity). */
const lostRaces = () => ctx.em.kvs.counts.get('entity/get') ?? 0;

async function race<A, S>(args: {
  writers: Array<(ack: (a: A) => void) => Promise<void>>;
  read: () => Promise<S>;
  check: (state: S, ackedBefore: readonly A[]) => void;
}): Promise<A[]> {
  const acked: A[] = [];
  let done = false;
  let reads = 0;
  const reader = (async () => {
    while (!done) {
      const before = [...acked];
      args.check(await args.read(), before);
      reads += 1;
    }
  })();
  await Promise.all(args.writers.map((w) => w((a) => acked.push(a)))).finally(() => {
    done = true;
  });
  await reader;
  expect(reads).toBeGreaterThan(0);
  return acked;
}

describe('waivers', () => {
  it('keeps every grant and every revoke of writers racing on one project', async () => {
    const waiver = (n: number): Waiver => ({
      issueId: String(10000 + n),
      issueKey: `DT-${n}`,
      reason: `Reason ${n}`,
      expiresOn: '2026-12-20',
      grantedBy: 'user-padmin',
      grantedAt: now.toISOString(),
    });
    const initial = [1, 2, 3, 4].map(waiver);
    await changeWaivers('DT', now, () => ({ ok: true, waivers: initial, detail: undefined }));
    delayEveryRequest(3);
    type Op = { kind: 'grant' | 'revoke'; key: string };
    const grant = (n: number) => async (ack: (a: Op) => void) => {
      const w = waiver(n);
      const r = await changeWaivers('DT', now, (active) => ({
        ok: true,
        waivers: [...active.filter((x) => x.issueId !== w.issueId), w],
        detail: undefined,
      }));
      expect(r.ok).toBe(true);
      ack({ kind: 'grant', key: w.issueKey });
    };
    const revoke = (n: number) => async (ack: (a: Op) => void) => {
      const key = `DT-${n}`;
      const r = await changeWaivers('DT', now, (active) => ({
        ok: true,
        waivers: active.filter((x) => x.issueKey !== key),
        detail: undefined,
      }));
      expect(r.ok).toBe(true);
      ack({ kind: 'revoke', key });
    };
    const acked = await race<Op, string[]>({
      writers: [grant(11), revoke(1), grant(12), revoke(2), grant(13), revoke(3), grant(14)],
      read: async () => (await readWaivers('DT')).map((w) => w.issueKey),
      check: (keys, before) => {
        for (const op of before) {
          if (op.kind === 'grant') expect(keys).toContain(op.key);
          else expect(keys).not.toContain(op.key);
        }
      },
    });
    expect(acked).toHaveLength(7);
    expect(lostRaces()).toBeGreaterThan(0);
    expect((await readWaivers('DT')).map((w) => w.issueKey).sort()).toEqual(
      ['DT-11', 'DT-12', 'DT-13', 'DT-14', 'DT-4'].sort(),
    );
  });
});

describe('evidence', () => {
  const add = (issueId: string, summary: string) =>
    changeEvidence({
      issueId,
      accountId: 'user-member',
      now,
      change: (content) => {
        const outcome = applyChange(
          content,
          {
            kind: 'add',
            entry: { type: 'interview', date: '2026-11-19', summary, positive: true },
          },
          { accountId: 'user-member', now },
        );
        return outcome.ok
          ? { ok: true, content: outcome.content, detail: outcome.entryId }
          : { ok: false, refusal: outcome.refusal };
      },
    });

  it.each([
    ['kept whole in its head', 0, 8],
    ['kept in parts', 110, 4],
  ])(
    'keeps every entry of writers adding at once to a log %s',
    async (_, seededEntries, writers) => {
      const issueId = '20001';
      for (let i = 0; i < seededEntries; i++) {
        const saved = await add(issueId, `Seeded ${i}: ${'s'.repeat(1900)}`);
        expect(saved.status).toBe('saved');
      }
      delayEveryRequest(7 + writers);
      const acked = await race<string, string[]>({
        writers: Array.from({ length: writers }, (_, i) => async (ack) => {
          const saved = await add(issueId, `Writer ${i}`);
          expect(saved.status).toBe('saved');
          ack(`Writer ${i}`);
        }),
        read: async () => (await readEvidence(issueId)).content.entries.map((e) => e.summary),
        check: (summaries, before) => expect(summaries).toEqual(expect.arrayContaining(before)),
      });
      expect(lostRaces()).toBeGreaterThan(0);
      const stored = await readEvidence(issueId);
      expect(stored.content.entries).toHaveLength(seededEntries + writers);
      expect(stored.content.entries.map((e) => e.summary)).toEqual(expect.arrayContaining(acked));
      expect(new Set(stored.content.entries.map((e) => e.id)).size).toBe(seededEntries + writers);
      expect(stored.version).toBe(seededEntries + writers);
      // The parts left are exactly the head's.
      const head = ctx.em.kvs.peek(EVIDENCE_KEYS.log(issueId)) as { parts?: number };
      expect(
        ctx.em.kvs.keys().filter((k) => k.startsWith(EVIDENCE_KEYS.partPrefix(issueId))),
      ).toHaveLength(head.parts ?? 0);
    },
  );
});

describe('feasibility reviews', () => {
  it('chains every acknowledged flag, un-flag and sign-off on the one before it', async () => {
    const issueId = '30001';
    const author = (n: number) => ({ accountId: `user-${n}`, now });
    await flagNovel(issueId, true, author(0));
    delayEveryRequest(11);
    type Op = { n: number; kind: 'flag' | 'unflag' | 'sign-off'; record: FeasibilityRecord };
    const kinds = [
      'sign-off',
      'unflag',
      'sign-off',
      'flag',
      'sign-off',
      'flag',
      'unflag',
      'sign-off',
    ] as const;
    const acked = await race<Op, FeasibilityRecord | undefined>({
      writers: kinds.map((kind, n) => async (ack: (a: Op) => void) => {
        if (kind === 'sign-off') {
          const answer = await signOffFeasibility(issueId, 'feasible', `Note ${n}`, author(n));
          if (answer.ok) ack({ n, kind, record: answer.value });
          return;
        }
        ack({ n, kind, record: await flagNovel(issueId, kind === 'flag', author(n)) });
      }),
      read: () => readFeasibility(issueId),
      check: (record, before) => {
        const newest = Math.max(1, ...before.map((op) => op.record.version ?? 0));
        expect(record?.version ?? 0).toBeGreaterThanOrEqual(newest);
      },
    });
    // Every acknowledged change is its own version, and each is its change applied to the
    // version before it: nothing acknowledged was written over.
    expect(lostRaces()).toBeGreaterThan(0);
    const byVersion = new Map(acked.map((op) => [op.record.version ?? 0, op]));
    expect(byVersion.size).toBe(acked.length);
    const versions = [...byVersion.keys()].sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: acked.length }, (_, i) => i + 2));
    let previous: FeasibilityRecord | undefined = {
      novel: true,
      updatedBy: 'user-0',
      updatedAt: now.toISOString(),
    };
    for (const v of versions) {
      const op = byVersion.get(v);
      if (!op || !previous) throw new Error(`no version ${v}`);
      if (op.kind === 'sign-off') {
        expect(previous.novel).toBe(true);
        expect(op.record.signOff?.note).toBe(`Note ${op.n}`);
      } else {
        expect(op.record.novel).toBe(op.kind === 'flag');
        const keeps = op.kind === 'flag' && previous.novel;
        expect(op.record.signOff).toEqual(keeps ? previous.signOff : undefined);
      }
      previous = op.record;
    }
    expect(await readFeasibility(issueId)).toEqual(previous);
  });
});

describe('settings and templates', () => {
  it('lands each settings save only on the version it read; clients that re-read keep every change', async () => {
    const names = ['A', 'B', 'C', 'D', 'E', 'F'];
    delayEveryRequest(19);
    const acked = await race<{ name: string; version: number }, number>({
      writers: names.map((name) => async (ack) => {
        // A client that re-reads after a conflict and adds its type name to what it finds.
        for (;;) {
          const current = await readGlobalConfig();
          const settings = current?.settings ?? DEFAULT_CONFIG;
          const expectedVersion = current?.version ?? 0;
          const saved = await saveGlobalConfig({
            settings: {
              ...settings,
              tracks: {
                ...settings.tracks,
                discoveryTypeNames: [...settings.tracks.discoveryTypeNames, `Type ${name}`],
              },
            },
            expectedVersion,
            accountId: name,
            now,
          });
          if (saved.status === 'saved') {
            expect(saved.record.version).toBe(expectedVersion + 1);
            ack({ name, version: saved.record.version });
            return;
          }
          expect(saved.status).toBe('conflict');
        }
      }),
      read: async () => (await readProjectContext('DT')).globalVersion,
      check: (version, before) =>
        expect(version).toBeGreaterThanOrEqual(Math.max(0, ...before.map((a) => a.version))),
    });
    expect(acked.map((a) => a.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(lostRaces()).toBeGreaterThan(0);
    const final = await readGlobalConfig();
    expect(final?.version).toBe(6);
    expect(final?.settings.tracks.discoveryTypeNames).toEqual(
      expect.arrayContaining(names.map((n) => `Type ${n}`)),
    );
    expect(ctx.em.kvs.peekEntity(RECORD_VERSION_ENTITY, versionKey('config:global'))).toMatchObject(
      { version: 6 },
    );
  });

  it('lands each templates save only on the version it read; clients that re-read keep every change', async () => {
    const names = ['a', 'b', 'c', 'd', 'e'];
    delayEveryRequest(23);
    const acked = await race<number, number>({
      writers: names.map((name) => async (ack) => {
        for (;;) {
          const current = await readTemplates();
          const templates = structuredClone(current.templates);
          const first = templates[0];
          if (!first) throw new Error('no templates');
          first.description = `${first.description} +${name}`.slice(-300);
          const saved = await saveTemplates({
            templates,
            expectedVersion: current.version,
            accountId: name,
            now,
          });
          if (saved.status === 'saved') {
            ack(saved.record.version);
            return;
          }
          expect(saved.status).toBe('conflict');
        }
      }),
      read: async () => (await readTemplates()).version,
      check: (version, before) => expect(version).toBeGreaterThanOrEqual(Math.max(0, ...before)),
    });
    expect([...acked].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
    expect(lostRaces()).toBeGreaterThan(0);
    const description = (await readTemplates()).templates[0]?.description ?? '';
    for (const name of names) expect(description).toContain(` +${name}`);
  });
});

describe('Explore first records', () => {
  it('never lets an older generation or a late "linked" overwrite a newer generation', async () => {
    const issueId = '40001';
    const record = (generation: number): ExploreRecord => ({
      version: 1,
      generation,
      deliveryKey: 'DT-40',
      created: { id: String(50000 + generation), key: `DT-${100 + generation}` },
      kind: 'spike',
      linked: false,
      by: 'user-member',
      at: now.toISOString(),
    });
    delayEveryRequest(29);
    type Op = { generation: number; kind: 'record' | 'linked'; revision: number };
    const acked = await race<Op, ExploreRecord | undefined>({
      writers: [
        ...[3, 1, 5, 2, 7, 4, 6].map((g) => async (ack: (a: Op) => void) => {
          const saved = await recordExplore(issueId, record(g));
          if (saved.status === 'saved') {
            ack({ generation: g, kind: 'record', revision: saved.record.revision ?? 0 });
          } else expect(saved.current?.generation ?? 0).toBeGreaterThanOrEqual(g);
        }),
        ...[2, 5, 7].map((g) => async (ack: (a: Op) => void) => {
          const marked = await markExploreLinked(issueId, g, now);
          if (marked.status === 'saved') {
            ack({ generation: g, kind: 'linked', revision: marked.record.revision ?? 0 });
          }
        }),
      ],
      read: () => readExploreRecord(issueId),
      check: (current, before) => {
        const newest = Math.max(0, ...before.map((op) => op.generation));
        expect(current?.generation ?? 0).toBeGreaterThanOrEqual(newest);
      },
    });
    const final = await readExploreRecord(issueId);
    expect(final?.generation).toBe(7);
    expect(acked.some((op) => op.kind === 'record' && op.generation === 7)).toBe(true);
    // "Linked" was acknowledged only for the generation recorded at the time.
    const linkedNewest = acked.some((op) => op.kind === 'linked' && op.generation === 7);
    expect(final?.linked).toBe(linkedNewest);
    // In the order they were saved, acknowledged records only ever move to newer generations,
    // and each "linked" marks the generation recorded just before it.
    const saved = [...acked].sort((a, b) => a.revision - b.revision);
    expect(saved.map((op) => op.revision)).toEqual(saved.map((_, i) => i + 1));
    let generation = 0;
    for (const op of saved) {
      if (op.kind === 'record') expect(op.generation).toBeGreaterThan(generation);
      else expect(op.generation).toBe(generation);
      generation = op.generation;
    }
  });
});

describe('retro outcome checks', () => {
  it('keeps every recording of people recording at once: the last as current, the rest in history', async () => {
    const issue = { id: '60001', key: 'DT-60' };
    delayEveryRequest(31);
    const notes = ['one', 'two', 'three', 'four', 'five', 'six'];
    type Stored = { current: { note: string }; history: Array<{ note: string }> };
    const notesOf = (s: Stored | undefined) =>
      s ? [s.current.note, ...s.history.map((h) => h.note)] : [];
    const read = async () =>
      (await readMany([RETRO_OUTCOME_KEYS.outcome(issue.id)])).get(
        RETRO_OUTCOME_KEYS.outcome(issue.id),
      ) as Stored | undefined;
    const acked = await race<string, Stored | undefined>({
      writers: notes.map((note) => async (ack) => {
        await recordOutcome({
          issue,
          projectKey: 'DT',
          result: 'hit',
          note,
          accountId: 'user-member',
          now,
        });
        ack(note);
      }),
      read,
      check: (stored, before) => expect(notesOf(stored)).toEqual(expect.arrayContaining(before)),
    });
    expect(lostRaces()).toBeGreaterThan(0);
    expect(notesOf(await read()).sort()).toEqual([...acked].sort());
  });
});
