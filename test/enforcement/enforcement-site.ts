import type { EmIssue, EmSprint } from '../../dev/emulator/model';
import type { JiraEmulator } from '../../dev/emulator/jira-emulator';
import type { Waiver } from '../../src/domain/sprint-readiness';
import { listAudit, type AuditEntry } from '../../src/storage/audit-store';
import { dayBucket } from '../../src/storage/enforcement-store';
import { ENFORCEMENT_KEYS, KEYS } from '../../src/storage/key-families';
import { inInvocation } from '../helpers/invoke';
import { sprintChangeEvent, type EnforcementSite } from '../../dev/emulator/enforcement-seed';

/**
 * The enforcement tests' site and event payloads, dev/emulator/enforcement-seed.ts (kept with the
 * emulator so that the bench, which is not test code, seeds the same site), and what the sprint
 * guard's tests do to it: add an enabler, drag it into a sprint, waive it, override DT's settings.
 */
export * from '../../dev/emulator/enforcement-seed';

/** An enabler (or another gated type) in DT, with its Scoped outcome value when given. */
export function addEnabler(
  em: JiraEmulator,
  site: EnforcementSite,
  custom?: unknown,
  type = 'Enabler',
): EmIssue {
  return em.addIssue({
    projectKey: 'DT',
    type,
    summary: 'Pick a cache',
    custom: custom === undefined ? {} : { [site.scopedOutcome.id]: custom },
  });
}

/** The user drags the item into a sprint: Jira sets the field, then sends the event. */
export function dragIntoSprint(
  em: JiraEmulator,
  issue: EmIssue,
  sprint: EmSprint,
  changelogId = '50001',
) {
  em.setSprint(issue.key, sprint.id);
  return sprintChangeEvent(em, issue, { to: sprint, changelogId });
}

/** DT's waiver book holding one waiver for the item, granted by the project admin. */
export function waiverBookFor(issue: EmIssue, expiresOn: string) {
  const waiver: Waiver = {
    issueId: issue.id,
    issueKey: issue.key,
    reason: 'Hotfix spike agreed with the PO',
    expiresOn,
    grantedBy: 'user-padmin',
    grantedAt: '2026-11-01T00:00:00.000Z',
  };
  return { version: 1, waivers: [waiver] };
}

/** An item of `type` in DT, already in `sprint` (as the sprint-start check finds it). */
export function addInSprint(
  em: JiraEmulator,
  sprint: EmSprint,
  type: string,
  custom: Record<string, unknown> = {},
): EmIssue {
  const issue = em.addIssue({ projectKey: 'DT', type, summary: `${type} item`, custom });
  em.setSprint(issue.key, sprint.id);
  return issue;
}

/** DT's settings override, as the project admin saved it. */
export function overrideProject(em: JiraEmulator, site: EnforcementSite, override: unknown): void {
  em.kvs.seed(KEYS.projectConfig('DT'), {
    version: 1,
    updatedAt: '2026-11-01T00:00:00.000Z',
    updatedBy: site.admin,
    projectId: site.projectId,
    override,
  });
}

/** The issue of `key`; a test that names one the site lacks fails here. */
export function issueOf(em: JiraEmulator, key: string): EmIssue {
  const found = em.findIssue(key);
  if (!found) throw new Error(`no issue ${key}`);
  return found;
}

/** The event Jira sends when an issue's status changes (Forge's issue events reference). */
export function statusChangeEvent(
  em: JiraEmulator,
  key: string,
  actor: string,
  changelogId = '70001',
) {
  const issue = issueOf(em, key);
  const project = em.projects.get(issue.projectId);
  return {
    eventType: 'avi:jira:updated:issue',
    atlassianId: actor,
    issue: { id: issue.id, key, fields: { project: { id: project?.id, key: project?.key } } },
    changelog: {
      id: changelogId,
      items: [{ field: 'status', fieldId: 'status', from: '3', to: '10002' }],
    },
  };
}

/** Every audit entry of a project, oldest first, read as the audit/list resolver reads it. */
export async function auditLog(em: JiraEmulator, projectKey = 'DT'): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await inInvocation(em, 'resolver', 'audit/list: listAudit', () =>
      listAudit(projectKey, cursor, 100),
    );
    entries.push(...page.entries);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return entries.reverse();
}

/** Where a trigger's claim of the event `dedupeKey` lives on the day of `at`. */
export const claimKeyOf = (dedupeKey: string, at: Date) =>
  ENFORCEMENT_KEYS.event(dayBucket(at), dedupeKey);

/** The claim an earlier attempt of the event left: pending, with its plan and the steps it did. */
export function seedStoppedAttempt(
  em: JiraEmulator,
  dedupeKey: string,
  at: Date,
  attempt: { plan: unknown; done: string[] },
): void {
  em.kvs.seed(claimKeyOf(dedupeKey, at), {
    version: 1,
    state: 'pending',
    at: at.toISOString(),
    ...attempt,
  });
}
