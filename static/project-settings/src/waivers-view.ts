import { fieldProblemsOf } from '@contract/result-atoms';
import {
  RESOLVER_PAYLOADS,
  type BridgeError,
  type PayloadOf,
  type ResultOf,
} from '@contract/bridge-contract';
import { ENFORCEMENT_RULES, RULE_WORDING } from '@domain/sprint-readiness';
import { checkWaiverExpiry, MAX_WAIVER_DAYS } from '@domain/sprint-readiness';

/**
 * What the waivers and audit log section reads (the answers of `waiver/list` and `audit/list`,
 * checked by the bridge client with the contract's schemas) and the checks of the grant form, the same ones the resolver
 * applies (the contract's payload schema and the domain's expiry rule), so a person sees the
 * problem next to the field before anything is sent. The server checks again.
 */

export type WaiverList = ResultOf<'waiver/list'>;
export type WaiverRow = WaiverList['waivers'][number];
export type AuditPageView = ResultOf<'audit/list'>;
export type AuditRow = AuditPageView['entries'][number];

export interface GrantDraft {
  issueKey: string;
  reason: string;
  expiresOn: string;
}

export type GrantField = keyof GrantDraft;
export type GrantErrors = Partial<Record<GrantField, string>>;

/** The last day a waiver granted today may run to (UTC, as the server counts). */
export function latestExpiry(now: Date): string {
  const today = Date.parse(`${now.toISOString().slice(0, 10)}T00:00:00.000Z`);
  return new Date(today + MAX_WAIVER_DAYS * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

export function today(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** The draft as the resolver's payload, or what is wrong with each field. */
export function checkGrant(
  draft: GrantDraft,
  now: Date,
): { ok: true; payload: PayloadOf<'waiver/grant'> } | { ok: false; errors: GrantErrors } {
  const errors: GrantErrors = {};
  const payload = {
    issueKey: draft.issueKey.trim().toUpperCase(),
    reason: draft.reason.trim(),
    expiresOn: draft.expiresOn.trim(),
  };
  const parsed = RESOLVER_PAYLOADS['waiver/grant'].safeParse(payload);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0];
      if (field === 'issueKey' || field === 'reason' || field === 'expiresOn') {
        errors[field] ??= issue.message;
      }
    }
  }
  if (payload.issueKey === '') errors.issueKey = 'is required';
  if (payload.expiresOn === '') errors.expiresOn = 'is required';
  else if (!errors.expiresOn) {
    const problem = checkWaiverExpiry(payload.expiresOn, now);
    if (problem) errors.expiresOn = problem;
  }
  return Object.keys(errors).length > 0 || !parsed.success
    ? { ok: false, errors }
    : { ok: true, payload: parsed.data };
}

/** The server's field errors (`details.fields`), by field of the form. */
export function serverFieldErrors(error: BridgeError): GrantErrors {
  const out: GrantErrors = {};
  for (const f of fieldProblemsOf(error.details)) {
    const path = f.path.split('.')[0];
    if (path === 'issueKey' || path === 'reason' || path === 'expiresOn') out[path] = f.message;
  }
  return out;
}

export const ACTION_LABELS: Readonly<Record<string, string>> = {
  'moved-back': 'Moved back',
  flagged: 'Flagged',
  blocked: 'Blocked',
  waived: 'Waived',
  'waiver-granted': 'Waiver granted',
  'waiver-revoked': 'Waiver revoked',
  'decision-shared': 'Decision shared',
  failed: 'Failed',
};

export const RULE_LABELS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(ENFORCEMENT_RULES.map((rule) => [rule, RULE_WORDING[rule].name])),
  waiver: 'Waiver',
  'spike-decision': 'Spike decision',
};

/** A name for an account id: the display name Jira gave, else the id. */
export const nameOf = (names: Readonly<Record<string, string>>, accountId: string | null) =>
  accountId === null ? 'not known' : (names[accountId] ?? accountId);
