import { z } from 'zod';
import { DEFAULT_CONFIG } from '../domain/config';
import { checkWaiverExpiry, isWaiverActive, type Waiver } from '../domain/sprint-readiness';
import { myPermissions } from '../jira/permissions';
import { visibleIssueIds } from '../jira/issues';
import { displayNames } from '../jira/user-names';
import { appendAudit, listAudit, readAuditHead, type AuditEntry } from '../storage/audit-store';
import { JiraFieldIdsSchema, readGlobalConfig } from '../storage/config-store';
import { parseStored, readOne } from '../storage/kvs-store';
import { changeWaivers, readWaivers } from '../storage/waiver-store';
import { appFieldId } from '../items/app-fields';
import { jiraAsApp } from '../jira/jira-gateway';
import type { ResolverGroup } from './all-resolvers';
import { fail, projectOf, resolver, type Caller, type Requirement } from './resolver-kit';
import { KEYS } from '../storage/key-families';

/**
 * Waivers and the audit log, for project admins (Administer projects, checked with Jira as the
 * caller before anything is read or written). A waiver names one issue by key in the payload;
 * the caller must administer that issue's project, and on a project page it must belong to the
 * context project. The issue is read as the caller, so a waiver can only name an issue they see.
 * The lists also name the people in them (`names`: account id to display name, one
 * GET /rest/api/3/user/bulk as the caller; an id Jira does not name stays an id).
 */

const projectAdmin: Requirement = {
  context: (caller) => ({ kind: 'project', projectKey: projectOf(caller).key }),
  permissions: ['ADMINISTER_PROJECTS'],
  because: 'Only project admins can see the waivers and the audit log of this project.',
};

const jiraAdmin: Requirement = {
  context: () => ({ kind: 'global' }),
  permissions: ['ADMINISTER'],
  because: 'Only Jira admins can configure Dual Track workflow rules.',
};

const IssueSchema = z
  .object({
    id: z.string(),
    key: z.string(),
    fields: z
      .object({ project: z.object({ id: z.string(), key: z.string() }).passthrough() })
      .passthrough(),
  })
  .passthrough();

async function adminIssue(caller: Caller, issueKey: string) {
  const held = await myPermissions(caller.jira, { kind: 'issue', issueKey }, [
    'ADMINISTER_PROJECTS',
  ]);
  if (!held.has('ADMINISTER_PROJECTS')) {
    return fail(
      'forbidden',
      `Only an admin of ${issueKey}'s project can grant or revoke a waiver for it.`,
      { missing: ['ADMINISTER_PROJECTS'] },
    );
  }
  const issue = IssueSchema.parse(await caller.jira.getIssue(issueKey, ['project']));
  const contextProject = caller.context.extension?.project;
  if (contextProject && contextProject.key !== issue.fields.project.key) {
    const message = `issueKey: ${issue.key} is not in project ${contextProject.key}.`;
    return fail('invalid-input', message, { fields: [{ path: 'issueKey', message }] });
  }
  return { id: issue.id, key: issue.key, projectKey: issue.fields.project.key };
}

/** An audit entry about an item the reader may not see: when, what and who, not which or why. */
function hiddenEntry(e: AuditEntry): AuditEntry & { hidden: true } {
  return {
    ...e,
    issueKey: '',
    detail: 'About an item you may not have access to (or one that no longer exists).',
    ...(e.waiver ? { waiver: { ...e.waiver, reason: '' } } : {}),
    hidden: true,
  };
}

