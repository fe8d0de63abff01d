import { AUDIT_KEYS } from '../../src/storage/key-families';
import {
  AUDIT_MAX,
  AUDIT_PAGE_MAX,
  appendAudit,
  listAudit,
  readAuditHead,
  type NewAuditEntry,
} from '../../src/storage/audit-store';
import { useEmulator } from '../helpers/emulator';
import { inInvocation } from '../helpers/invoke';

/**
 * A project's audit log: each entry takes the first free sequence number (an appender that read
 * the head long ago overwrites nothing), the head only moves forward, the log keeps its newest
 * AUDIT_MAX entries and counts the dropped ones, and pages are read newest first.
 */
const ctx = useEmulator();
const run = <T>(fn: () => Promise<T>) => inInvocation(ctx.em, 'trigger', 'sprint-guard', fn);
const entry = (n: number): NewAuditEntry => ({
  at: '2026-11-20T10:00:00.000Z',
  action: 'moved-back',
  source: 'sprint-guard',
  rule: 'scoped-outcome',
  issueId: String(100 + n),
  issueKey: `DT-${n}`,
  actor: null,
  detail: `entry ${n}`,
});
const append = async (...ns: number[]) => {
  const head = await run(() => readAuditHead('DT'));
  return run(() => appendAudit('DT', head, ns.map(entry)));
};
const page = (cursor: string | undefined, limit: number) =>
  run(() => listAudit('DT', cursor, limit));
const details = (p: { entries: Array<{ detail: string }> }) => p.entries.map((e) => e.detail);

describe('appending to the audit log', () => {
  it('numbers entries in order and moves the head past them', async () => {
    await expect(append(0, 1)).resolves.toMatchObject({ next: 2, oldest: 0, dropped: 0 });
    await expect(append(2)).resolves.toMatchObject({ next: 3, revision: 2 });
    expect(ctx.em.kvs.peek(AUDIT_KEYS.entry('DT', 2))).toMatchObject({ seq: 2, detail: 'entry 2' });
  });

  it('an appender that read the head before others appended takes the next free numbers', async () => {
    const stale = await run(() => readAuditHead('DT'));
    await append(0, 1);
    const head = await run(() => appendAudit('DT', stale, [entry(2)]));
    expect(head).toMatchObject({ next: 3 });
    expect(details(await page(undefined, 10))).toEqual(['entry 2', 'entry 1', 'entry 0']);
  });

  it('two appenders at once: every entry kept', async () => {
    const head = await run(() => readAuditHead('DT'));
    await Promise.all([
      run(() => appendAudit('DT', head, [entry(0), entry(1)])),
      run(() => appendAudit('DT', head, [entry(2)])),
    ]);
    expect(details(await page(undefined, 10)).sort()).toEqual(['entry 0', 'entry 1', 'entry 2']);
    expect((await run(() => readAuditHead('DT'))).head.next).toBe(3);
  });

  it(`keeps the newest ${AUDIT_MAX} entries, removing and counting the ones it drops`, async () => {
    await append(...Array.from({ length: AUDIT_MAX }, (_, i) => i));
    const head = await append(AUDIT_MAX, AUDIT_MAX + 1, AUDIT_MAX + 2);
    expect(head).toMatchObject({ next: AUDIT_MAX + 3, oldest: 3, dropped: 3 });
    expect(ctx.em.kvs.peek(AUDIT_KEYS.entry('DT', 2))).toBeUndefined();
    expect(ctx.em.kvs.peek(AUDIT_KEYS.entry('DT', 3))).toMatchObject({ seq: 3 });
    const first = await page(undefined, 1);
    expect(first).toMatchObject({ kept: AUDIT_MAX, dropped: 3 });
  });
});

