import { ISSUE_NOTE_KEYS, WAIVER_KEYS } from '../../src/storage/key-families';
import {
  changeFeasibility,
  readFeasibility,
  readFeasibilityState,
  readIssueNotes,
  readIssueNotesAndWaivers,
  readSpikeNotes,
  saveSpikeNote,
  SPIKE_NOTES_MAX,
  type FeasibilityRecord,
} from '../../src/storage/issue-notes-store';
import { loseEveryRace, useEmulator } from '../helpers/emulator';
import { inInvocation } from '../helpers/invoke';

/**
 * The issue panel's notes in storage: the feasibility review (changed only against the version
 * read, a refusal kept with nothing written) and spike notes, read with the project's waivers or
 * many at once in one storage request.
 */
const ctx = useEmulator();
const at = '2026-11-20T10:00:00.000Z';
const run = <T>(fn: () => Promise<T>) => inInvocation(ctx.em, 'resolver', 'issue/panel', fn);
const note = (text: string) => ({ note: text, by: 'mia', at });
const review = (novel: boolean): Omit<FeasibilityRecord, 'version'> => ({
  novel,
  updatedBy: 'mia',
  updatedAt: at,
});

describe('spike notes', () => {
  it('are saved and read back by issue id; an empty note is refused', async () => {
    await run(() => saveSpikeNote('100', note('Use the CDN.')));
    await expect(run(() => readIssueNotes('100'))).resolves.toEqual({
      feasibility: undefined,
      spikeNote: note('Use the CDN.'),
    });
    await expect(run(() => saveSpikeNote('101', note('')))).rejects.toThrow();
    expect(ctx.em.kvs.peek(ISSUE_NOTE_KEYS.spikeNote('101'))).toBeUndefined();
  });

  it(`many at once in one request: duplicates once, the first ${SPIKE_NOTES_MAX} ids, missing left out`, async () => {
    const ids = Array.from({ length: SPIKE_NOTES_MAX + 2 }, (_, i) => String(100 + i));
    for (const id of ids) ctx.em.kvs.seed(ISSUE_NOTE_KEYS.spikeNote(id), note(`note ${id}`));
    ctx.em.kvs.unseed(ISSUE_NOTE_KEYS.spikeNote('101'));
    ctx.em.kvs.resetCounts();
    const notes = await run(() => readSpikeNotes(['100', '100', ...ids]));
    expect(ctx.em.kvs.reads()).toBe(1);
    expect([...notes.keys()]).toEqual(ids.slice(0, SPIKE_NOTES_MAX).filter((id) => id !== '101'));
    expect(notes.get('100')).toEqual(note('note 100'));
  });

  it('none asked: no storage request', async () => {
    ctx.em.kvs.resetCounts();
    await expect(run(() => readSpikeNotes([]))).resolves.toEqual(new Map());
    expect(ctx.em.kvs.total()).toBe(0);
  });
});

describe('the panel’s notes with the project’s waivers', () => {
  it('in one request; no waiver book is no waivers', async () => {
    ctx.em.kvs.seed(ISSUE_NOTE_KEYS.spikeNote('100'), note('n'));
    ctx.em.kvs.resetCounts();
    await expect(run(() => readIssueNotesAndWaivers('100', 'DT'))).resolves.toEqual({
      feasibility: undefined,
      spikeNote: note('n'),
      waivers: [],
    });
    expect(ctx.em.kvs.reads()).toBe(1);
  });

  it('the waivers of the book', async () => {
    const waiver = {
      issueId: '100',
      issueKey: 'DT-1',
      reason: 'Demo',
      grantedBy: 'mia',
      grantedAt: at,
      expiresOn: '2026-12-31',
    };
    ctx.em.kvs.seed(WAIVER_KEYS.book('DT'), { version: 1, waivers: [waiver] });
    const read = await run(() => readIssueNotesAndWaivers('100', 'DT'));
    expect(read.waivers).toHaveLength(1);
    expect(read.waivers[0]).toMatchObject({ issueKey: 'DT-1' });
  });
});

describe('the feasibility review', () => {
  it('a change is saved as the next version', async () => {
    const first = await run(() =>
      changeFeasibility('100', () => ({ ok: true, record: review(true) })),
    );
    expect(first).toEqual({ ok: true, record: { ...review(true), version: 1 } });
    await run(() =>
      changeFeasibility('100', (current) => ({
        ok: true,
        record: { ...review(false), updatedAt: current?.updatedAt ?? 'none' },
      })),
    );
    await expect(run(() => readFeasibility('100'))).resolves.toEqual({
      ...review(false),
      version: 2,
    });
  });

  it('a refused change answers its refusal and writes nothing', async () => {
    ctx.em.kvs.resetCounts();
    await expect(
      run(() => changeFeasibility('100', () => ({ ok: false, refusal: 'not novel' }))),
    ).resolves.toEqual({ ok: false, refusal: 'not novel' });
    expect(ctx.em.kvs.writes()).toBe(0);
    expect(ctx.em.kvs.peek(ISSUE_NOTE_KEYS.feasibility('100'))).toBeUndefined();
  });

  it('a review stored before versions had entities is read at the version it holds', async () => {
    ctx.em.kvs.seed(ISSUE_NOTE_KEYS.feasibility('100'), { ...review(true), version: 3 });
    const state = await run(() => readFeasibilityState('100'));
    expect(state.record).toEqual({ ...review(true), version: 3 });
    expect(state.read.version).toBe(3);
  });

  it('a change that loses every race: a conflict naming the feasibility review, nothing saved', async () => {
    const key = ISSUE_NOTE_KEYS.feasibility('100');
    loseEveryRace(ctx.em, key);
    await expect(
      run(() => changeFeasibility('100', () => ({ ok: true, record: review(true) }))),
    ).rejects.toThrow(`The feasibility review (${key}) changed 6 times`);
    expect(ctx.em.kvs.peek(key)).toBeUndefined();
  });

  it('two changes at once: both land, the second applied to the first’s result', async () => {
    await run(() => changeFeasibility('100', () => ({ ok: true, record: review(true) })));
    const signOff = (verdict: 'feasible' | 'needs-spike') => (current?: FeasibilityRecord) => ({
      ok: true as const,
      record: {
        ...(current ?? review(true)),
        signOff: { by: 'mia', at, verdict, note: `${current?.signOff?.verdict ?? 'none'} before` },
      },
    });
    await Promise.all([
      run(() => changeFeasibility('100', signOff('feasible'))),
      run(() => changeFeasibility('100', signOff('needs-spike'))),
    ]);
    const final = await run(() => readFeasibility('100'));
    expect(final?.version).toBe(3);
    expect(final?.signOff?.note).not.toBe('none before');
  });
});
