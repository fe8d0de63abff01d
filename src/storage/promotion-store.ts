import { z } from 'zod';
import {
  claimOutlived,
  createOnce,
  parseStored,
  readMany,
  readOne,
  removeOne,
  writeOne,
} from './kvs-store';
import { KEYS } from './key-families';

/**
 * What "Promote to delivery" remembers per discovery item, so that a double click, a retry or
 * a resume after a partial failure never creates an item twice:
 * More: docs/internals.md#storage-promotion-store-ts.
 */

const ItemSchema = z
  .object({
    summary: z.string().min(1).max(255),
    issueTypeId: z.string().max(40),
    estimate: z.number().min(0).max(1000).optional(),
    /** Carried into the item's description; absent in records from before they existed. */
    acceptanceCriteria: z.array(z.string().max(300)).max(8).optional(),
    state: z.enum(['pending', 'sent', 'created']),
    created: z
      .object({ id: z.string().max(40), key: z.string().max(300) })
      .strict()
      .optional(),
    linked: z.boolean(),
    /** Why the last attempt at this item (its creation or its link) failed. */
    problem: z.string().max(1000).optional(),
  })
  .strict();
export type PromotionItem = z.infer<typeof ItemSchema>;

export const PromotionRecordSchema = z
  .object({
    version: z.literal(1),
    /** The request this promotion answers (the panel's id for one click); absent: none given. */
    requestId: z.string().max(64).optional(),
    by: z.string().max(128),
    at: z.string().max(40),
    linkType: z
      .object({
        id: z.string().max(40),
        name: z.string().max(255),
        outward: z.string().max(255).optional(),
      })
      .strict(),
    items: z.array(ItemSchema).min(1).max(20),
  })
  .strict();
export type PromotionRecord = z.infer<typeof PromotionRecordSchema>;

/**
 * Whether nothing is left to do: every item created and linked, or sent without an answer (left
 * to the user, never sent again).
 */
export function promotionDone(record: PromotionRecord): boolean {
  return record.items.every((i) => i.state === 'sent' || (i.state === 'created' && i.linked));
}

const ClaimSchema = z
  .object({
    by: z.string().max(128),
    at: z.string().max(40),
    requestId: z.string().max(64).optional(),
  })
  .strict();
export type PromotionClaim = z.infer<typeof ClaimSchema>;

/** The record and the current claim, in one storage request. */
export async function readPromotion(
  issueId: string,
): Promise<{ record: PromotionRecord | undefined; claim: PromotionClaim | undefined }> {
  const recordKey = KEYS.promotion(issueId);
  const claimKey = KEYS.promotionClaim(issueId);
  const values = await readMany([recordKey, claimKey]);
  return {
    record: parseStored(recordKey, PromotionRecordSchema, values.get(recordKey)),
    claim: parseStored(claimKey, ClaimSchema, values.get(claimKey)),
  };
}

export type ClaimAnswer = { status: 'claimed' } | { status: 'busy'; claim: PromotionClaim };

/** Claims the right to create items for the idea; takes over a claim Forge has stopped. */
export async function claimPromotion(issueId: string, claim: PromotionClaim): Promise<ClaimAnswer> {
  const key = KEYS.promotionClaim(issueId);
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await createOnce(key, ClaimSchema.parse(claim))) return { status: 'claimed' };
    const held = parseStored(key, ClaimSchema, await readOne(key));
    if (!held) continue; // Released between our two requests: try once more.
    if (!claimOutlived(held.at, new Date(claim.at))) return { status: 'busy', claim: held };
    await removeOne(key);
  }
  return { status: 'busy', claim };
}

export async function removePromotionRecord(issueId: string): Promise<void> {
  await removeOne(KEYS.promotion(issueId));
}

export async function releasePromotion(issueId: string): Promise<void> {
  await removeOne(KEYS.promotionClaim(issueId));
}

/** Saved by the claim's holder only, so a plain write cannot lose another writer's update. */
export async function savePromotion(issueId: string, record: PromotionRecord): Promise<void> {
  await writeOne(KEYS.promotion(issueId), PromotionRecordSchema.parse(record));
}