describe('appending past taken numbers', () => {
  /** Entries written by appenders whose head moves never landed: numbers 0 to n-1 are taken. */
  const takeNumbers = (n: number) => {
    for (let seq = 0; seq < n; seq++) {
      ctx.em.kvs.seed(AUDIT_KEYS.entry('DT', seq), { version: 1, seq, ...entry(500 + seq) });
    }
  };

  it('skips up to 51 taken numbers to the first free one', async () => {
    takeNumbers(51);
    await expect(append(1)).resolves.toMatchObject({ next: 52 });
    expect(ctx.em.kvs.peek(AUDIT_KEYS.entry('DT', 51))).toMatchObject({ detail: 'entry 1' });
  });

  it('gives up naming the log when 52 numbers in a row are taken, and moves no head', async () => {
    takeNumbers(52);
    await expect(append(1)).rejects.toThrow('audit log of DT: no free sequence number');
    expect(ctx.em.kvs.peek(AUDIT_KEYS.head('DT'))).toBeUndefined();
  });

  it('an append of nothing, or behind a head already past it, writes no head', async () => {
    await append(0, 1);
    const stale = await run(() => readAuditHead('DT'));
    ctx.em.kvs.resetCounts();
    await expect(run(() => appendAudit('DT', stale, []))).resolves.toMatchObject({
      next: 2,
      revision: 1,
    });
    expect(ctx.em.kvs.writes()).toBe(0);
  });

  it('counts every entry dropped over several appends', async () => {
    await append(...Array.from({ length: AUDIT_MAX }, (_, i) => i));
    await append(AUDIT_MAX, AUDIT_MAX + 1);
    const head = await append(AUDIT_MAX + 2, AUDIT_MAX + 3, AUDIT_MAX + 4);
    expect(head).toMatchObject({ next: AUDIT_MAX + 5, oldest: 5, dropped: 5 });
  });
});

describe('reading the audit log', () => {
  it('shows no entry below the oldest, nor a number whose entry is gone', async () => {
    await append(...Array.from({ length: AUDIT_MAX + 2 }, (_, i) => i));
    // A removal of a dropped entry that did not happen, and an entry lost from the middle.
    ctx.em.kvs.seed(AUDIT_KEYS.entry('DT', 1), { version: 1, seq: 1, ...entry(1) });
    ctx.em.kvs.unseed(AUDIT_KEYS.entry('DT', AUDIT_MAX));
    const all: string[] = [];
    let cursor: string | undefined;
    do {
      const p = await page(cursor, 7);
      for (const e of p.entries) expect(e).toMatchObject({ version: 1, action: 'moved-back' });
      all.push(...details(p));
      cursor = p.nextCursor;
    } while (cursor !== undefined);
    expect(all).toHaveLength(AUDIT_MAX - 1);
    expect(all).not.toContain('entry 1');
    expect(all).not.toContain(`entry ${AUDIT_MAX}`);
    expect(all.at(-1)).toBe('entry 2');
  });

  it('a cursor past the newest reads as many entries as the page holds', async () => {
    await append(0, 1, 2, 3);
    const p = await page('99', 3);
    expect(details(p)).toEqual(['entry 3', 'entry 2', 'entry 1']);
    expect(p.nextCursor).toBe('0');
  });

  it('newest first in pages, each naming where the next starts, none after the oldest', async () => {
    await append(0, 1, 2, 3, 4);
    const first = await page(undefined, 2);
    expect(details(first)).toEqual(['entry 4', 'entry 3']);
    expect(first.nextCursor).toBe('2');
    const second = await page(first.nextCursor, 2);
    expect(details(second)).toEqual(['entry 2', 'entry 1']);
    const last = await page(second.nextCursor, 2);
    expect(details(last)).toEqual(['entry 0']);
    expect(last.nextCursor).toBeUndefined();
    expect(last).toMatchObject({ kept: 5, dropped: 0 });
  });

  it(`pages of at least one and at most ${AUDIT_PAGE_MAX} entries`, async () => {
    await append(...Array.from({ length: AUDIT_PAGE_MAX + 5 }, (_, i) => i));
    expect((await page(undefined, 1_000)).entries).toHaveLength(AUDIT_PAGE_MAX);
    expect((await page(undefined, 0)).entries).toHaveLength(1);
  });

  it('a cursor past the newest starts at the newest; an empty log is an empty page', async () => {
    await expect(page(undefined, 10)).resolves.toEqual({
      entries: [],
      nextCursor: undefined,
      kept: 0,
      dropped: 0,
    });
    await append(0, 1);
    expect(details(await page('99', 10))).toEqual(['entry 1', 'entry 0']);
  });
});
