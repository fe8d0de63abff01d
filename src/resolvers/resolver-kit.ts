import { z } from 'zod';
import { refuse } from '../domain/failure';
import { describeIssues, failureOf } from '../jira/errors';
import { jiraAsUser, type JiraGateway } from '../jira/jira-gateway';
import { myPermissions, type PermissionContext, type PermissionKey } from '../jira/permissions';
import { errorText, logger } from '../runtime/log';
import { markProjectWritten } from '../storage/shared-overview-store';
import {
  ProjectKeySchema,
  RESOLVER_PAYLOADS,
  type BridgeError,
  type PayloadOf,
  type ResolverKey,
  type Result,
  type ResultOf,
} from '../contract/bridge-contract';

/**
 * How every resolver runs: take identity and project/issue from Forge's trusted context, parse
 * the untrusted payload with the contract's schema, check the caller's Jira permissions, run,
 * and answer with the result envelope. Nothing is thrown to the bridge.
 */

/** The part of Forge's resolver context we rely on. Never taken from the payload. */
export const TrustedContextSchema = z
  .object({
    accountId: z.string().min(1).optional(),
    extension: z
      .object({
        project: z
          .object({ id: z.union([z.string(), z.number()]).transform(String), key: z.string() })
          .passthrough()
          .optional(),
        issue: z
          .object({
            id: z.union([z.string(), z.number()]).transform(String),
            key: z.string(),
          })
          .passthrough()
          .optional(),
      })
      .passthrough()
      .optional(),
  })
  .passthrough();

export type TrustedContext = z.infer<typeof TrustedContextSchema>;

/** Stops the resolver with a refusal the caller reads (the envelope's `error`). */
export const fail = refuse;

export interface Caller {
  accountId: string;
  context: TrustedContext;
  /** Jira as this user. */
  jira: JiraGateway;
  now: Date;
}

export interface Requirement {
  context: (caller: Caller) => PermissionContext;
  permissions: readonly PermissionKey[];
  /** Said to the user when a permission is missing. */
  because: string;
}

/** The project the module runs in, from Forge's context; refused when absent. */
export function projectOf(caller: Caller): { id: string; key: string } {
  const project = caller.context.extension?.project;
  if (!project) return fail('invalid-input', 'This action needs a Jira project context.');
  return project;
}

export function issueOf(caller: Caller): { id: string; key: string } {
  const issue = caller.context.extension?.issue;
  if (!issue) return fail('invalid-input', 'This action needs a Jira issue context.');
  return issue;
}

export async function requirePermissions(caller: Caller, requirement: Requirement): Promise<void> {
  const held = await myPermissions(
    caller.jira,
    requirement.context(caller),
    requirement.permissions,
  );
  const missing = requirement.permissions.filter((p) => !held.has(p));
  if (missing.length > 0) {
    fail('forbidden', requirement.because, { missing });
  }
}

export type ResolverRequest = { payload?: unknown; context?: unknown };

/**
 * Resolvers that change what the project page shows (in Jira or in the app's storage): after
 * one succeeds, the project's shared overview is no longer served (src/project-page/
 * shared-overview.ts), so the next viewer sees the change.
 */
export const PROJECT_WRITES: ReadonlySet<ResolverKey> = new Set<ResolverKey>([
  'settings/project/save',
  'setup/run',
  'evidence/add',
  'evidence/update',
  'evidence/remove',
  'evidence/restore',
  'evidence/decide',
  'waiver/grant',
  'waiver/revoke',
  'issue/feasibility/flag',
  'issue/spike/learned',
  'issue/triage/save',
  'issue/explore-first',
  'promote/run',
  'jpd/idea/evidence/add',
  'jpd/idea/evidence/update',
  'jpd/idea/evidence/remove',
  'jpd/idea/evidence/restore',
  'jpd/idea/evidence/decide',
  'jpd/idea/promote/run',
  'retro/outcome/record',
  'templates/create',
  'data/import',
]);

/** The project the write was made in: Forge's project context, else the issue key's prefix. */
async function refreshSharedOverview(caller: Caller): Promise<void> {
  const { project, issue } = caller.context.extension ?? {};
  const key = ProjectKeySchema.safeParse(project?.key ?? issue?.key.split('-')[0]);
  if (!key.success) return;
  try {
    await markProjectWritten(key.data, caller.now);
  } catch (error) {
    // The write is done; a page shared before it then lasts its few seconds more.
    logger('resolver').warn('could not mark the project changed for its page', {
      project: key.data,
      error: errorText(error),
    });
  }
}

/** A resolver for `key`: its answer is typed by the contract's result schema (`ResultOf<K>`). */
export function resolver<K extends ResolverKey>(
  key: K,
  requirements: readonly Requirement[],
  run: (caller: Caller, payload: PayloadOf<K>) => Promise<ResultOf<K>>,
): (request: ResolverRequest) => Promise<Result<ResultOf<K>>> {
  return async (request) => {
    try {
      const context = TrustedContextSchema.safeParse(request.context ?? {});
      if (!context.success || !context.data.accountId) {
        return failure('unauthenticated', 'Sign in to Jira to use Dual Track.');
      }
      const payload = RESOLVER_PAYLOADS[key].safeParse(request.payload ?? {});
      if (!payload.success) {
        return failure('invalid-input', describeIssues(payload.error), {
          fields: payload.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        });
      }
      const caller: Caller = {
        accountId: context.data.accountId,
        context: context.data,
        jira: jiraAsUser(context.data.accountId),
        now: new Date(),
      };
      for (const requirement of requirements) await requirePermissions(caller, requirement);
      const data = await run(caller, payload.data as PayloadOf<K>);
      if (PROJECT_WRITES.has(key)) await refreshSharedOverview(caller);
      return { ok: true, data };
    } catch (error) {
      return toFailure(error);
    }
  };
}

function failure<T>(code: BridgeError['code'], message: string, details?: unknown): Result<T> {
  // An undefined `details` is dropped when Forge sends the answer as JSON.
  return { ok: false, error: { code, message, details } };
}

export function toFailure<T>(error: unknown): Result<T> {
  return { ok: false, error: failureOf(error) };
}
