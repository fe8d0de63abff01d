/**
 * The bench's arithmetic, kept pure so that jest can check it (test/bench/bench-smoke.test.ts):
 * the latency model, the independent lower bound of a
 * project page's calls given each endpoint's documented page, and budget lines.
 */

/**
 * The latency model (docs/costs.md, "Latency model"): a Jira call takes a fixed time plus a
 * time per object its answer returns. Atlassian publishes no latency figures; the per-object
 * term follows its rate-limiting page, which charges each call "based on the complexity and
 * amount of data involved" (1 point, plus 1 per issue returned), and the search contract, which
 * returns fewer items per page "where a large number of fields are requested".
 */
export interface CallLatency {
  /** Fixed time of one call (the budgets' "100 ms per call"). */
  perCallMs: number;
  /** Time per issue the answer returns (assumed, see docs/costs.md). */
  perObjectMs: number;
}

export function callMs(latency: CallLatency, objects: number): number {
  return latency.perCallMs + latency.perObjectMs * objects;
}

/** Documented page sizes and rates the lower bound may use (see docs/costs.md for sources). */
export interface PageLimits {
  /** POST /rest/api/3/search/jql with fields beyond id/key: 100 issues a page. */
  searchWithFields: number;
  /** GET /rest/agile/1.0/board/{id}/sprint: 50 sprints a page. */
  agile: number;
  /** Steady POST requests per second to one endpoint (the per-second rate limit: 100). */
  postPerSecond: number;
}

/** What the page needs, computed from the data (dev/bench/page-variants.ts, `neededItems`). */
export interface PageNeeds {
  /** Distinct issues the page shows or its signals need. */
  items: number;
  /** Lists shown only by their count beyond what is listed (one count request each). */
  counts: number;
  /**
   * The same with the unscoped backlog (src/project-page/backlog-read.ts) and the connected
   * spaces' quiet ideas (src/project-page/ideas-count.ts) counted: only what the page lists of
   * them (of the backlog, its first and most idle items), and their counts. Absent: nothing
   * the page counts instead of reading.
   */
  counted?: { items: number; counts: number } | undefined;
  /** Every open item plus velocity's done items (what reading everything returns). */
  everyItem: number;
  /** Active and closed sprints of the board. */
  sprints: number;
  hasBoard: boolean;
}

/** One way of reading what the page needs, priced. */
export interface Strategy {
  name: string;
  total: number;
  parts: Record<string, number>;
  /** Issues it returns (points: 1 per request, 1 per issue, 2 for the permission read). */
  issues: number;
}

export interface LowerBound {
  /** The fewest requests of any strategy below. */
  total: number;
  points: number;
  /** The least time the latency model allows (see independentLowerBound). */
  modelledMs: number;
  parts: Record<string, number>;
  strategy: string;
  strategies: Strategy[];
}

const pages = (n: number, size: number): number => (n <= 0 ? 1 : Math.ceil(n / size));
const sum = (parts: Record<string, number>): number =>
  Object.values(parts).reduce((a, b) => a + b, 0);

/**
 * An independent lower bound of the project page's Jira calls, from the data and the
 * documented page sizes only, not from the app's own plan: the fewest requests that return the
 * items the page shows and its signals need, as if one query could ask for exactly those.
 *
 * - `exact items`: the permission check (every resolver checks its caller), the board's sprints
 *   (one request per agile page; no board lookup: a Scrum board known from an earlier load is
 *   read straight away, its sprint read checking the viewer may see it, src/project-page/
 *   board-pick.ts), the needed items at the search's largest page with fields, and one count
 *   request per list shown only by its count.
 * - `exact items, counted`: the same, with only what the page lists of the unscoped backlog
 *   (its first items and most idle ones) and of the spaces' quiet ideas, and their counts
 *   (what the page needs of them at the least).
 * - `every item`: the same fixed reads, then every open item and velocity's done items; no
 *   counts (each list is read to its end).
 *
 * Points: 1 per request, 1 per issue returned, 2 for the one permission the check returns (an
 * identity object). Time: two dependent rounds (the permission check and the sprints, which
 * the velocity read needs; every issue page and count at once, but no faster than the
 * per-second rate allows), each a full page's latency.
 */
