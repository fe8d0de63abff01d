import { z } from 'zod';
import { EVIDENCE_TYPES } from './track';

/** What a person records as one piece of evidence; the resolvers parse it at the boundary. */

/** The kinds of evidence, in the order forms offer them. */
export const EVIDENCE_TYPE_VALUES = EVIDENCE_TYPES;

/** Only web addresses: a link is shown in the panel, so no `javascript:` or `data:` URLs. */
export function isWebAddress(value: string): boolean {
  if (!/^https?:\/\//i.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}

export const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-11-20');

export const EvidenceInputSchema = z
  .object({
    type: z.enum(EVIDENCE_TYPE_VALUES),
    date: IsoDate,
    summary: z
      .string({
        error: (issue) => (issue.input === undefined ? 'is required' : 'must be text'),
      })
      .trim()
      .min(1, 'is required')
      .max(2000, 'must be at most 2000 characters'),
    /** Shown as a link in the panel, so only web addresses: no `javascript:` or `data:` URLs. */
    link: z
      .string({ error: 'must be text' })
      .trim()
      .max(2000, 'must be at most 2000 characters')
      .refine(isWebAddress, { error: 'must be an http:// or https:// web address' })
      .optional(),
    /** For interviews: did it confirm the problem? For usability tests: passed without help? */
    positive: z.boolean().optional(),
  })
  .strict();
