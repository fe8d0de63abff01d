import { z } from 'zod';

/** One changelog item (field, fieldId, from, to, ...): read field by field by each caller. */
export const ChangeItemSchema = z.record(z.string(), z.unknown());

/** A page of `POST /rest/api/3/changelog/bulkfetch`. */
export const BulkChangelogPageSchema = z
  .object({
    issueChangeLogs: z
      .array(
        z
          .object({
            issueId: z.string(),
            changeHistories: z
              .array(
                z
                  .object({
                    created: z.union([z.string(), z.number()]),
                    items: z.array(ChangeItemSchema).optional(),
                  })
                  .passthrough(),
              )
              .optional(),
          })
          .passthrough(),
      )
      .optional(),
    nextPageToken: z.string().nullish(),
  })
  .passthrough();
