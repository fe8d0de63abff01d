import { z } from 'zod';

/**
 * What the issue panel's creating actions answer, as schemas: `promote/run` (delivery items
 * promoted from an idea) and `issue/explore-first` (a spike or idea the item waits on).
 */

const LinkTypeSchema = z.object({ id: z.string(), name: z.string() });

export const PromoteResultSchema = z.object({
  outcome: z.enum(['complete', 'partial']),
  linkType: LinkTypeSchema,
  created: z.array(
    z.object({
      id: z.string(),
      key: z.string(),
      summary: z.string(),
      issueTypeId: z.string(),
      linked: z.boolean(),
      linkProblem: z.string().optional(),
    }),
  ),
  notCreated: z.array(z.object({ summary: z.string(), reason: z.string() })),
  message: z.string(),
  /** Whether this answer finished a promotion an earlier request started. */
  resumed: z.boolean(),
});

export const PromoteDraftSchema = z.object({
  deliveryTypes: z.array(z.object({ id: z.string(), name: z.string() })),
  defaultTypeId: z.string().nullable(),
  items: z.array(z.object({ summary: z.string(), acceptanceCriteria: z.array(z.string()) })),
  /** "3 interviews, latest 2026-11-30", one line per evidence type recorded. */
  evidence: z.array(z.string()),
});

export const ExploreFirstResultSchema = z.object({
  /** `created` now, or `existing`: an item Explore first created before. */
  outcome: z.enum(['created', 'existing']),
  item: z.object({ id: z.string(), key: z.string(), kind: z.enum(['spike', 'idea']) }),
  /** Whether the delivery item is linked to it (blocked by it). */
  linked: z.boolean(),
  linkType: LinkTypeSchema.nullable(),
  /** Whether the new item got the delivery item's Entry triage. */
  triageCopied: z.boolean(),
  message: z.string(),
});