export const enforcementResolvers: ResolverGroup = {
  'waiver/grant': resolver('waiver/grant', [], async (caller, payload) => {
    const problem = checkWaiverExpiry(payload.expiresOn, caller.now);
    if (problem) {
      return fail('invalid-input', `expiresOn: ${problem}`, {
        fields: [{ path: 'expiresOn', message: problem }],
      });
    }
    const issue = await adminIssue(caller, payload.issueKey);
    const waiver: Waiver = {
      issueId: issue.id,
      issueKey: issue.key,
      reason: payload.reason,
      expiresOn: payload.expiresOn,
      grantedBy: caller.accountId,
      grantedAt: caller.now.toISOString(),
    };
    const saved = await changeWaivers(issue.projectKey, caller.now, (active) => ({
      ok: true,
      waivers: [...active.filter((w) => w.issueId !== issue.id), waiver],
      detail: waiver,
    }));
    if (!saved.ok) return fail('conflict', saved.message);
    await appendAudit(issue.projectKey, await readAuditHead(issue.projectKey), [
      {
        at: caller.now.toISOString(),
        action: 'waiver-granted',
        source: 'waiver/grant',
        rule: 'waiver',
        issueId: issue.id,
        issueKey: issue.key,
        actor: caller.accountId,
        detail: `Waiver until ${waiver.expiresOn}: ${waiver.reason}`,
        waiver: { grantedBy: caller.accountId, reason: waiver.reason, expiresOn: waiver.expiresOn },
      },
    ]);
    return { waiver };
  }),

  'waiver/revoke': resolver('waiver/revoke', [], async (caller, payload) => {
    const issue = await adminIssue(caller, payload.issueKey);
    const saved = await changeWaivers<Waiver>(issue.projectKey, caller.now, (active) => {
      const existing = active.find((w) => w.issueId === issue.id);
      if (!existing) {
        return { ok: false, code: 'not-found', message: `${issue.key} has no active waiver.` };
      }
      return { ok: true, waivers: active.filter((w) => w !== existing), detail: existing };
    });
    if (!saved.ok)
      return fail(saved.code === 'not-found' ? 'not-found' : 'conflict', saved.message);
    await appendAudit(issue.projectKey, await readAuditHead(issue.projectKey), [
      {
        at: caller.now.toISOString(),
        action: 'waiver-revoked',
        source: 'waiver/revoke',
        rule: 'waiver',
        issueId: issue.id,
        issueKey: issue.key,
        actor: caller.accountId,
        detail: `Waiver revoked (it was granted by ${saved.detail.grantedBy}: ${saved.detail.reason})`,
      },
    ]);
    return { revoked: saved.detail };
  }),

  'waiver/list': resolver('waiver/list', [projectAdmin], async (caller) => {
    const project = projectOf(caller);
    const all = await readWaivers(project.key);
    const active = all.filter((w) => isWaiverActive(w, caller.now));
    // A project admin may not hold an item's issue security level: such an item is not named.
    const seen = await visibleIssueIds(
      caller.jira,
      active.map((w) => w.issueId),
    );
    const waivers = active.map((w) =>
      seen.has(w.issueId) ? w : { ...w, issueKey: '', reason: '', hidden: true },
    );
    const names = await displayNames(
      caller.jira,
      waivers.map((w) => w.grantedBy),
    );
    return { waivers, names: Object.fromEntries(names) };
  }),

  'audit/list': resolver('audit/list', [projectAdmin], async (caller, payload) => {
    const project = projectOf(caller);
    const page = await listAudit(project.key, payload.cursor, payload.limit ?? 25);
    const seen = await visibleIssueIds(
      caller.jira,
      page.entries.map((e) => e.issueId),
    );
    const entries = page.entries.map((e) => (seen.has(e.issueId) ? e : hiddenEntry(e)));
    const names = await displayNames(
      caller.jira,
      entries.flatMap((e) => (e.actor ? [e.actor] : [])),
    );
    return { ...page, entries, names: Object.fromEntries(names) };
  }),

  // The rule configuration screens run in the workflow editor of company-managed projects, which
  // only Jira admins open; the field id is read as the app only after that check.
  'validator/config-defaults': resolver('validator/config-defaults', [jiraAdmin], async () => {
    // Global settings: a workflow is not tied to one project.
    const config = (await readGlobalConfig())?.settings ?? DEFAULT_CONFIG;
    const known =
      parseStored(KEYS.jiraFields, JiraFieldIdsSchema, await readOne(KEYS.jiraFields)) ?? {};
    const field = await appFieldId('scopedOutcome', known, jiraAsApp()).catch(() => undefined);
    return {
      scopedOutcomeFieldId: field?.id,
      gateIssueTypes: config.gate.issueTypes,
      scopedOutcome: config.scopedOutcome,
      maxTimeboxDays: config.spike.maxTimeboxDays,
      validation: config.validation,
    };
  }),
};
