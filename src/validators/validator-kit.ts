import { z } from 'zod';
import { errorText, logger } from '../runtime/log';
import { describeConfigIssues } from '../domain/config';
import { explainJiraFailure, isJiraError } from '../jira/errors';
import { projectOfIssueKey, type InFlight, type RetryPolicy } from '../jira/jira-gateway';
import { DeadlineExceededError, sleep, withDeadline } from '../runtime/wait';
import { StoredValueError } from '../storage/kvs-store';
import { AppFieldMissingError } from '../items/app-fields';
import { ItemShapeError } from '../items/item-facts';
import {
  parseRuleConfiguration,
  ValidatorArgsSchema,
  type RuleConfiguration,
  type ValidatorResult,
} from './validator-contract';

/**
 * What every Dual Track workflow validator does the same way: parse Jira's argument and the
 * rule's configuration, refuse with a message naming the rule, and explain a failure to decide
 * (fail closed, never throw).
 */

/** Bounded waiting on a 429: at most two retries, only for Retry-After of 3 s or less. */
export const VALIDATOR_RETRY: RetryPolicy = {
  maxRetries: 2,
  maxWaitSeconds: 3,
  sleep: (ms) => sleep(ms),
};

/**
 * A validator decides within 10 s of Forge's 25 s (https://developer.atlassian.com/platform/forge/limits-invocation/):
 * a function stopped at the limit gives Jira no answer and the person no reason, so the rest is
 * kept for the start-up of the function, the audit write after a refusal and the answer's way back.
 * Two 429 waits of up to 3 s each (VALIDATOR_RETRY) still fit inside it.
 */
export const DECISION_DEADLINE_MS = 10_000;

/**
 * Runs a decision under DECISION_DEADLINE_MS on real timers (virtual ones under the emulator).
 * The work gets the list its Jira gateway keeps of unanswered requests, which the refusal names.
 */
export function decideInTime(
  work: (inFlight: InFlight) => Promise<ValidatorResult>,
): Promise<ValidatorResult> {
  const inFlight: InFlight = [];
  return withDeadline(
    DECISION_DEADLINE_MS,
    () => work(inFlight),
    () => [...inFlight],
  );
}

export const allow = (): ValidatorResult => ({ result: true });
export const refuse = (errorMessage: string): ValidatorResult => ({
  result: false,
  errorMessage,
});

/** What a refusal asks for, each thing apart: "To fix: a; b." */
export const toFix = (missing: readonly string[]): string => `To fix: ${missing.join('; ')}.`;

export function cannotCheck(ruleName: string, key: string, why: string): ValidatorResult {
  return refuse(
    `${ruleName}: the check for ${key} could not be completed, so the transition is refused. ${why}`,
  );
}

export interface ValidatorCall {
  key: string;
  projectKey: string;
  modifiedFields: Record<string, unknown> | undefined;
  rule: RuleConfiguration;
}

/** Parses the argument and the rule configuration; a refusal explains what is unusable. */
export function openValidatorCall(
  ruleName: string,
  args: unknown,
): { ok: true; call: ValidatorCall } | { ok: false; answer: ValidatorResult } {
  const parsed = ValidatorArgsSchema.safeParse(args);
  if (!parsed.success) {
    return {
      ok: false,
      answer: refuse(
        `${ruleName}: the validator was called without a usable issue (${describeConfigIssues(parsed.error).join('; ')}). The transition is refused; ask a Jira admin to check the workflow rule.`,
      ),
    };
  }
  const key = parsed.data.issue.key;
  const rule = parseRuleConfiguration(parsed.data.configuration);
  if (!rule.ok) {
    return {
      ok: false,
      answer: refuse(
        `${ruleName} is misconfigured on this transition (${rule.message}). The transition is refused; ask a Jira admin to edit the rule.`,
      ),
    };
  }
  const projectKey = projectOfIssueKey(key);
  if (!projectKey) {
    return { ok: false, answer: cannotCheck(ruleName, key, 'The issue key has no project part.') };
  }
  return {
    ok: true,
    call: { key, projectKey, modifiedFields: parsed.data.modifiedFields, rule: rule.value },
  };
}

/** Why a validator could not decide, in words for the person making the transition. */
export function reasonFor(ruleKey: string, error: unknown): string {
  if (error instanceof DeadlineExceededError) {
    const slow = error.pending.length > 0 ? 'Jira' : 'Forge storage';
    const what = error.pending.length > 0 ? ` (${error.pending.join(', ')})` : '';
    return `Dual Track could not check this work item in time: ${slow} took longer than ${error.ms / 1000} s to answer${what}. Try again; if it persists, ask your Jira admin.`;
  }
  if (isJiraError(error)) {
    if (error.kind === 'not-found') {
      return 'Jira says the issue does not exist or the app cannot see it (it may have been deleted, or the app lacks Browse permission on the project).';
    }
    if (error.kind === 'rate-limited') {
      // Fail closed with the wait: "Jira is busy, try again in N s".
      return `${explainJiraFailure(error)}: Jira's rate limit for apps was reached.`;
    }
    return `${explainJiraFailure(error)}.`;
  }
  if (error instanceof StoredValueError) {
    return `Dual Track's settings could not be read (${error.message}). A Jira admin should open the Dual Track settings and save them again.`;
  }
  if (error instanceof AppFieldMissingError) return error.message;
  if (error instanceof ItemShapeError) return `${error.message}, which the check needs.`;
  if (error instanceof z.ZodError) {
    return `Dual Track's settings are not valid (${describeConfigIssues(error).join('; ')}). A Jira admin should correct them in the Dual Track settings.`;
  }
  logger(ruleKey).error('unexpected failure', { error: errorText(error) });
  return 'An unexpected error occurred in Dual Track; the details are in the app logs.';
}
