import { PAGE_CACHE_KEYS } from '../../src/storage/key-families';
import {
  EMPTY_PAGE_SITE,
  forgetPageSite,
  pageSiteOf,
  rememberedEstimation,
  rememberedRankField,
  rememberedTypes,
  savePageSite,
  SITE_MAX_AGE_MS,
  type PageSite,
} from '../../src/storage/page-cache-store';
import {
  cutIntoParts,
  markProjectsWritten,
  MAX_FILLS,
  MAX_PARTS,
  PART_MAX_BYTES,
  readFillText,
  sharedHeadOf,
  storeFill,
  type SharedHead,
} from '../../src/storage/shared-overview-store';
import { useEmulator } from '../helpers/emulator';
import { inInvocation } from '../helpers/invoke';

/**
 * What the project page keeps in storage: the site's shape (issue types, boards' estimation and
 * Rank fields) used while fresh, and shared overviews cut into parts below the value limit, one
 * fill per audience, expired ones dropped, the newest kept.
 */
const ctx = useEmulator();
const now = new Date('2026-11-20T10:00:00.000Z');
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
const run = <T>(fn: () => Promise<T>) => inInvocation(ctx.em, 'resolver', 'project/page', fn);

describe('the remembered site shape', () => {
  const site = (savedAt: string): PageSite => ({
    version: 1,
    issueTypes: { projectId: '10000', savedAt, types: [{ id: '1', name: 'Story' }] },
    boards: {
      '7': { savedAt, estimation: { fieldId: 'customfield_10016', displayName: 'Points' } },
      '8': { savedAt, estimation: null, rankFieldId: null },
      '9': { savedAt, estimation: null, rankFieldId: 'customfield_10019' },
    },
  });

  it('is used while younger than the maximum age', () => {
    const fresh = site(ago(SITE_MAX_AGE_MS - 1));
    expect(rememberedTypes(fresh, '10000', now)).toEqual([{ id: '1', name: 'Story' }]);
    expect(rememberedEstimation(fresh, 7, now)).toEqual({
      fieldId: 'customfield_10016',
      displayName: 'Points',
    });
    expect(rememberedEstimation(fresh, 8, now)).toBeNull();
    expect(rememberedRankField(fresh, 9, now)).toBe('customfield_10019');
    expect(rememberedTypes(site(ago(0)), '10000', now)).toHaveLength(1);
  });

  it('is asked for again once as old as the maximum age, or dated in the future', () => {
    for (const stale of [site(ago(SITE_MAX_AGE_MS)), site(ago(-1))]) {
      expect(rememberedTypes(stale, '10000', now)).toBeUndefined();
      expect(rememberedEstimation(stale, 7, now)).toBeUndefined();
      expect(rememberedRankField(stale, 9, now)).toBeUndefined();
    }
  });

  it('knows nothing of another project’s types, a board not seen, or a Rank field not named', () => {
    const fresh = site(ago(0));
    expect(rememberedTypes(fresh, '10001', now)).toBeUndefined();
    expect(rememberedEstimation(fresh, 6, now)).toBeUndefined();
    expect(rememberedRankField(fresh, 6, now)).toBeUndefined();
    expect(rememberedRankField(fresh, 8, now)).toBeUndefined();
    expect(rememberedRankField(fresh, 7, now)).toBeUndefined();
    expect(rememberedTypes(EMPTY_PAGE_SITE, '10000', now)).toBeUndefined();
  });

  it('unreadable or missing: nothing remembered (Jira is asked), not an error', () => {
    expect(pageSiteOf('DT', { version: 2 })).toEqual(EMPTY_PAGE_SITE);
    expect(pageSiteOf('DT', undefined)).toEqual(EMPTY_PAGE_SITE);
    expect(pageSiteOf('DT', site(ago(0)))).toEqual(site(ago(0)));
  });

  it('is saved, read back and forgotten', async () => {
    await run(() => savePageSite('DT', site(ago(0))));
    expect(pageSiteOf('DT', ctx.em.kvs.peek(PAGE_CACHE_KEYS.site('DT')))).toEqual(site(ago(0)));
    await run(() => forgetPageSite('DT'));
    expect(ctx.em.kvs.peek(PAGE_CACHE_KEYS.site('DT'))).toBeUndefined();
  });
});

