import { z } from 'zod';
import { errorText, logger } from '../runtime/log';
import { Refusal, type ErrorCode, type Failure } from '../domain/failure';
/**
 * Typed failures of a Jira call. The gateway never hands a raw response to the rest of the app:
 * a caller gets parsed data or one of these.
 */
export type JiraFailureKind =
  | 'not-found'
  | 'forbidden'
  | 'unauthorized'
  | 'rate-limited'
  | 'bad-request'
  | 'server-error'
  | 'bad-response'
  | 'network';

export class JiraError extends Error {
  readonly kind: JiraFailureKind;
  readonly status: number | undefined;
  /** For 'rate-limited': seconds Jira asked us to wait before the next try. */
  readonly retryAfterSeconds: number | undefined;
  /**
   * For 'rate-limited': the limit Jira names in `RateLimit-Reason` (`jira-quota-global-based`,
   * `jira-quota-tenant-based`, `jira-burst-based`, `jira-per-issue-on-write`), when it does.
   */
  readonly rateLimitReason: string | undefined;
  /** What was asked, e.g. "GET /rest/api/3/issue/DT-1". */
  readonly operation: string;
  /** Jira's per-field messages (`errors: { fieldId: message }` of a 400), empty when none. */
  readonly fieldErrors: Readonly<Record<string, string>>;

  constructor(args: {
    kind: JiraFailureKind;
    operation: string;
    message: string;
    status?: number | undefined;
    retryAfterSeconds?: number | undefined;
    rateLimitReason?: string | undefined;
    fieldErrors?: Readonly<Record<string, string>> | undefined;
  }) {
    super(args.message);
    this.name = 'JiraError';
    this.kind = args.kind;
    this.status = args.status;
    this.retryAfterSeconds = args.retryAfterSeconds;
    this.rateLimitReason = args.rateLimitReason;
    this.operation = args.operation;
    this.fieldErrors = args.fieldErrors ?? {};
  }
}

export function isJiraError(error: unknown): error is JiraError {
  return error instanceof JiraError;
}

/** A sentence for a person: what could not be done and why, without internals. */
export function explainJiraFailure(error: JiraError): string {
  switch (error.kind) {
    case 'not-found':
      return 'Jira says it does not exist, or it is not visible to the app';
    case 'forbidden':
    case 'unauthorized':
      return 'Jira refused access: the app or the user lacks the permission to read it';
    case 'rate-limited':
      return busyText(error.retryAfterSeconds);
    case 'bad-request':
      return `Jira rejected the request: ${error.message}`;
    case 'server-error':
      return `Jira had an internal error (HTTP ${error.status ?? '5xx'})`;
    case 'bad-response':
      return 'Jira answered with data the app does not understand';
    case 'network':
      return 'Jira could not be reached';
  }
}

/**
 * "Jira is busy, try again in N s" (with minutes beside a long wait, as a quota that ran out
 * resets only at the top of the hour).
 */
export function busyText(retryAfterSeconds: number | undefined): string {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds ?? 1));
  const minutes = seconds >= 120 ? ` (about ${Math.ceil(seconds / 60)} min)` : '';
  return `Jira is busy, try again in ${seconds} s${minutes}`;
}

/** Says which fields of a payload or answer failed their schema, and how. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : 'payload'}: ${i.message}`)
    .join('; ');
}

/**
 * What any error means to the caller: a feature's refusal as it was raised, a Jira failure by
 * its kind, a schema failure as invalid input; anything else is internal and logged.
 */
export function failureOf(error: unknown): Failure {
  if (error instanceof Refusal) return error.failure;
  if (isJiraError(error)) {
    const code: ErrorCode =
      error.kind === 'not-found'
        ? 'not-found'
        : error.kind === 'forbidden'
          ? 'forbidden'
          : error.kind === 'unauthorized'
            ? 'unauthenticated'
            : error.kind === 'rate-limited'
              ? 'rate-limited'
              : 'jira-error';
    return {
      code,
      message: `${explainJiraFailure(error)}.`,
      details: {
        operation: error.operation,
        ...(error.retryAfterSeconds === undefined
          ? {}
          : { retryAfterSeconds: error.retryAfterSeconds }),
        ...(error.rateLimitReason === undefined ? {} : { rateLimitReason: error.rateLimitReason }),
      },
    };
  }
  if (error instanceof z.ZodError) return { code: 'invalid-input', message: describeIssues(error) };
  logger('dual-track').error('unexpected failure', { error: errorText(error) });
  return {
    code: 'internal',
    message: 'Something went wrong in Dual Track; the details are in the app logs.',
  };
}
