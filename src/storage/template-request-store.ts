import { z } from 'zod';
import { TEMPLATE_KINDS } from '../domain/discovery-templates';
import { changeRecord } from './versioned-record';
import { KEYS } from './key-families';

/**
 * "New discovery item" creates one Jira issue per click, never two: each person's recent requests
 * (the dialog's request id per submission) are kept in one versioned record,
 * `template-requests:<accountId>`. A request is claimed by a conditional write before the issue
 * is created (exactly one of two identical requests wins it) and answered from the record when it
 * comes again. The record keeps the last MAX_REQUESTS requests.
 */

export const MAX_REQUESTS = 20;

const CreatedSchema = z
  .object({
    id: z.string().max(40),
    key: z.string().max(300),
    kind: z.enum(TEMPLATE_KINDS),
    issueType: z.object({ id: z.string().max(40), name: z.string().max(255) }).strict(),
    template: z.object({ id: z.string().max(40), name: z.string().max(255) }).strict(),
    scopedOutcome: z.boolean(),
    withPressRelease: z.boolean(),
    message: z.string().max(2000),
  })
  .strict();
export type CreatedRecord = z.infer<typeof CreatedSchema>;

const RequestSchema = z
  .object({
    requestId: z.string().max(64),
    at: z.string().max(40),
    /** Absent while the issue is being created (or when its creation was never recorded). */
    created: CreatedSchema.optional(),
  })
  .strict();
export type TemplateRequest = z.infer<typeof RequestSchema>;

export const TemplateRequestsSchema = z
  .object({
    version: z.number().int().min(1),
    requests: z.array(RequestSchema).max(MAX_REQUESTS),
  })
  .strict();
type TemplateRequests = z.infer<typeof TemplateRequestsSchema>;

const spec = (accountId: string) => ({
  key: KEYS.templateRequests(accountId),
  schema: TemplateRequestsSchema,
  noun: 'recent template requests',
});

export type RequestClaim =
  | { status: 'claimed' }
  /** This request was seen before: answered, being created, or stopped mid-creation. */
  | { status: 'seen'; request: TemplateRequest };

/** Claims `requestId` for this person, unless it was seen before (then says how it went). */
export async function claimTemplateRequest(
  accountId: string,
  requestId: string,
  now: Date,
): Promise<RequestClaim> {
  const changed = await changeRecord<TemplateRequests, TemplateRequest | undefined>(
    spec(accountId),
    (current, version) => {
      const seen = current?.requests.find((r) => r.requestId === requestId);
      if (seen) return { keep: seen };
      const requests = [...(current?.requests ?? []), { requestId, at: now.toISOString() }].slice(
        -MAX_REQUESTS,
      );
      return { write: { version: version + 1, requests }, detail: undefined };
    },
  );
  return changed.saved || !changed.detail
    ? { status: 'claimed' }
    : { status: 'seen', request: changed.detail };
}

/** Only what the answer is made of (Jira's issue type carries more). */
function recordOf(created: CreatedRecord): CreatedRecord {
  return CreatedSchema.parse({
    ...created,
    issueType: { id: created.issueType.id, name: created.issueType.name },
    template: { id: created.template.id, name: created.template.name },
  });
}

/** Records what the claimed request created, so that the same request is answered with it. */
export async function recordTemplateRequest(
  accountId: string,
  requestId: string,
  created: CreatedRecord,
): Promise<void> {
  await changeRecord<TemplateRequests, undefined>(spec(accountId), (current, version) => ({
    write: {
      version: version + 1,
      requests: (current?.requests ?? []).map((r) =>
        r.requestId === requestId ? { ...r, created: recordOf(created) } : r,
      ),
    },
    detail: undefined,
  }));
}

/** Gives a claim back when nothing was created (Jira refused), so the same request may retry. */
export async function releaseTemplateRequest(accountId: string, requestId: string): Promise<void> {
  await changeRecord<TemplateRequests, undefined>(spec(accountId), (current, version) => ({
    write: {
      version: version + 1,
      requests: (current?.requests ?? []).filter(
        (r) => r.requestId !== requestId || r.created !== undefined,
      ),
    },
    detail: undefined,
  }));
}
