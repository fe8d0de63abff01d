import {
  isFinalPage,
  readOffsetPages,
  type OffsetPage,
  type OffsetPageMeta,
} from '../../src/jira/offset-paging';

/**
 * The rule that ends an offset-paged read (docs/emulator-paging.md): an empty page, `isLast`
 * where Jira gives it, or a short page that also reaches `total`; never `total` alone, never a
 * short page alone.
 */

describe('isFinalPage', () => {
  const cases: Array<[string, OffsetPageMeta, number, number, boolean]> = [
    // name, meta, startAt, returned, final?  (50 asked)
    ['an empty page, whatever else it says', { isLast: false, total: 900 }, 0, 0, true],
    ['isLast true', { isLast: true }, 0, 50, true],
    ['isLast false on a short page', { isLast: false }, 0, 10, false],
    ['isLast false although total is reached', { isLast: false, total: 10 }, 0, 10, false],
    ['isLast true although total says more', { isLast: true, total: 900 }, 0, 50, true],
    ['no isLast, no total, a short page', {}, 0, 10, false],
    ['no isLast, no total, a full page', {}, 0, 50, false],
    ['total reached by a short page', { total: 60, maxResults: 50 }, 50, 10, true],
    ['total reached by a full page (it may be stale)', { total: 50, maxResults: 50 }, 0, 50, false],
    ['a short page that does not reach total', { total: 60, maxResults: 50 }, 0, 10, false],
    [
      'a full page by the maxResults Jira answered (clamped to 20)',
      { total: 30, maxResults: 20 },
      0,
      20,
      false,
    ],
    ['short against the clamped maxResults', { total: 25, maxResults: 20 }, 20, 5, true],
  ];
  it.each(cases)('%s', (_name, meta, startAt, returned, final) => {
    expect(isFinalPage(meta, startAt, returned, 50)).toBe(final);
  });
});

/** A list of `size` items served in pages of at most `pageMax`, labelled by `label`. */
function list(
  size: number,
  label: (startAt: number, returned: number) => OffsetPageMeta,
  pageMax = 50,
): { fetchPage: (s: number, m: number) => Promise<OffsetPage<number>>; asked: number[][] } {
  const asked: number[][] = [];
  return {
    asked,
    fetchPage: (startAt, maxResults) => {
      asked.push([startAt, maxResults]);
      const n = Math.max(0, Math.min(maxResults, pageMax, size - startAt));
      const values = Array.from({ length: n }, (_, i) => startAt + i);
      return Promise.resolve({ meta: label(startAt, n), values });
    },
  };
}

describe('readOffsetPages', () => {
  const styles: Array<[string, (size: number) => (s: number, n: number) => OffsetPageMeta]> = [
    ['total', (size) => () => ({ maxResults: 50, total: size })],
    ['isLast', (size) => (s, n) => ({ maxResults: 50, isLast: s + n >= size })],
    ['neither', () => () => ({ maxResults: 50 })],
  ];

  it.each(styles)('with %s: reads every item of 0, 49, 50, 120 items', async (_n, style) => {
    for (const size of [0, 49, 50, 120]) {
      const source = list(size, style(size));
      const seen: number[] = [];
      const read = await readOffsetPages({
        fetchPage: source.fetchPage,
        pageSize: 50,
        maxPages: 20,
        onPage: (v) => seen.push(...v),
      });
      expect(seen).toEqual(Array.from({ length: size }, (_, i) => i));
      expect(read).toMatchObject({ stop: 'end', rest: { kind: 'none' }, read: size });
    }
  });

  it('calls: the end costs one empty page only when nothing else says it is the end', async () => {
    const calls = async (size: number, style: (typeof styles)[number][1]) =>
      (
        await readOffsetPages({
          fetchPage: list(size, style(size)).fetchPage,
          pageSize: 50,
          maxPages: 20,
          onPage: () => undefined,
        })
      ).calls;
    const [total, isLast, neither] = styles.map(([, s]) => s);
    // 120 items: 3 pages; a last page that is short and reaches total ends the read.
    expect([
      await calls(120, total!),
      await calls(120, isLast!),
      await calls(120, neither!),
    ]).toEqual([3, 3, 4]);
    // 100 items: the last page is full, so with total only an empty page confirms the end.
    expect([
      await calls(100, total!),
      await calls(100, isLast!),
      await calls(100, neither!),
    ]).toEqual([3, 2, 3]);
  });

  it('pages shorter than asked, with more to come, are followed to the end', async () => {
    const source = list(45, () => ({}), 7);
    const seen: number[] = [];
    const read = await readOffsetPages({
      fetchPage: source.fetchPage,
      pageSize: 50,
      maxPages: 20,
      onPage: (v) => seen.push(...v),
    });
    expect(seen).toHaveLength(45);
    expect(source.asked.map(([s]) => s)).toEqual([0, 7, 14, 21, 28, 35, 42, 45]);
    expect(read.stop).toBe('end');
  });

  it('a list that never ends stops at the page limit and says more follow', async () => {
    const endless = (startAt: number, maxResults: number) =>
      Promise.resolve({
        meta: {},
        values: Array.from({ length: maxResults }, (_, i) => startAt + i),
      });
    const read = await readOffsetPages({
      fetchPage: endless,
      pageSize: 50,
      maxPages: 5,
      onPage: () => undefined,
    });
    expect(read).toEqual({ calls: 6, read: 250, stop: 'page-limit', rest: { kind: 'more' } });
  });

  it('at the item limit: rest from total without a probe; from a probe when nothing says', async () => {
    const size = 130;
    const withTotal = list(size, () => ({ maxResults: 50, total: size }));
    const a = await readOffsetPages({
      ...withTotal,
      pageSize: 50,
      maxPages: 20,
      maxItems: 100,
      onPage: () => undefined,
    });
    expect(a).toEqual({
      calls: 2,
      read: 100,
      stop: 'item-limit',
      rest: { kind: 'counted', count: 30 },
    });

    const bare = list(size, () => ({ maxResults: 50 }));
    const b = await readOffsetPages({
      ...bare,
      pageSize: 50,
      maxPages: 20,
      maxItems: 100,
      onPage: () => undefined,
    });
    expect(b).toEqual({ calls: 3, read: 100, stop: 'item-limit', rest: { kind: 'more' } });
    expect(bare.asked.at(-1)).toEqual([100, 1]);

    const exact = list(100, () => ({ maxResults: 50 }));
    const c = await readOffsetPages({
      ...exact,
      pageSize: 50,
      maxPages: 20,
      maxItems: 100,
      onPage: () => undefined,
    });
    expect(c.rest).toEqual({ kind: 'none' });
  });
});
