import type { EvidenceEntry } from './evidence-log';
import { EVIDENCE_TYPES, type EvidenceType, type ScopedOutcome } from './track';

/**
 * What a promoted delivery item carries from its idea: the evidence in brief (how many of each
 * type, the latest date of each) and acceptance criteria drafted from the idea's scoped outcome
 * and evidence, for the person to edit in the promote form before anything is created.
 */

const TYPE_WORDS: Readonly<Record<EvidenceType, [string, string]>> = {
  interview: ['interview', 'interviews'],
  'usability-test': ['usability test', 'usability tests'],
  'prototype-review': ['prototype review', 'prototype reviews'],
  'concierge-test': ['concierge test', 'concierge tests'],
  experiment: ['experiment', 'experiments'],
};

export interface EvidenceLine {
  type: EvidenceType;
  count: number;
  latest: string;
  /** "3 interviews, latest 2026-11-30" */
  text: string;
}

/** One line per evidence type recorded, in the practice's order. */
export function evidenceLines(entries: readonly EvidenceEntry[]): EvidenceLine[] {
  return EVIDENCE_TYPES.flatMap((type) => {
    const ofType = entries.filter((e) => e.type === type);
    if (ofType.length === 0) return [];
    const latest = ofType.reduce((max, e) => (e.date > max ? e.date : max), ofType[0]?.date ?? '');
    const [one, many] = TYPE_WORDS[type];
    const count = ofType.length;
    return [
      { type, count, latest, text: `${count} ${count === 1 ? one : many}, latest ${latest}` },
    ];
  });
}

/** The most acceptance criteria an item carries, and the longest one. */
export const MAX_CRITERIA = 8;
export const MAX_CRITERION_LENGTH = 300;

/** Acceptance criteria drafted from the scoped outcome and what the evidence showed. */
export function draftAcceptanceCriteria(
  idea: { key: string; summary: string },
  outcome: ScopedOutcome | undefined,
  entries: readonly EvidenceEntry[],
): string[] {
  const criteria: string[] = [];
  const statement = outcome?.outcome?.trim();
  const measure = outcome?.successMeasure?.trim();
  criteria.push(
    statement
      ? `Delivers the validated outcome of ${idea.key}: ${statement}`
      : `Delivers what ${idea.key} validated: ${idea.summary.trim() || idea.key}`,
  );
  if (measure) criteria.push(`We can measure it after release: ${measure}`);
  const positive = entries.filter((e) => e.positive);
  const tested = positive.filter((e) => e.type === 'usability-test').length;
  if (tested > 0) {
    criteria.push(
      `Works as in the usability tested design (${tested} passed ${tested === 1 ? 'test' : 'tests'}), without help`,
    );
  }
  const heard = positive.filter((e) => e.type === 'interview').length;
  if (heard > 0) {
    criteria.push(
      `Solves the problem ${heard} interviewed ${heard === 1 ? 'customer' : 'customers'} confirmed`,
    );
  }
  return criteria.map((c) => clip(c)).slice(0, MAX_CRITERIA);
}

function clip(value: string): string {
  return value.length <= MAX_CRITERION_LENGTH
    ? value
    : `${value.slice(0, MAX_CRITERION_LENGTH - 1)}…`;
}
