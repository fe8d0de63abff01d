import { z } from 'zod';
import { errorText, logger } from '../runtime/log';
import { activeWaiverFor, type EnforcementRule } from '../domain/sprint-readiness';
import { appendAudit } from '../storage/audit-store';
import type { EnforcementContext } from '../storage/enforcement-store';
import type { ValidatorResult } from './validator-contract';

/**
 * The last step of a function validator that would refuse: an unexpired waiver lets the
 * transition through (recorded as `waived`, with who approved it and why); otherwise the block
 * is recorded. The audit write never changes the answer: if storage fails, the answer stands.
 */

const ContextSchema = z.object({ accountId: z.string().min(1) }).passthrough();

/** The user who ran the transition, when Forge's invocation context names them. */
export function actorOf(context: unknown): string | undefined {
  const parsed = ContextSchema.safeParse(context);
  return parsed.success ? parsed.data.accountId : undefined;
}

export async function blockOrWaive(
  args: {
    context: EnforcementContext;
    issue: { id: string; key: string };
    actor: string | undefined;
    now: Date;
    source: string;
    rule: EnforcementRule;
    missing: readonly string[];
  },
  refusal: ValidatorResult,
): Promise<ValidatorResult> {
  const { context, issue, now } = args;
  const projectKey = issue.key.slice(0, issue.key.lastIndexOf('-'));
  const waiver = activeWaiverFor(context.waivers, issue.id, now);
  try {
    await appendAudit(projectKey, context.auditHead, [
      {
        at: now.toISOString(),
        action: waiver ? 'waived' : 'blocked',
        source: args.source,
        rule: args.rule,
        issueId: issue.id,
        issueKey: issue.key,
        actor: args.actor ?? null,
        detail: waiver
          ? `Transition allowed by a waiver although: ${args.missing.join('; ')}.`
          : (refusal.errorMessage ?? 'refused'),
        ...(waiver
          ? {
              waiver: {
                grantedBy: waiver.grantedBy,
                reason: waiver.reason,
                expiresOn: waiver.expiresOn,
              },
            }
          : {}),
      },
    ]);
  } catch (error) {
    logger(args.source).warn(`${issue.key}: audit entry not written: ${errorText(error)}`);
  }
  return waiver ? { result: true } : refusal;
}
