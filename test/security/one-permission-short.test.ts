import type { ResolverKey, Result } from '../../src/contract/bridge-contract';
import { ALL_PROJECT_PERMISSIONS, type ProjectPermission } from '../../dev/emulator/model';
import { useEmulator } from '../helpers/emulator';
import { callResolver } from '../helpers/invoke';
import { extensionOf, jiraWrites, ROWS, seedSecuritySite } from './security-site';

/**
 * A caller who holds every project permission but one, for each resolver whose requirement lists
 * more than one: refused for each permission it lists, changing nothing, and (where Jira lets the
 * app ask) told which permission is missing. The permission matrix's callers lack all or none of
 * them, so a permission dropped from such a list would pass it unnoticed; this suite is what
 * `node dev/tools/permission-removal.mjs` sees fail when one is dropped.
 *
 * Jira's reference does not say what GET /mypermissions answers for an issue the caller may not
 * see, so each case runs under both answers the emulator offers (`unseenIssuePermissions`).
 */
const ctx = useEmulator();

const EDIT: ProjectPermission[] = ['BROWSE_PROJECTS', 'EDIT_ISSUES'];
const CREATE_AND_LINK: ProjectPermission[] = ['BROWSE_PROJECTS', 'CREATE_ISSUES', 'LINK_ISSUES'];

/** The permissions each key's requirement lists (src/resolvers). */
const LISTED: Record<string, ProjectPermission[]> = {
  'evidence/add': EDIT,
  'evidence/update': EDIT,
  'evidence/remove': EDIT,
  'evidence/restore': EDIT,
  'evidence/decide': EDIT,
  'issue/feasibility/flag': EDIT,
  'issue/feasibility/sign-off': EDIT,
  'issue/spike/learned': EDIT,
  'issue/triage/save': EDIT,
  'retro/outcome/record': EDIT,
  'jpd/idea/evidence/add': EDIT,
  'jpd/idea/evidence/update': EDIT,
  'jpd/idea/evidence/remove': EDIT,
  'jpd/idea/evidence/restore': EDIT,
  'jpd/idea/evidence/decide': EDIT,
  'promote/draft': CREATE_AND_LINK,
  'promote/run': CREATE_AND_LINK,
  'issue/explore-first': CREATE_AND_LINK,
  'jpd/idea/promote/draft': CREATE_AND_LINK,
  'jpd/idea/promote/run': CREATE_AND_LINK,
  'templates/create': ['BROWSE_PROJECTS', 'CREATE_ISSUES'],
};

/**
 * Adds the caller `user-short`, holding every project permission but `lacking` (none: all) in
 * every project, or only in DT when `onlyIn` says so.
 */
function addShortCaller(lacking?: ProjectPermission, onlyIn?: string): void {
  ctx.em.addUser({ accountId: 'user-short', displayName: 'Sid Short' });
  for (const project of ctx.em.projects.values()) {
    const short = onlyIn === undefined || project.key === onlyIn;
    ctx.em.grant(
      project.key,
      'user-short',
      ALL_PROJECT_PERMISSIONS.filter((p) => !short || p !== lacking),
    );
  }
}

/**
 * Where the caller lacks it: in every project, or (promoting an idea of a connected space, which
 * needs the permissions in the page's project) only in DT, holding everything on the idea.
 */
type Scope = 'every project' | 'DT only';
const CASES = Object.entries(LISTED).flatMap(([key, listed]) =>
  listed.flatMap((lacking) =>
    (['not-found', 'answer'] as const).flatMap((unseen) =>
      (key.startsWith('jpd/idea/promote/')
        ? (['every project', 'DT only'] as Scope[])
        : ['every project' as Scope]
      ).map((scope) => [key, lacking, unseen, scope] as const),
    ),
  ),
);

it('lists every key whose requirement names more than one permission', () => {
  const multi = Object.entries(ROWS)
    .filter(([, row]) => row.need === 'edit-issue' || row.need === 'create-in-project')
    .map(([key]) => key);
  expect(Object.keys(LISTED).sort()).toEqual(multi.sort());
});

it.each(CASES)(
  '%s as a caller without %s (an unseen issue’s permissions: %s; lacking it in %s)',
  async (key, lacking, unseen, scope) => {
    const w = seedSecuritySite(ctx.em);
    const row = ROWS[key];
    if (!row) throw new Error(`no row for ${key}`);
    ctx.em.unseenIssuePermissions = unseen;
    addShortCaller(lacking, scope === 'DT only' ? 'DT' : undefined);
    ctx.em.resetCalls();
    ctx.em.kvs.resetCounts();
    const result: Result<unknown> = await callResolver(
      ctx.em,
      key as ResolverKey,
      'user-short',
      row.payload(w),
      { extension: extensionOf(w, row.where, false) },
    );
    if (result.ok) throw new Error(`${key} answered ok to a caller without ${lacking}`);
    expect(jiraWrites(ctx.em)).toEqual([]);
    expect(ctx.em.kvs.writes()).toBe(0);
    // Jira hides an issue the caller may browse nowhere (404: not-found) when it answers so for
    // its permissions, and always when the app reads it as the caller before asking (a JPD idea).
    // Every other refusal is the app's own, naming what is missing.
    const hidden = unseen === 'not-found' || key.startsWith('jpd/');
    if (lacking === 'BROWSE_PROJECTS' && scope === 'every project' && hidden) {
      if (result.error.code === 'not-found') return;
    }
    expect(result.error.code).toBe('forbidden');
    expect((result.error.details as { missing?: unknown } | undefined)?.missing).toContain(lacking);
  },
);

