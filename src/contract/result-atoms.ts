import { z } from 'zod';
import { TrackSchema } from '../domain/track';

/** Small schemas the resolver answers share (see RESOLVER_RESULTS in bridge-contract.ts). */

export { TrackSchema };
export const StatusCategorySchema = z.enum(['new', 'indeterminate', 'done']);
export const ItemKindSchema = z.enum(['idea', 'spike', 'enabler', 'delivery']);
export const EstimateUnitSchema = z.enum(['points', 'issues']);
export const DiscoveryStageSchema = z.enum(['new', 'validating', 'validated', 'invalidated']);
export const LevelSchema = z.enum(['ok', 'warning', 'critical', 'unknown']);
export const ItemRefSchema = z.object({ key: z.string(), summary: z.string() });
export const ProjectRefSchema = z.object({ id: z.string(), key: z.string(), name: z.string() });
export const BoardRefSchema = z.object({ id: z.number(), name: z.string() });
/** A number the domain leaves undefined when it cannot be computed (absent after JSON). */
export const MaybeNumber = z.number().optional();

/**
 * The details of an `invalid-input` refusal: each problem with the payload path it concerns
 * (`answers.question`, `settings.runway.pauseAtSprints`), as the resolver kit and the features
 * that check fields send them.
 */
export const FieldProblemsSchema = z.object({
  fields: z.array(z.object({ path: z.string(), message: z.string() })),
});
export type FieldProblem = z.infer<typeof FieldProblemsSchema>['fields'][number];

/** The field problems a refusal's details name (none when they name none). */
export function fieldProblemsOf(details: unknown): FieldProblem[] {
  const parsed = FieldProblemsSchema.safeParse(details);
  return parsed.success ? parsed.data.fields : [];
}
