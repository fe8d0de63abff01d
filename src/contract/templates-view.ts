import { z } from 'zod';
import { TEMPLATE_IDS, TEMPLATE_KINDS } from '../domain/discovery-templates';

/**
 * What the `templates/*` resolvers answer, as schemas: the admin page's templates (in the
 * built-in order) and the project page's "New discovery item" offer and created item.
 */

const TemplateViewSchema = z.object({
  id: z.enum(TEMPLATE_IDS),
  name: z.string(),
  description: z.string(),
  sections: z.array(
    z.object({ id: z.string(), heading: z.string(), hint: z.string(), required: z.boolean() }),
  ),
});

const IssueTypeRefSchema = z.object({ id: z.string(), name: z.string() });

/** `templates/get|save|reset`: every built-in template once, in the built-in order. */
export const TemplatesStateSchema = z.object({
  version: z.number(),
  edited: z.boolean(),
  templates: z
    .array(TemplateViewSchema)
    .refine((t) => t.map((x) => x.id).join() === TEMPLATE_IDS.join(), {
      message: 'must hold every built-in template in order',
    }),
  updatedAt: z.string().optional(),
  updatedBy: z.string().optional(),
});

/** `templates/list`: what the "New discovery item" dialog offers in the context project. */
export const TemplatesOfferSchema = z.object({
  choices: z.array(
    z.object({
      template: TemplateViewSchema,
      kind: z.enum(TEMPLATE_KINDS),
      /** The issue type it creates in this project; null when the project has none. */
      issueType: IssueTypeRefSchema.nullable(),
    }),
  ),
  /** Added to an idea: the press release and FAQ. */
  attachments: z.array(TemplateViewSchema),
  maxSpikeTimeboxDays: z.number(),
  templatesVersion: z.number(),
});

/** `templates/create`: the item created. */
export const CreatedFromTemplateSchema = z.object({
  id: z.string(),
  key: z.string(),
  kind: z.enum(TEMPLATE_KINDS),
  issueType: IssueTypeRefSchema,
  template: z.object({ id: z.string(), name: z.string() }),
  scopedOutcome: z.boolean(),
  withPressRelease: z.boolean(),
  message: z.string(),
});

export type TemplatesStateView = z.infer<typeof TemplatesStateSchema>;
export type TemplatesOffer = z.infer<typeof TemplatesOfferSchema>;
