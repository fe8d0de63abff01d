import { z } from 'zod';

/** What a person sends to create discovery items: Explore first and a template's new item. */

/** What "Explore first" creates: a spike or an idea, named by the question it answers. */
export const EXPLORE_KINDS = ['spike', 'idea'] as const;
export type ExploreKind = (typeof EXPLORE_KINDS)[number];

export const ExploreFirstInputSchema = z
  .object({
    kind: z.enum(EXPLORE_KINDS, { error: 'must be "spike" or "idea"' }),
    /** The question to answer; the new item's summary. */
    question: z
      .string({ error: 'must be text' })
      .trim()
      .min(1, 'is required')
      .max(255, 'must be at most 255 characters')
      .refine((q) => !/[\r\n]/.test(q), { error: 'must be one line' }),
    /** What we know so far, or what a good answer looks like (optional). */
    details: z.string({ error: 'must be text' }).trim().max(2000).optional(),
    /**
     * The spike's scoped outcome as the person reviewed it (spikes only); without it the server
     * drafts one (domain/spike-draft.ts). The timebox is checked against the spike maximum.
     */
    scopedOutcome: z
      .object({
        outcome: z
          .string({ error: 'must be text' })
          .trim()
          .min(1, 'is required')
          .max(2000, 'must be at most 2000 characters'),
        successMeasure: z
          .string({ error: 'must be text' })
          .trim()
          .min(1, 'is required')
          .max(2000, 'must be at most 2000 characters'),
        timeboxDays: z
          .number({ error: 'must be a number of days' })
          .int('must be whole days')
          .min(1, 'must be at least 1 day')
          .max(10, 'must be at most 10 days'),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((input) => input.kind === 'spike' || input.scopedOutcome === undefined, {
    error: 'is only for a spike',
    path: ['scopedOutcome'],
  });
export type ExploreFirstInput = z.infer<typeof ExploreFirstInputSchema>;

/** What a person wrote in a template's sections, by section id (checked against the template). */
const TemplateAnswersSchema = z
  .record(
    z.string().regex(/^[a-z][a-z-]{0,39}$/, 'must be a section id like "target-users"'),
    z.string({ error: 'must be text' }).max(4000, 'must be at most 4000 characters'),
  )
  .refine((answers) => Object.keys(answers).length <= 10, { error: 'has too many sections' });

/** A new discovery item from a template, in the context project (never one named here). */
export const TemplateCreateInputSchema = z
  .object({
    templateId: z.string().regex(/^[a-z][a-z-]{0,39}$/, 'must be a template id like "idea"'),
    summary: z
      .string({ error: 'must be text' })
      .trim()
      .min(1, 'is required')
      .max(255, 'must be at most 255 characters')
      .refine((q) => !/[\r\n]/.test(q), { error: 'must be one line' }),
    answers: TemplateAnswersSchema,
    /** Only with the idea template: the working-backwards press release and FAQ. */
    pressRelease: TemplateAnswersSchema.optional(),
    /** The dialog's id for one submission, so that a repeated request is answered, not redone. */
    requestId: z
      .string()
      .regex(/^[A-Za-z0-9-]{8,64}$/)
      .optional(),
  })
  .strict();
export type TemplateCreateInput = z.infer<typeof TemplateCreateInputSchema>;
