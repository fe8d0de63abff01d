import { z } from 'zod';
import { EvidenceInputSchema } from '../domain/evidence-input';
import { PromoteDraftSchema, PromoteResultSchema } from './issue-actions';
import { IssueEvidenceSchema } from './issue-readiness';
import { EvidenceChangeSchema } from './write-answers';

/**
 * The evidence log and promote of an idea of a connected Jira Product Discovery space, from the
 * project page (`jpd/idea/*`): the payload names the idea (`ideaKey`), the project is the page's
 * (Forge's context). Also the evidence and promote payload parts the issue panel's keys share.
 */

/** An evidence entry's id. */
export const EntryIdSchema = z.string().min(1).max(64);

/** Record the decision that an idea is invalidated (or take it back). */
export const DecideFields = {
  invalidated: z.boolean(),
  reason: z.string().trim().min(1).max(2000).optional(),
};
export const decideRule = (d: { invalidated: boolean; reason?: string | undefined }) =>
  !d.invalidated || d.reason !== undefined;
export const DECIDE_RULE = {
  path: ['reason'],
  message: 'is required when the idea is invalidated',
};

const PromoteItemSchema = z
  .object({
    summary: z
      .string({ error: 'must be text' })
      .trim()
      .min(1, 'is required')
      .max(255, 'must be at most 255 characters'),
    issueTypeId: z.string().regex(/^\d+$/, 'must be an issue type id like "10001"').optional(),
    /** In the project's estimation unit (story points). */
    estimate: z
      .number({ error: 'must be a number' })
      .min(0, 'must not be negative')
      .max(1000, 'must be at most 1000')
      .optional(),
    acceptanceCriteria: z
      .array(
        z
          .string({ error: 'must be text' })
          .trim()
          .min(1, 'must not be empty')
          .max(300, 'must be at most 300 characters'),
      )
      .max(8, 'must be at most 8 criteria')
      .optional(),
  })
  .strict();

/** Promote's items and the form's id for one click (a repeated request is answered, not redone). */
export const PromoteRunFields = {
  items: z
    .array(PromoteItemSchema)
    .min(1, 'must hold at least one item')
    .max(20, 'must hold at most 20 items'),
  requestId: z
    .string()
    .regex(/^[A-Za-z0-9-]{8,64}$/)
    .optional(),
};

/** The idea, by key: an idea of a JPD space the page's project connects. */
const IdeaKey = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]{0,254}-[1-9][0-9]{0,17}$/, 'must be an issue key like "IDEA-12"');
const idea = { ideaKey: IdeaKey };

export const JPD_IDEA_PAYLOADS = {
  'jpd/idea/evidence/list': z.object(idea).strict(),
  'jpd/idea/evidence/add': z.object({ ...idea, entry: EvidenceInputSchema }).strict(),
  'jpd/idea/evidence/update': z
    .object({ ...idea, id: EntryIdSchema, entry: EvidenceInputSchema })
    .strict(),
  'jpd/idea/evidence/remove': z.object({ ...idea, id: EntryIdSchema }).strict(),
  'jpd/idea/evidence/restore': z.object({ ...idea, id: EntryIdSchema }).strict(),
  'jpd/idea/evidence/decide': z
    .object({ ...idea, ...DecideFields })
    .strict()
    .refine(decideRule, DECIDE_RULE),
  'jpd/idea/promote/draft': z.object(idea).strict(),
  'jpd/idea/promote/run': z.object({ ...idea, ...PromoteRunFields }).strict(),
} as const;

/** The idea view: its evidence as the issue panel shows it, and whether it may be promoted. */
export const IdeaEvidenceViewSchema = z.object({
  idea: z.object({ id: z.string(), key: z.string(), summary: z.string() }),
  evidence: IssueEvidenceSchema,
  /** The caller may change the log (Edit issues on the idea). */
  canEdit: z.boolean(),
  promotion: z.object({ allowed: z.boolean(), reasons: z.array(z.string()) }),
});
export type IdeaEvidenceView = z.infer<typeof IdeaEvidenceViewSchema>;

export const JPD_IDEA_RESULTS = {
  'jpd/idea/evidence/list': IdeaEvidenceViewSchema,
  'jpd/idea/evidence/add': EvidenceChangeSchema,
  'jpd/idea/evidence/update': EvidenceChangeSchema,
  'jpd/idea/evidence/remove': EvidenceChangeSchema,
  'jpd/idea/evidence/restore': EvidenceChangeSchema,
  'jpd/idea/evidence/decide': EvidenceChangeSchema,
  'jpd/idea/promote/draft': PromoteDraftSchema,
  'jpd/idea/promote/run': PromoteResultSchema,
} as const;
