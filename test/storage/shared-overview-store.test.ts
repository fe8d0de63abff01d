import { PAGE_CACHE_KEYS } from '../../src/storage/key-families';
import {
  MAX_FILLS,
  MAX_PARTS,
  PART_MAX_BYTES,
  cutIntoParts,
  readFillText,
  sharedHeadOf,
  storeFill,
  type Fill,
  type SharedHead,
} from '../../src/storage/shared-overview-store';
import { STORAGE_ONLY, useEmulator } from '../helpers/emulator';

/**
 * The shared overview's storage on its own: page text cut into parts that fit a stored value,
 * fills written with lifetimes that outlast their use a little, a head that keeps one fill per
 * audience, and a fill whose part is gone read as nothing.
 */
const ctx = useEmulator(STORAGE_ONLY);

const start = 1_800_000_000_000;
let clock = start;
beforeEach(() => {
  clock = start;
  ctx.em.kvs.now = () => clock;
});
const now = () => new Date(clock);
const inSeconds = (s: number) => new Date(start + s * 1000).toISOString();
const stored = (part: string) => Buffer.byteLength(JSON.stringify(part));
const audience = (n: number) => n.toString(16).padStart(16, '0');
const fill = (n: number, expiresIn: number): Omit<Fill, 'writeId' | 'parts'> => ({
  audience: audience(n),
  stamp: 'f'.repeat(16),
  filledAt: inSeconds(0),
  expiresAt: inSeconds(expiresIn),
});
const EMPTY: SharedHead = { version: 1, fills: [] };
const headNow = () => sharedHeadOf('DT', ctx.em.kvs.peek(PAGE_CACHE_KEYS.head('DT')));

describe('cutting page text into parts', () => {
  it('no text is no part; text that fits is one part, up to exactly the limit', () => {
    expect(cutIntoParts('')).toEqual([]);
    expect(cutIntoParts('{"a":1}')).toEqual(['{"a":1}']);
    const exact = 'x'.repeat(PART_MAX_BYTES - 2);
    expect(stored(exact)).toBe(PART_MAX_BYTES);
    expect(cutIntoParts(exact)).toEqual([exact]);
    expect(cutIntoParts(`${exact}y`)).toHaveLength(2);
  });

  it('longer text: parts within the limit as stored, joined back exactly', () => {
    const text = `${'"quoted" \\ '.repeat(30_000)}${'é'.repeat(100_000)}`;
    const parts = cutIntoParts(text);
    expect(parts.length).toBeGreaterThan(2);
    for (const part of parts) expect(stored(part)).toBeLessThanOrEqual(PART_MAX_BYTES);
    expect(parts.join('')).toBe(text);
  });

  it('keeps a surrogate pair whole where a cut falls inside it', () => {
    // U+10000, the lowest pair (high half 0xD800), and U+10FFFF (high half 0xDBFF).
    for (const pair of ['\u{10000}', '\u{10FFFF}']) {
      // A part too long as stored is cut to three quarters of the limit: the pair sits there.
      const cut = Math.floor(PART_MAX_BYTES * 0.75);
      const text = `${'x'.repeat(cut - 1)}${pair}${'y'.repeat(PART_MAX_BYTES)}`;
      const parts = cutIntoParts(text);
      expect(parts.join('')).toBe(text);
      for (const part of parts) {
        const last = part.charCodeAt(part.length - 1);
        expect(last >= 0xd800 && last <= 0xdbff).toBe(false);
      }
      expect(parts[0]).toHaveLength(cut - 1);
      expect(parts[1]?.startsWith(pair)).toBe(true);
    }
  });
});