/** Keys whose requirement is on one issue of the page's project, and where that issue is. */
const ON_AN_ISSUE = Object.keys(LISTED).filter(
  (key) => !key.startsWith('jpd/') && key !== 'templates/create',
);

describe('an item under an issue security level the caller is not in', () => {
  const CASES_HIDDEN = ON_AN_ISSUE.flatMap((key) =>
    (['not-found', 'answer'] as const).map((unseen) => [key, unseen] as const),
  );

  it.each(CASES_HIDDEN)(
    '%s by a caller holding every permission (an unseen issue’s permissions: %s)',
    async (key, unseen) => {
      const w = seedSecuritySite(ctx.em);
      const row = ROWS[key];
      if (!row) throw new Error(`no row for ${key}`);
      ctx.em.unseenIssuePermissions = unseen;
      addShortCaller();
      const payload = row.payload(w);
      const extension = extensionOf(w, row.where, false);
      const named =
        typeof payload['issueKey'] === 'string'
          ? payload['issueKey']
          : (extension['issue'] as { key: string }).key;
      const level = ctx.em.addSecurityLevel({ name: 'Board only', members: [], app: true });
      ctx.em.setSecurityLevel(named, level.id);
      ctx.em.resetCalls();
      ctx.em.kvs.resetCounts();
      const result = await callResolver(ctx.em, key as ResolverKey, 'user-short', payload, {
        extension,
      });
      if (result.ok)
        throw new Error(`${key} answered ok about ${named}, which the caller cannot see`);
      expect(jiraWrites(ctx.em)).toEqual([]);
      expect(ctx.em.kvs.writes()).toBe(0);
      if (unseen === 'not-found') {
        expect(result.error.code).toBe('not-found');
        return;
      }
      // Jira answers its permissions: the app's own check refuses, before anything is read.
      expect(result.error.code).toBe('forbidden');
      expect((result.error.details as { missing?: unknown } | undefined)?.missing).toEqual([
        'BROWSE_PROJECTS',
      ]);
    },
  );
});

describe('what a reader is told they may do', () => {
  /** `key` read as a caller holding every project permission but `lacking` (none: all). */
  async function readAs(key: string, lacking?: ProjectPermission) {
    const w = seedSecuritySite(ctx.em);
    const row = ROWS[key];
    if (!row) throw new Error(`no row for ${key}`);
    addShortCaller(lacking);
    const result = await callResolver(ctx.em, key as ResolverKey, 'user-short', row.payload(w), {
      extension: extensionOf(w, row.where, false),
    });
    if (!result.ok) throw new Error(`${key}: ${result.error.code} ${result.error.message}`);
    return result.data as {
      canEdit: boolean;
      canPromote?: boolean;
      feasibility?: { maySignOff: boolean } | null;
    };
  }

  type Told = { canEdit?: boolean; canPromote?: boolean; maySignOff?: boolean };
  const TOLD: Array<[string, ProjectPermission | undefined, Told]> = [
    ['issue/readiness', undefined, { canEdit: true, canPromote: true, maySignOff: true }],
    ['issue/readiness', 'EDIT_ISSUES', { canEdit: false, maySignOff: false }],
    ['issue/readiness', 'CREATE_ISSUES', { canEdit: true, canPromote: false }],
    ['issue/readiness', 'LINK_ISSUES', { canEdit: true, canPromote: false }],
    ['jpd/idea/evidence/list', undefined, { canEdit: true }],
    ['jpd/idea/evidence/list', 'EDIT_ISSUES', { canEdit: false }],
  ];

  it.each(TOLD)('%s without %s', async (key, lacking, told) => {
    const data = await readAs(key, lacking);
    expect({
      canEdit: data.canEdit,
      canPromote: data.canPromote,
      maySignOff: data.feasibility?.maySignOff,
    }).toMatchObject(told);
  });

  it.each(['not-found', 'answer'] as const)(
    'the issue panel of an item under a security level the reader is not in gives nothing (an unseen issue’s permissions: %s)',
    async (unseen) => {
      const w = seedSecuritySite(ctx.em);
      ctx.em.unseenIssuePermissions = unseen;
      const level = ctx.em.addSecurityLevel({ name: 'Board only', members: [], app: true });
      ctx.em.setSecurityLevel(w.idea.key, level.id);
      const result = await callResolver(
        ctx.em,
        'issue/readiness',
        'user-project-admin',
        {},
        {
          extension: extensionOf(w, 'idea', false),
        },
      );
      expect(result).toMatchObject({
        ok: false,
        error: { code: unseen === 'answer' ? 'forbidden' : 'not-found' },
      });
      expect(Object.keys(result)).toEqual(['ok', 'error']);
    },
  );
});
