import type { DiscoveryStage, EstimateUnit, Signals, StatusCategory } from '../domain/signals';
import type { ItemKind, Track } from '../domain/track';

/**
 * What the `project/overview` resolver answers and the project page renders. Shared by src/ and
 * static/ (imported, never copied).
 */

export interface OverviewItem {
  key: string;
  summary: string;
  issueType: string;
  kind: ItemKind;
  track: Track;
  status: string;
  statusCategory: StatusCategory;
  estimate: number | null;
  /** Discovery items only. */
  stage: DiscoveryStage | null;
  inActiveSprint: boolean;
  badges: {
    /** e.g. "2 interviews · 1 usability test"; null when there is no evidence yet. */
    evidence: string | null;
    noScopedOutcome: boolean;
    spikeOverrun: { daysUsed: number; timeboxDays: number } | null;
    ageDays: number;
    /**
     * Delivery items meeting the discovery entry criteria without finished discovery:
     * "Explore first: uncertainty high" or "Waiting on DT-12"; null otherwise (or when the item
     * is beyond the first flagged items read).
     */
    entry: { state: 'needs-discovery' | 'waiting'; text: string } | null;
  };
}

export interface ProjectOverview {
  project: { id: string; key: string; name: string };
  generatedAt: string;
  unit: EstimateUnit;
  board: { id: number; name: string } | null;
  activeSprint: { id: number; name: string } | null;
  signals: Signals;
  discovery: Record<DiscoveryStage, OverviewItem[]>;
  /** Open delivery work; the sprint column also holds the sprint's done items. */
  delivery: { activeSprint: OverviewItem[]; ready: OverviewItem[]; inProgress: OverviewItem[] };
  /**
   * How many items each column holds: open ones, and in the sprint column the sprint's done
   * delivery work too. A column lists at most `listLimit` of them, the first
   * in rank order; long delivery columns are counted with Jira's approximate count.
   */
  columnCounts: {
    discovery: Record<DiscoveryStage, number>;
    delivery: { activeSprint: number; ready: number; inProgress: number };
  };
  /**
   * The JQL of each column, built by the loader, for "Open all N in Jira" (Jira's issue search).
   * The discovery stages share the discovery track's query: a stage is the app's reading of the
   * evidence, not a Jira field. Null where the column has no query of its own (no active
   * sprint, no type on the discovery track, or a load that read every item instead).
   */
  columnJql: {
    discovery: string | null;
    delivery: { activeSprint: string | null; ready: string | null; inProgress: string | null };
  };
  listLimit: number;
  /** Open items counted, and how many of each list were left out to keep the answer small. */
  totals: { openItems: number; discovery: number; delivery: number; omitted: number };
  /** Plain-words notes about missing data ("not set up yet", "no board"). */
  notes: string[];
}
