import type { ResolverKey, Result } from '../../src/contract/bridge-contract';
import {
  AUDIT_MAX,
  appendAudit,
  readAuditHead,
  type AuditPage,
} from '../../src/storage/audit-store';
import { useEmulator } from '../helpers/emulator';
import { callResolver } from '../helpers/invoke';
import { seedEnforcementSite, type EnforcementSite } from './enforcement-site';

/** Waivers and the audit log through the real resolvers, as Forge invokes them. */
const ctx = useEmulator();
let site: EnforcementSite;

beforeEach(() => {
  site = seedEnforcementSite(ctx.em);
});

function call<T>(key: ResolverKey, accountId: string, payload: unknown): Promise<Result<T>> {
  return callResolver<T>(ctx.em, key, accountId, payload, {
    extension: { project: { id: site.projectId, key: 'DT' } },
  });
}

const inDays = (days: number) =>
  new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe('waivers', () => {
  it('a project admin grants one; it is listed and audited with who approved it and why', async () => {
    const issue = ctx.em.addIssue({ projectKey: 'DT', type: 'Enabler', summary: 'x' });
    const granted = await call('waiver/grant', site.projectAdmin, {
      issueKey: issue.key,
      reason: 'Security fix, outcome known',
      expiresOn: inDays(14),
    });
    expect(granted.ok).toBe(true);
    const list = await call<{ waivers: unknown[] }>('waiver/list', site.projectAdmin, {});
    expect(list.ok && list.data.waivers).toEqual([
      expect.objectContaining({ issueKey: issue.key, grantedBy: site.projectAdmin }),
    ]);
    const audit = await call<AuditPage>('audit/list', site.projectAdmin, {});
    expect(audit.ok && audit.data.entries[0]).toMatchObject({
      action: 'waiver-granted',
      actor: site.projectAdmin,
      waiver: { grantedBy: site.projectAdmin, reason: 'Security fix, outcome known' },
    });
    const revoked = await call('waiver/revoke', site.projectAdmin, { issueKey: issue.key });
    expect(revoked.ok).toBe(true);
    const after = await call<{ waivers: unknown[] }>('waiver/list', site.projectAdmin, {});
    expect(after.ok && after.data.waivers).toEqual([]);
  });

  it('refuses a member, an expiry beyond 90 days and one in the past', async () => {
    const issue = ctx.em.addIssue({ projectKey: 'DT', type: 'Enabler', summary: 'x' });
    const member = await call('waiver/grant', site.member, {
      issueKey: issue.key,
      reason: 'r',
      expiresOn: inDays(3),
    });
    expect(!member.ok && member.error.code).toBe('forbidden');
    const far = await call('waiver/grant', site.projectAdmin, {
      issueKey: issue.key,
      reason: 'r',
      expiresOn: inDays(91),
    });
    expect(!far.ok && far.error.message).toBe('expiresOn: must be at most 90 days from today');
    const past = await call('waiver/grant', site.projectAdmin, {
      issueKey: issue.key,
      reason: 'r',
      expiresOn: inDays(-2),
    });
    expect(!past.ok && past.error.code).toBe('invalid-input');
    const list = await call('audit/list', site.member, {});
    expect(!list.ok && list.error.code).toBe('forbidden');
  });
});

describe('audit log', () => {
  it('is paged newest first with a cursor and keeps at most AUDIT_MAX entries, counting the dropped', async () => {
    const total = AUDIT_MAX + 20;
    // Entries about issues the admin can see (others are listed without their detail).
    const issues = Array.from({ length: total }, (_, n) =>
      ctx.em.addIssue({ projectKey: 'DT', type: 'Enabler', summary: `item ${n}` }),
    );
    const entry = (n: number) => ({
      at: new Date(Date.UTC(2026, 10, 1, 0, n)).toISOString(),
      action: 'blocked' as const,
      source: 'test',
      rule: 'scoped-outcome',
      issueId: issues[n]!.id,
      issueKey: issues[n]!.key,
      actor: null,
      detail: `entry ${n}`,
    });
    const batch = Array.from({ length: total }, (_, n) => entry(n));
    // Seeded through the app's own store, as setup (no invocation writes this many at once).
    await ctx.em.invocations.setup(async () => appendAudit('DT', await readAuditHead('DT'), batch));

    const first = await call<AuditPage>('audit/list', site.projectAdmin, { limit: 100 });
    if (!first.ok) throw new Error(first.error.message);
    expect(first.data.kept).toBe(AUDIT_MAX);
    expect(first.data.dropped).toBe(20);
    expect(first.data.entries[0]?.detail).toBe(`entry ${total - 1}`);
    expect(first.data.entries).toHaveLength(100);

    let cursor = first.data.nextCursor;
    let seen = first.data.entries.length;
    let last = first.data.entries.at(-1)?.detail;
    while (cursor !== undefined) {
      const page = await call<AuditPage>('audit/list', site.projectAdmin, { cursor, limit: 100 });
      if (!page.ok) throw new Error(page.error.message);
      seen += page.data.entries.length;
      last = page.data.entries.at(-1)?.detail ?? last;
      cursor = page.data.nextCursor;
    }
    expect(seen).toBe(AUDIT_MAX);
    expect(last).toBe('entry 20');
  });
});

/**
 * Issue security levels (issue 19, item 7): a project admin may not hold an item's level. The
 * waiver list and the audit log, read from storage as the app, then leave out which item it is
 * and why; an admin holding the level sees them in full.
 */
describe('waivers and audit entries of an item the reader may not see', () => {
  it('are listed without the item, its detail or reason for an admin outside its level', async () => {
    ctx.em.addUser({ accountId: 'user-other-admin', displayName: 'Otto Admin' });
    ctx.em.grant('DT', 'user-other-admin', ['BROWSE_PROJECTS', 'ADMINISTER_PROJECTS']);
    const issue = ctx.em.addIssue({ projectKey: 'DT', type: 'Enabler', summary: 'Key rotation' });
    const granted = await call('waiver/grant', site.projectAdmin, {
      issueKey: issue.key,
      reason: 'Incident follow-up for the payments breach',
      expiresOn: inDays(14),
    });
    expect(granted.ok).toBe(true);
    const level = ctx.em.addSecurityLevel({ name: 'Security', members: [site.projectAdmin] });
    ctx.em.setSecurityLevel(issue.key, level.id);

    type Listed = { waivers: Array<Record<string, unknown>> };
    const outside = await call<Listed>('waiver/list', 'user-other-admin', {});
    expect(outside.ok && outside.data.waivers).toEqual([
      expect.objectContaining({ issueKey: '', reason: '', hidden: true }),
    ]);
    const audit = await call<AuditPage>('audit/list', 'user-other-admin', {});
    const text = JSON.stringify(audit);
    expect(text).not.toContain(issue.key);
    expect(text).not.toContain('payments breach');
    expect(audit.ok && audit.data.entries[0]).toMatchObject({
      action: 'waiver-granted',
      detail: 'About an item you may not have access to (or one that no longer exists).',
      hidden: true,
    });

    const inside = await call<Listed>('waiver/list', site.projectAdmin, {});
    expect(inside.ok && inside.data.waivers).toEqual([
      expect.objectContaining({
        issueKey: issue.key,
        reason: 'Incident follow-up for the payments breach',
      }),
    ]);
    const full = await call<AuditPage>('audit/list', site.projectAdmin, {});
    expect(full.ok && full.data.entries[0]).toMatchObject({ issueKey: issue.key });
    expect(full.ok && 'hidden' in (full.data.entries[0] ?? {})).toBe(false);
  });
});
