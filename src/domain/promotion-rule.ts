import type { Config } from './config';
import type { Triage } from './entry-criteria';
import { validationOf, type EvidenceContent, type ValidationView } from './evidence-log';
import { noveltyOf } from './feasibility';
import { promotionBlockers, type FeasibilityReview, type PromotionBlocker } from './item-checklist';
import type { Track } from './track';

/**
 * Whether an idea may be promoted, from what is stored about it: its evidence log under the
 * project's evidence rule, and its feasibility review (novel by its flag or its triage; then a
 * "feasible" sign-off is needed). Promote and the JPD idea view decide with this one rule.
 */
export function ideaPromotion(input: {
  track: Track;
  log: EvidenceContent;
  review: { novel: boolean; signOff?: FeasibilityReview['signOff'] } | undefined;
  triage: Triage | undefined;
  config: Pick<Config, 'validation' | 'feasibility'>;
}): { validation: ValidationView; blockers: PromotionBlocker[] } {
  const { config, review } = input;
  const validation = validationOf(input.log, config.validation);
  const novelty = noveltyOf(review?.novel === true, input.triage, config.feasibility);
  const blockers = promotionBlockers({
    track: input.track,
    validation: {
      state: validation.state,
      shortfalls: validation.shortfalls,
      ...(validation.invalidated ? { reason: validation.invalidated.reason } : {}),
    },
    feasibility: {
      novel: novelty.novel,
      because: novelty.because ?? undefined,
      signOff: novelty.novel ? review?.signOff : undefined,
    },
  });
  return { validation, blockers };
}