export function independentLowerBound(
  needs: PageNeeds,
  limits: PageLimits,
  latency: CallLatency,
): LowerBound {
  const fixed: Record<string, number> = {
    permissions: 1,
    sprints: needs.hasBoard ? pages(needs.sprints, limits.agile) : 0,
    projectName: needs.hasBoard ? 0 : 1,
  };
  const exactOf = (items: number, counts: number) => ({
    ...fixed,
    issuePages: pages(items, limits.searchWithFields),
    counts,
  });
  const exact = exactOf(needs.items, needs.counts);
  const every = { ...fixed, issuePages: pages(needs.everyItem, limits.searchWithFields) };
  const { counted } = needs;
  const lean = counted ? exactOf(counted.items, counted.counts) : undefined;
  const strategies: Strategy[] = [
    { name: 'exact items', total: sum(exact), parts: exact, issues: needs.items },
    ...(lean && counted
      ? [
          {
            name: 'exact items, counted',
            total: sum(lean),
            parts: lean,
            issues: counted.items,
          },
        ]
      : []),
    { name: 'every item', total: sum(every), parts: every, issues: needs.everyItem },
  ];
  const cheapest = strategies.reduce((a, b) => (b.total < a.total ? b : a));
  const requests = (cheapest.parts['issuePages'] ?? 0) + (cheapest.parts['counts'] ?? 0);
  const lastRound = Math.max(
    callMs(latency, Math.min(cheapest.issues, limits.searchWithFields)),
    (1000 * requests) / limits.postPerSecond,
  );
  const rounds = callMs(latency, 0) + lastRound;
  return {
    total: cheapest.total,
    points: cheapest.total + cheapest.issues + 2,
    modelledMs: rounds,
    parts: cheapest.parts,
    strategy: cheapest.name,
    strategies,
  };
}

/** "4 (permissions 1 + sprints 1 + …)": a strategy's total and its non-zero parts. */
export function describeStrategy(strategy: Strategy): string {
  const parts = Object.entries(strategy.parts)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(' + ');
  return `${strategy.total} (${parts})`;
}

export interface BudgetLine {
  name: string;
  actual: number;
  limit: number;
  unit: string;
  pass: boolean;
  note?: string;
  /**
   * Why a budget that fails does not fail the bench: a target the app does not meet yet, printed
   * as FAIL with this reason and counted apart (docs/costs.md says which and why).
   */
  open?: string;
}

/** The same budget, not failing the bench when it fails, for the reason given. */
export function openBudget(line: BudgetLine, reason: string): BudgetLine {
  return { ...line, open: reason };
}

/** Failures that fail the bench: every failing budget that is not an open target. */
export const gatingFailures = (lines: readonly BudgetLine[]): BudgetLine[] =>
  lines.filter((l) => !l.pass && l.open === undefined);

export function budget(
  name: string,
  actual: number,
  limit: number,
  unit: string,
  note?: string,
): BudgetLine {
  return { name, actual, limit, unit, pass: actual <= limit, ...(note ? { note } : {}) };
}

const fmt = (n: number, unit: string): string =>
  `${Number.isInteger(n) ? n.toLocaleString('en-US') : n.toFixed(unit === '×' ? 2 : 1)}${unit === '×' ? '×' : unit ? ` ${unit}` : ''}`;

export function formatBudget(line: BudgetLine): string {
  const verdict = line.pass ? 'PASS' : 'FAIL';
  const text = `${verdict}  ${line.name}: ${fmt(line.actual, line.unit)} (budget ≤ ${fmt(line.limit, line.unit)})`;
  const notes = [line.note, !line.pass && line.open ? `open target, not gated: ${line.open}` : '']
    .filter(Boolean)
    .map((n) => `\n        ${n}`);
  return `${text}${notes.join('')}`;
}

/** Rows of label/value pairs as an aligned two-column table. */
export function formatTable(title: string, rows: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  return [title, ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`)].join('\n');
}
