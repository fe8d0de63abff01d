import type { JiraEmulator } from './jira-emulator';
import type { EmIssue } from './model';
import { labelsOf } from './routes/enforcement';
import { componentsOf, type EmComponent } from './routes/issue-components';
import { issueLinkSite } from './routes/issue-writes';

/**
 * Jira's search index lags writes: "The API doesn't provide read-after-write consistency by
 * default" (https://developer.atlassian.com/cloud/jira/platform/search-and-reconcile/). After a
 * REST write, the next `searches` search/jql and approximate-count requests still see the issue as
 * it was before (a new issue not at all), unless the search names it in `reconcileIssues`.
 * Deterministic: counted in searches, and settled by settle() (each new invocation, see runAs).
 */

export interface SearchLag {
  /** How many searches (search/jql pages and counts) miss a write; 0 turns the lag off. */
  searches: number;
  /** Whether a new invocation (runAs) starts with the index caught up; default true. */
  settleOnInvocation?: boolean;
}

/** What search still sees of an issue written since the index last caught up. */
export interface IndexedView {
  issue: EmIssue;
  labels: string[];
  components: EmComponent[];
  issuelinks: unknown[];
}

interface Pending {
  /** The issue as the index has it; null when the index does not have it yet (just created). */
  view: IndexedView | null;
  left: number;
}

export class SearchIndex {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly em: JiraEmulator) {}

  private get lag(): number {
    return Math.max(0, this.em.searchLag?.searches ?? 0);
  }

  /** Call before a REST write changes the issue: search keeps its pre-write view for a while. */
  beforeWrite(issue: EmIssue): void {
    const lag = this.lag;
    if (lag === 0) return;
    const known = this.pending.get(issue.id);
    if (known) {
      known.left = lag;
      return;
    }
    this.pending.set(issue.id, { view: this.snapshot(issue), left: lag });
  }

  /** Call after a REST write created the issue: search does not find it for a while. */
  created(issue: EmIssue): void {
    const lag = this.lag;
    if (lag > 0) this.pending.set(issue.id, { view: null, left: lag });
  }

  /**
   * How search sees the issue: the stored issue when indexed, the pre-write view while a write is
   * pending, undefined while a new issue is not indexed yet.
   */
  viewOf(issue: EmIssue): IndexedView | 'current' | undefined {
    const entry = this.pending.get(issue.id);
    if (!entry) return 'current';
    return entry.view ?? undefined;
  }

  /** One search ran: every pending write is one search closer to being indexed. */
  searched(): void {
    for (const [id, entry] of this.pending) {
      entry.left -= 1;
      if (entry.left <= 0) this.pending.delete(id);
    }
  }

  /** The index catches up with every write. */
  settle(): void {
    this.pending.clear();
  }

  /** Ids of issues whose latest writes search does not show yet. */
  lagging(): string[] {
    return [...this.pending.keys()];
  }

  private snapshot(issue: EmIssue): IndexedView {
    return {
      issue: { ...issue, custom: structuredClone(issue.custom) },
      labels: labelsOf(this.em, issue.id),
      components: componentsOf(this.em, issue.id).map((c) => ({ ...c })),
      issuelinks: structuredClone(issueLinkSite(this.em).beanLinks(this.em, issue)),
    };
  }
}

const indexes = new WeakMap<JiraEmulator, SearchIndex>();

/** The site's search index (one per emulator). */
export function searchIndex(em: JiraEmulator): SearchIndex {
  let index = indexes.get(em);
  if (!index) {
    index = new SearchIndex(em);
    indexes.set(em, index);
  }
  return index;
}
