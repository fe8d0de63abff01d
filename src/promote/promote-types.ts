/** What promote is asked and what it answers. */

export interface PromoteItem {
  summary: string;
  issueTypeId?: string | undefined;
  /** In the project's estimation unit (story points); written into the description. */
  estimate?: number | undefined;
  /** As the person edited them; drafted from the idea when absent. */
  acceptanceCriteria?: string[] | undefined;
}

export interface CreatedItem {
  id: string;
  key: string;
  summary: string;
  issueTypeId: string;
  linked: boolean;
  linkProblem?: string | undefined;
}

export interface PromoteResult {
  outcome: 'complete' | 'partial';
  linkType: { id: string; name: string };
  created: CreatedItem[];
  notCreated: Array<{ summary: string; reason: string }>;
  message: string;
  /** Whether this answer finished a promotion an earlier request started. */
  resumed: boolean;
}

export type PromoteAnswer =
  | { ok: true; result: PromoteResult }
  | { ok: false; code: 'conflict' | 'invalid-input'; message: string; details?: unknown };
