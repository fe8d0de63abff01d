import { z } from 'zod';

/**
 * Reading one of Jira's offset-paged lists (`startAt` / `maxResults`, the Agile API's boards,
 * sprints and sprint issues) to its end by what Jira documents, without relying on `total`:
 * More: docs/internals.md#jira-offset-paging-ts.
 */

/** The paging fields of an offset page, each optional (zod shape to spread into a page schema). */
export const OFFSET_PAGE_FIELDS = {
  startAt: z.number().optional(),
  maxResults: z.number().optional(),
  total: z.number().optional(),
  isLast: z.boolean().optional(),
};

export interface OffsetPageMeta {
  maxResults?: number | undefined;
  total?: number | undefined;
  isLast?: boolean | undefined;
}

/**
 * Whether the read ends after a page that returned `returned` items from `startAt`, `asked`
 * being the `maxResults` requested:
 * 1. an empty page ends it (Jira: "the requested page can be empty"; offset paging cannot go on
 *    from a page that returned nothing);
 * 2. otherwise `isLast`, when Jira gives it, decides;
 * 3. otherwise a page ends the read only when two signals agree: it is shorter than the page
 *    size and it reaches `total`. `total` alone never ends a read (it may be stale) and a short
 *    page alone never does (Jira may return fewer with more to come); with neither `isLast` nor
 *    `total`, the read goes on to an empty page.
 */
export function isFinalPage(
  meta: OffsetPageMeta,
  startAt: number,
  returned: number,
  asked: number,
): boolean {
  if (returned === 0) return true;
  if (meta.isLast !== undefined) return meta.isLast;
  if (meta.total === undefined) return false;
  const pageSize = Math.min(asked, meta.maxResults ?? asked);
  return returned < pageSize && startAt + returned >= meta.total;
}

/** What is known of the items a read left unread. */
export type OffsetRest =
  /** None: the list was read to its end. */
  | { kind: 'none' }
  /** Jira's `total` says how many more there are (a count at that moment). */
  | { kind: 'counted'; count: number }
  /** At least one more; Jira gave no count. */
  | { kind: 'more' };

export interface OffsetRead {
  /** Jira requests made, the probe included. */
  calls: number;
  /** Items returned by the pages read. */
  read: number;
  /** Why reading stopped: the list's end, `maxItems`, or `maxPages` (the endless-loop guard). */
  stop: 'end' | 'item-limit' | 'page-limit';
  rest: OffsetRest;
}

export interface OffsetPage<T> {
  meta: OffsetPageMeta;
  values: readonly T[];
}

/**
 * Reads an offset-paged list page by page (`pageSize` asked each time), handing each page's
 * items to `onPage`, until isFinalPage says the list ended, `maxItems` items were read, or
 * `maxPages` pages were read. When a limit stops it and neither `isLast` nor `total` of the last
 * page says that more follow, one probe of a single item finds out, so `rest` is never a guess.
 */
export async function readOffsetPages<T>(args: {
  fetchPage: (startAt: number, maxResults: number) => Promise<OffsetPage<T>>;
  pageSize: number;
  maxPages: number;
  maxItems?: number;
  onPage: (values: readonly T[]) => void;
}): Promise<OffsetRead> {
  let startAt = 0;
  let calls = 0;
  let last: OffsetPageMeta = {};
  for (;;) {
    const stop =
      args.maxItems !== undefined && startAt >= args.maxItems
        ? 'item-limit'
        : calls >= args.maxPages
          ? 'page-limit'
          : undefined;
    if (stop) {
      const rest = await restAfter(last, startAt, async () => {
        calls += 1;
        return args.fetchPage(startAt, 1);
      });
      return { calls, read: startAt, stop, rest };
    }
    const page = await args.fetchPage(startAt, args.pageSize);
    calls += 1;
    args.onPage(page.values);
    const final = isFinalPage(page.meta, startAt, page.values.length, args.pageSize);
    startAt += page.values.length;
    last = page.meta;
    if (final) return { calls, read: startAt, stop: 'end', rest: { kind: 'none' } };
  }
}

async function restAfter<T>(
  last: OffsetPageMeta,
  startAt: number,
  probe: () => Promise<OffsetPage<T>>,
): Promise<OffsetRest> {
  const counted = (meta: OffsetPageMeta): OffsetRest =>
    meta.total !== undefined && meta.total > startAt
      ? { kind: 'counted', count: meta.total - startAt }
      : { kind: 'more' };
  // More follow when isLast says so, or when total (a hint here, used only for the count) does.
  if (last.isLast === false || (last.total !== undefined && last.total > startAt)) {
    return counted(last);
  }
  const next = await probe();
  return next.values.length === 0 ? { kind: 'none' } : counted(next.meta);
}
