/**
 * The bench's arithmetic, kept pure so that jest can check it (test/bench/bench-smoke.test.ts):
 * rate-limit points of a run of Jira calls, the least number of calls that can read a project
 * page's data given each endpoint's largest page, and budget lines.
 */

/** What the points model needs of one recorded call (a subset of the emulator's CallRecord). */
export interface CostedCall {
  remote: 'jira' | 'kvs';
  returnedIssues: number;
}

/**
 * Jira's points-based quota as the issue states it: 1 point per request plus 1 per returned
 * issue. Storage requests are not Jira requests and cost nothing here.
 */
export function pointsOf(calls: readonly CostedCall[]): number {
  let points = 0;
  for (const call of calls) if (call.remote === 'jira') points += 1 + call.returnedIssues;
  return points;
}

export function jiraCallCount(calls: readonly CostedCall[]): number {
  return calls.filter((c) => c.remote === 'jira').length;
}

/** Largest pages the endpoints grant, as the emulator enforces the contract. */
export interface PageLimits {
  /** POST /rest/api/3/search/jql when fields beyond id/key are requested. */
  searchWithFields: number;
  /** POST /rest/api/3/issue/bulkfetch: issues per call. */
  bulkFetch: number;
  /** GET /rest/agile/1.0/board/{id}/sprint: sprints per page. */
  agile: number;
}

/**
 * The least data one project page load must read: the issues each targeted read has to return
 * (dev/bench/bench.ts works them out from every open item, see `neededReads`), the lists it
 * can only count, and the fixed reads.
 */
export interface PageData {
  /** Issues each targeted search must return, by read (a read that is not made is absent). */
  reads: Record<string, number>;
  /** Lists known only by their count (one approximate-count request each). */
  counts: number;
  /** Every open item of the project (what a strategy that reads everything must return). */
  openItems: number;
  /** Done issues of the last three closed sprints (velocity). */
  velocityItems: number;
  /** Active and closed sprints of the board. */
  sprints: number;
  /** Whether the field ids are still unknown (one field list read). */
  fieldLookup: boolean;
  hasBoard: boolean;
  /** Whether the project's issue types are read (to tell the tracks apart in JQL). */
  issueTypes: boolean;
  /** Whether the board's configuration is read (false: remembered from an earlier load). */
  boardConfiguration?: boolean;
  /**
   * Bulk fetches of linked ideas' evidence the entry verdicts need (ideas not among the issues
   * read; each fetch takes up to the bulk fetch page): 0 when none.
   */
  evidenceFetches?: number;
}

/** One way of reading the page's data, and its requests by part. */
export interface Strategy {
  name: string;
  total: number;
  parts: Record<string, number>;
}

export interface LowerBound {
  /** The fewest requests of any strategy below. */
  total: number;
  /** The parts of the cheapest strategy. */
  parts: Record<string, number>;
  /** The name of the cheapest strategy. */
  strategy: string;
  /** Every strategy considered, in the order above. */
  strategies: Strategy[];
}

/** The reads the app makes in one search (src/project-page/whole-sets-read.ts), with velocity. */
const WHOLE_SETS = ['discovery', 'activeSprint'];

const pages = (n: number, size: number): number => (n <= 0 ? 1 : Math.ceil(n / size));
const sum = (parts: Record<string, number>): number =>
  Object.values(parts).reduce((a, b) => a + b, 0);

/**
 * The fewest Jira requests that can return the page's data, given each endpoint's largest page:
 * the minimum over the strategies that produce the same page.
 *
 * - `targeted reads`: the app's plan (the sets read whole, discovery, active sprint and velocity,
 *   in one query; one query per other read; a count for each list not read to its end) where
 *   every query returns max(search page with fields, bulk fetch) issues a request.
 * - `read everything`: the fixed reads, then every open item and the velocity sprints' done
 *   items in one search (a JQL `OR` of both), ceil((open + velocity items) / page) requests; no
 *   counts and no issue type read (each issue names its type), the same evidence fetches.
 *
 * Fixed reads in both: the permission check, the board, its configuration and its sprints (one
 * request per agile page), the field list while ids are unknown, the project's name without a
 * board. A read with no results still costs its request.
 */
export function projectPageLowerBound(data: PageData, limits: PageLimits): LowerBound {
  const issuePage = Math.max(limits.searchWithFields, limits.bulkFetch);
  const fixed = (issueTypes: boolean): Record<string, number> => ({
    permissions: 1,
    fieldList: data.fieldLookup ? 1 : 0,
    board: 1,
    issueTypes: issueTypes ? 1 : 0,
    boardConfiguration: data.hasBoard && data.boardConfiguration !== false ? 1 : 0,
    sprints: data.hasBoard ? pages(data.sprints, limits.agile) : 0,
  });
  const velocityItems = data.hasBoard ? data.velocityItems : 0;

  const targeted: Record<string, number> = fixed(data.issueTypes);
  let whole = velocityItems;
  for (const [name, issues] of Object.entries(data.reads)) {
    if (WHOLE_SETS.includes(name)) whole += issues;
    else targeted[name] = pages(issues, issuePage);
  }
  targeted['counts'] = data.counts;
  targeted['entryEvidence'] = data.evidenceFetches ?? 0;
  targeted['wholeSets'] = pages(whole, issuePage);
  targeted['projectName'] = data.hasBoard ? 0 : 1;

  const everything: Record<string, number> = {
    ...fixed(false),
    openAndVelocityItems: pages(data.openItems + velocityItems, issuePage),
    entryEvidence: data.evidenceFetches ?? 0,
    projectName: data.hasBoard ? 0 : 1,
  };

  const strategies: Strategy[] = [
    { name: 'targeted reads', total: sum(targeted), parts: targeted },
    { name: 'read everything', total: sum(everything), parts: everything },
  ];
  const cheapest = strategies.reduce((a, b) => (b.total < a.total ? b : a));
  return {
    total: cheapest.total,
    parts: cheapest.parts,
    strategy: cheapest.name,
    strategies,
  };
}

/** "4 (permissions 1 + board 1 + …)": a strategy's total and its non-zero parts. */
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
}

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
  return line.note ? `${text}\n        ${line.note}` : text;
}

/** Rows of label/value pairs as an aligned two-column table. */
export function formatTable(title: string, rows: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  return [title, ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`)].join('\n');
}
