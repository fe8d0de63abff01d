/**
 * How the emulated Agile API (`/rest/agile/1.0/...`) labels its offset pages, selectable per
 * emulator (`em.agilePageStyle`) so a test can run the app under each. Sources and the app's
 * rule for each style: docs/emulator-paging.md.
 *
 * - `classic`: what each endpoint answered before styles existed, and what the contract's
 *   examples show: the sprint-issue page with `startAt`, `maxResults`, `total` (no `isLast`); the
 *   board's sprint list with `isLast` and no `total` (JRACLOUD-90676); the board list with both.
 * - `no-total`: `total` is left out of every page ("REST API consumers should also consider the
 *   field to be optional. This value may not be included in the response, if it is too expensive
 *   to calculate", Agile OpenAPI, Pagination); `isLast` is on every page.
 * - `no-total-no-isLast`: neither `total` nor `isLast` (both are "not returned for all
 *   operations", platform OpenAPI, Pagination); only `startAt` and `maxResults`. The only end
 *   signal left is the one the docs promise: "the requested page can be empty".
 *
 * Every style keeps the answer within the contract: the emulator checks it like any other.
 */

export type AgilePageStyle = 'classic' | 'no-total' | 'no-total-no-isLast';

export const AGILE_PAGE_STYLES: readonly AgilePageStyle[] = [
  'classic',
  'no-total',
  'no-total-no-isLast',
];

/** The largest Agile page by default (requests above it are clamped, as Jira does). */
export const AGILE_PAGE_MAX = 50;

/** Which paging fields an endpoint's page carries in the classic style. */
export interface ClassicPaging {
  total: boolean;
  isLast: boolean;
}

export interface OffsetPageMeta {
  startAt: number;
  maxResults: number;
  total?: number;
  isLast?: boolean;
}

/**
 * The paging fields of one offset page: `returned` items from `startAt` of a list of `size`,
 * as `style` labels them for an endpoint whose classic page carries `classic`.
 */
export function offsetPageMeta(
  style: AgilePageStyle,
  classic: ClassicPaging,
  page: { startAt: number; maxResults: number; returned: number; size: number },
): OffsetPageMeta {
  const isLast = page.startAt + page.returned >= page.size;
  const meta: OffsetPageMeta = { startAt: page.startAt, maxResults: page.maxResults };
  switch (style) {
    case 'classic':
      if (classic.total) meta.total = page.size;
      if (classic.isLast) meta.isLast = isLast;
      return meta;
    case 'no-total':
      meta.isLast = isLast;
      return meta;
    case 'no-total-no-isLast':
      return meta;
  }
}
