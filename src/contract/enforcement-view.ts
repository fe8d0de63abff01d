import { z } from 'zod';

/**
 * What `waiver/list` and `audit/list` answer (project admins), as schemas: the active waivers,
 * one page of the audit log, and the display names of the people in them (`names`).
 */

const Names = z.record(z.string(), z.string()).default({});

/** `waiver/list`: the project's active waivers. */
export const WaiverListSchema = z.object({
  waivers: z.array(
    z.object({
      issueId: z.string(),
      issueKey: z.string(),
      reason: z.string(),
      expiresOn: z.string(),
      grantedBy: z.string(),
      grantedAt: z.string(),
      /** The caller may not see the item: its key and reason are left out (empty). */
      hidden: z.boolean().optional(),
    }),
  ),
  names: Names,
});

/** `audit/list`: one page of the audit log, newest first. */
export const AuditPageSchema = z.object({
  entries: z.array(
    z.object({
      seq: z.number(),
      at: z.string(),
      action: z.string(),
      source: z.string(),
      rule: z.string(),
      issueKey: z.string(),
      actor: z.string().nullable(),
      detail: z.string(),
      waiver: z
        .object({ grantedBy: z.string(), reason: z.string(), expiresOn: z.string() })
        .optional(),
      /** The caller may not see the item: its key, detail and waiver reason are left out. */
      hidden: z.boolean().optional(),
    }),
  ),
  nextCursor: z.string().optional(),
  kept: z.number(),
  dropped: z.number(),
  names: Names,
});