describe('cutting a page into parts', () => {
  const storedBytes = (part: string) => Buffer.byteLength(JSON.stringify(part));

  it('a small page is one part; an empty one none', () => {
    expect(cutIntoParts('{"a":1}')).toEqual(['{"a":1}']);
    expect(cutIntoParts('')).toEqual([]);
  });

  it('a large page: parts within the limit as stored, joined back exactly', () => {
    const text = 'x'.repeat(PART_MAX_BYTES * 2 + 10);
    const parts = cutIntoParts(text);
    expect(parts.length).toBeGreaterThanOrEqual(3);
    expect(parts.join('')).toBe(text);
    for (const p of parts) expect(storedBytes(p)).toBeLessThanOrEqual(PART_MAX_BYTES);
  });

  it('text that grows when stored (quotes, wide characters) is cut smaller', () => {
    const text = '"é'.repeat(PART_MAX_BYTES / 2);
    const parts = cutIntoParts(text);
    expect(parts.length).toBeGreaterThan(2);
    expect(parts.join('')).toBe(text);
    for (const p of parts) expect(storedBytes(p)).toBeLessThanOrEqual(PART_MAX_BYTES);
  });

  it('keeps a surrogate pair whole at a cut', () => {
    // A first cut of the whole limit is too large as stored; it is cut to three quarters, which
    // here would end between the two halves of the emoji.
    const cut = Math.floor(PART_MAX_BYTES * 0.75);
    const text = `${'x'.repeat(cut - 1)}😀${'y'.repeat(PART_MAX_BYTES)}`;
    const parts = cutIntoParts(text);
    expect(parts.join('')).toBe(text);
    expect(parts[0]).toHaveLength(cut - 1);
    expect(parts[1]?.startsWith('😀')).toBe(true);
    const lone = /[\uD800-\uDBFF]$|^[\uDC00-\uDFFF]/;
    for (const p of parts) expect(lone.test(p)).toBe(false);
  });
});

describe('shared fills', () => {
  const fill = (audience: string, minutes: number) => ({
    audience: audience.repeat(16),
    stamp: 'f'.repeat(16),
    filledAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + minutes * 60_000).toISOString(),
  });
  const store = (head: SharedHead, audience: string, text: string, minutes = 1) =>
    run(() => storeFill('DT', head, fill(audience, minutes), text, now));
  const head = () => sharedHeadOf('DT', ctx.em.kvs.peek(PAGE_CACHE_KEYS.head('DT')));

  it('are stored in parts and read back whole', async () => {
    ctx.em.kvs.now = () => now.getTime();
    const text = 'p'.repeat(PART_MAX_BYTES + 5);
    await expect(store(head(), 'a', text)).resolves.toBe(true);
    const [stored] = head().fills;
    expect(stored).toMatchObject({ audience: 'a'.repeat(16), parts: 2 });
    await expect(run(() => readFillText('DT', stored!))).resolves.toBe(text);
  });

  it('a fill whose part is gone reads as nothing', async () => {
    ctx.em.kvs.now = () => now.getTime();
    await store(head(), 'a', 'page');
    const [stored] = head().fills;
    ctx.em.kvs.unseed(PAGE_CACHE_KEYS.part('DT', stored!.writeId, 0));
    await expect(run(() => readFillText('DT', stored!))).resolves.toBeUndefined();
  });

  it('one per audience, the newest first; expired ones dropped; at most MAX_FILLS', async () => {
    ctx.em.kvs.now = () => now.getTime();
    await store(head(), 'a', 'first a');
    await store(head(), 'b', 'b');
    await store(head(), 'a', 'second a');
    expect(head().fills.map((f) => f.audience[0])).toEqual(['a', 'b']);
    await expect(run(() => readFillText('DT', head().fills[0]!))).resolves.toBe('second a');
    const expired: SharedHead = {
      version: 1,
      fills: [{ ...head().fills[1]!, expiresAt: now.toISOString() }],
    };
    await store(expired, 'c', 'c');
    expect(head().fills.map((f) => f.audience[0])).toEqual(['c']);
    for (const a of '0123456789') await store(head(), a, a);
    expect(head().fills).toHaveLength(MAX_FILLS);
    expect(head().fills[0]?.audience[0]).toBe('9');
  });

  it('a page too large to share is not stored at all', async () => {
    ctx.em.kvs.resetCounts();
    const text = 'x'.repeat(PART_MAX_BYTES * MAX_PARTS + 1);
    await expect(store(head(), 'a', text)).resolves.toBe(false);
    expect(ctx.em.kvs.writes()).toBe(0);
  });

  it('an unreadable head is no fills', () => {
    expect(sharedHeadOf('DT', { version: 1, fills: 'x' })).toEqual({ version: 1, fills: [] });
  });
});

describe('marking projects written', () => {
  it('once per project, and a failed mark is returned, not thrown', async () => {
    ctx.em.kvs.resetCounts();
    ctx.em.kvs.failWrites(503, 1);
    const errors = await run(() => markProjectsWritten(['DT', 'DT', 'OPS'], now));
    expect(errors).toHaveLength(1);
    expect(ctx.em.kvs.writes()).toBe(2);
    expect(ctx.em.kvs.peek(PAGE_CACHE_KEYS.written('DT'))).toBeUndefined();
    expect(ctx.em.kvs.peek(PAGE_CACHE_KEYS.written('OPS'))).toMatchObject({
      at: now.toISOString(),
    });
  });
});