describe('storing a fill', () => {
  it('writes its parts and a head naming it, and reads it back whole', async () => {
    const text = 'z'.repeat(PART_MAX_BYTES * 2);
    await expect(storeFill('DT', EMPTY, fill(1, 60), text, now())).resolves.toBe(true);
    const head = headNow();
    expect(head.fills).toHaveLength(1);
    expect(head.fills[0]).toMatchObject({ audience: audience(1), parts: 3 });
    await expect(readFillText('DT', head.fills[0]!)).resolves.toBe(text);
  });

  it(`refuses a page of more than ${MAX_PARTS} parts, writing nothing`, async () => {
    const most = 'z'.repeat(Math.floor(PART_MAX_BYTES * 0.75) * MAX_PARTS);
    expect(cutIntoParts(most).length).toBe(MAX_PARTS);
    await expect(storeFill('DT', EMPTY, fill(1, 60), most, now())).resolves.toBe(true);
    ctx.em.kvs.resetCounts();
    const over = `${most}${'z'.repeat(PART_MAX_BYTES)}`;
    expect(cutIntoParts(over).length).toBeGreaterThan(MAX_PARTS);
    await expect(storeFill('DT', EMPTY, fill(2, 60), over, now())).resolves.toBe(false);
    await expect(storeFill('DT', EMPTY, fill(3, 60), '', now())).resolves.toBe(false);
    expect(ctx.em.kvs.writes()).toBe(0);
  });

  it('parts outlive their fill by 30 s; the head outlives its longest fill by 30 s', async () => {
    await storeFill('DT', EMPTY, fill(1, 120), 'long-lived', now());
    await storeFill('DT', headNow(), fill(2, 60), 'short-lived', now());
    const [short] = headNow().fills;
    expect(short?.audience).toBe(audience(2));
    const partKey = PAGE_CACHE_KEYS.part('DT', short!.writeId, 0);
    clock = start + 89_000;
    expect(ctx.em.kvs.peek(partKey)).toBe('short-lived');
    clock = start + 91_000;
    expect(ctx.em.kvs.peek(partKey)).toBeUndefined();
    clock = start + 149_000;
    expect(ctx.em.kvs.peek(PAGE_CACHE_KEYS.head('DT'))).toBeDefined();
    clock = start + 151_000;
    expect(ctx.em.kvs.peek(PAGE_CACHE_KEYS.head('DT'))).toBeUndefined();
  });

  it(`keeps one fill per audience, the newest first, no expired ones, at most ${MAX_FILLS}`, async () => {
    await storeFill('DT', EMPTY, fill(1, 60), 'a', now());
    await storeFill('DT', headNow(), fill(2, 600), 'b', now());
    await storeFill('DT', headNow(), fill(1, 600), 'a again', now());
    expect(headNow().fills.map((f) => f.audience)).toEqual([audience(1), audience(2)]);
    clock = start + 61_000;
    await storeFill('DT', headNow(), { ...fill(3, 700), filledAt: inSeconds(61) }, 'c', now());
    for (let n = 4; n < 4 + MAX_FILLS; n++) {
      await storeFill('DT', headNow(), fill(n, 700), String(n), now());
    }
    const audiences = headNow().fills.map((f) => f.audience);
    expect(audiences).toHaveLength(MAX_FILLS);
    expect(audiences[0]).toBe(audience(3 + MAX_FILLS));
  });

  it('a fill whose part is gone, or is not text, reads as nothing', async () => {
    await storeFill('DT', EMPTY, fill(1, 60), 'y'.repeat(PART_MAX_BYTES * 2), now());
    const [only] = headNow().fills;
    ctx.em.kvs.seed(PAGE_CACHE_KEYS.part('DT', only!.writeId, 1), { not: 'text' });
    await expect(readFillText('DT', only!)).resolves.toBeUndefined();
    ctx.em.kvs.unseed(PAGE_CACHE_KEYS.part('DT', only!.writeId, 1));
    await expect(readFillText('DT', only!)).resolves.toBeUndefined();
  });

  it('an unreadable or missing head is no fills', () => {
    expect(sharedHeadOf('DT', undefined)).toEqual(EMPTY);
    expect(sharedHeadOf('DT', { version: 2, fills: 'x' })).toEqual(EMPTY);
  });
});
