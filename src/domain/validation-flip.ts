import type { Config } from './config';
import { countEvidence, type EvidenceEntry } from './evidence-log';
import { checkValidated, type ValidationState } from './readiness';

/**
 * What a change to an idea's evidence does to its validation state, by the same rule as
 * `validationOf` (evidence-log.ts): the issue panel says so before a removal, an add or an edit
 * that flips it. Pure.
 */
/** What an entry counts by: its type and whether it was positive. */
export type CountedEntry = Pick<EvidenceEntry, 'type' | 'positive'>;

/** The validation state a set of entries gives (the same rule as `validationOf`). */
export function stateOf(
  entries: readonly CountedEntry[],
  rules: Config['validation'],
  invalidated: boolean,
): ValidationState {
  return checkValidated(countEvidence(entries).counting, rules, invalidated).state;
}

const STATE_WORDS: Record<ValidationState, string> = {
  validated: 'validated',
  unvalidated: 'not validated yet',
  invalidated: 'invalidated',
};

/**
 * What a change to the entries does to the idea's validation state, as one sentence for a
 * confirmation ("The idea will change from validated to not validated yet."); undefined when the
 * state stays the same.
 */
export function validationFlip(
  before: readonly CountedEntry[],
  after: readonly CountedEntry[],
  rules: Config['validation'],
  invalidated: boolean,
): { from: ValidationState; to: ValidationState; text: string } | undefined {
  const from = stateOf(before, rules, invalidated);
  const to = stateOf(after, rules, invalidated);
  if (from === to) return undefined;
  return {
    from,
    to,
    text: `The idea will change from ${STATE_WORDS[from]} to ${STATE_WORDS[to]}.`,
  };
}
