import type { Waiver } from '../../src/domain/sprint-readiness';
import { KEYS, WAIVER_KEYS } from '../../src/storage/key-families';
import {
  changeWaivers,
  MAX_WAIVERS_PER_PROJECT,
  readWaivers,
  type WaiverChange,
} from '../../src/storage/waiver-store';
import { useEmulator } from '../helpers/emulator';
import { inInvocation } from '../helpers/invoke';

/**
 * The waiver book of a project: read as none when nothing is stored; a change sees only the
 * unexpired waivers and is saved as the next version; a refused change and one past the
 * project's limit write nothing; the first save over a book of the scheme before removes the
 * revision keys that scheme left.
 */
const ctx = useEmulator();
const now = new Date('2026-11-20T10:00:00.000Z');

const waiver = (n: number, expiresOn = '2026-12-01'): Waiver => ({
  issueId: String(10_000 + n),
  issueKey: `DT-${n}`,
  reason: `Agreed with the team (${n})`,
  expiresOn,
  grantedBy: 'lead',
  grantedAt: '2026-11-19T09:00:00.000Z',
});

const read = (projectKey = 'DT') =>
  inInvocation(ctx.em, 'resolver', 'waiver/list: readWaivers', () => readWaivers(projectKey));
const change = <T>(fn: (active: Waiver[]) => WaiverChange<T>, projectKey = 'DT') =>
  inInvocation(ctx.em, 'resolver', 'waiver/grant: changeWaivers', () =>
    changeWaivers(projectKey, now, fn),
  );
const add =
  (...more: Waiver[]) =>
  (active: Waiver[]): WaiverChange<number> => ({
    ok: true,
    waivers: [...active, ...more],
    detail: active.length,
  });

describe('the waiver book', () => {
  it('reads as no waivers when the project has none stored', async () => {
    await expect(read('NONE')).resolves.toEqual([]);
  });

  it('saves a change as the next version and hands it only the unexpired waivers', async () => {
    ctx.em.kvs.seed(WAIVER_KEYS.book('DT'), {
      version: 3,
      waivers: [waiver(1), waiver(2, '2026-11-19')],
    });
    const answer = await change(add(waiver(3)));
    // The change saw one active waiver: the expired one was dropped before it ran.
    expect(answer).toEqual({ ok: true, waivers: [waiver(1), waiver(3)], detail: 1 });
    expect(ctx.em.kvs.peek(WAIVER_KEYS.book('DT'))).toEqual({
      version: 4,
      waivers: [waiver(1), waiver(3)],
    });
    await expect(read()).resolves.toEqual([waiver(1), waiver(3)]);
  });

  it('writes nothing when the change refuses, and answers its refusal', async () => {
    ctx.em.kvs.seed(WAIVER_KEYS.book('DT'), { version: 2, waivers: [waiver(1)] });
    const refusal = { ok: false as const, code: 'not-found' as const, message: 'no DT-9 waiver' };
    await expect(change(() => refusal)).resolves.toEqual(refusal);
    expect(ctx.em.kvs.peek(WAIVER_KEYS.book('DT'))).toEqual({ version: 2, waivers: [waiver(1)] });
  });

  it(`holds at most ${MAX_WAIVERS_PER_PROJECT} active waivers a project, and exactly that many`, async () => {
    const full = Array.from({ length: MAX_WAIVERS_PER_PROJECT - 1 }, (_, i) => waiver(i + 1));
    ctx.em.kvs.seed(WAIVER_KEYS.book('DT'), { version: 1, waivers: full });
    const last = await change(add(waiver(MAX_WAIVERS_PER_PROJECT)));
    expect(last.ok).toBe(true);
    expect(await read()).toHaveLength(MAX_WAIVERS_PER_PROJECT);
    const over = await change(add(waiver(MAX_WAIVERS_PER_PROJECT + 1)));
    expect(over).toEqual({
      ok: false,
      code: 'full',
      message: `A project may have at most ${MAX_WAIVERS_PER_PROJECT} active waivers; revoke some first.`,
    });
    expect(await read()).toHaveLength(MAX_WAIVERS_PER_PROJECT);
    expect(ctx.em.kvs.peek(WAIVER_KEYS.book('DT'))).toMatchObject({ version: 2 });
  });

  it('removes the revision keys the scheme before left with its first save', async () => {
    const key = WAIVER_KEYS.book('DT');
    const stored = { version: 2, waivers: [waiver(1)] };
    ctx.em.kvs.seed(key, stored);
    ctx.em.kvs.seed(KEYS.revision(key, 2), stored);
    // A writer of the scheme before that stopped between its claim and its write.
    ctx.em.kvs.seed(KEYS.revision(key, 3), { version: 3, waivers: [waiver(1), waiver(7)] });
    const answer = await change(add(waiver(2)));
    expect(answer.ok).toBe(true);
    expect(ctx.em.kvs.peek(key)).toEqual({ version: 3, waivers: [waiver(1), waiver(2)] });
    expect(ctx.em.kvs.peek(KEYS.revision(key, 2))).toBeUndefined();
    expect(ctx.em.kvs.peek(KEYS.revision(key, 3))).toBeUndefined();
  });
});
