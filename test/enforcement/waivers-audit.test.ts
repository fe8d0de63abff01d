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
    const entry = (n: number) => ({
      at: new Date(Date.UTC(2026, 10, 1, 0, n)).toISOString(),
      action: 'blocked' as const,
      source: 'test',
      rule: 'scoped-outcome',
      issueId: String(10000 + n),
      issueKey: `DT-${n + 1}`,
      actor: null,
      detail: `entry ${n}`,
    });
    const total = AUDIT_MAX + 20;
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
