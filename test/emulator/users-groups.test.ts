import api, { route } from '@forge/api';
import { seedSite, useEmulator } from '../helpers/emulator';

/**
 * The emulator's user and group reads answer as the contract and Atlassian's "User search" and
 * "Groups" pages say (docs/emulator.md, "Users and groups"), sent through asUser().requestJira.
 */
const ctx = useEmulator();
const probe = <T>(fn: () => Promise<T>): Promise<T> => ctx.em.invocations.setup(fn);
let groupId: string;

beforeEach(() => {
  seedSite(ctx.em);
  ctx.em.addUser({ accountId: 'user-gone', displayName: 'Gil Gone', active: false });
  groupId = ctx.em.addGroup({
    name: 'engineering-leads',
    members: ['user-admin', 'user-gone'],
  }).groupId;
});

type Json = Record<string, unknown>;
async function get(who: string, path: ReturnType<typeof route>) {
  const res = await ctx.em.runAs(who, () => api.asUser().requestJira(path));
  return { status: res.status, body: (await res.json()) as Json | Json[] };
}

describe('user search', () => {
  it('finds active users by the start of a word of their name', () =>
    probe(async () => {
      const found = await get('user-member', route`/rest/api/3/user/search?query=ad`);
      expect(found.status).toBe(200);
      expect((found.body as Json[]).map((u) => u['accountId'])).toEqual(['user-admin']);
      const none = await get('user-member', route`/rest/api/3/user/search?query=gil`);
      expect(none.body).toEqual([]);
    }));

  it('answers 400 without a query and nothing to a caller who may not browse users', () =>
    probe(async () => {
      expect((await get('user-member', route`/rest/api/3/user/search`)).status).toBe(400);
      const member = ctx.em.users.get('user-member');
      if (member) member.browseUsers = false;
      const found = await get('user-member', route`/rest/api/3/user/search?query=ad`);
      expect(found).toEqual({ status: 200, body: [] });
    }));
});

describe('groups', () => {
  it('the picker matches part of a name, case-insensitively only when asked', () =>
    probe(async () => {
      const exact = await get('user-member', route`/rest/api/3/groups/picker?query=LEADS`);
      expect((exact.body as Json)['groups']).toEqual([]);
      const folded = await get(
        'user-member',
        route`/rest/api/3/groups/picker?query=LEADS&caseInsensitive=true`,
      );
      expect((folded.body as Json)['total']).toBe(1);
    }));

  it('bulk and members answer 403 to a caller without Browse users and groups', () =>
    probe(async () => {
      const member = ctx.em.users.get('user-member');
      if (member) member.browseUsers = false;
      expect(
        (await get('user-member', route`/rest/api/3/group/bulk?groupId=${groupId}`)).status,
      ).toBe(403);
      expect(
        (await get('user-member', route`/rest/api/3/group/member?groupId=${groupId}`)).status,
      ).toBe(403);
    }));

  it('members: active ones by default, 404 for an unknown group, 400 for both id and name', () =>
    probe(async () => {
      const page = await get('user-member', route`/rest/api/3/group/member?groupId=${groupId}`);
      expect(((page.body as Json)['values'] as Json[]).map((u) => u['accountId'])).toEqual([
        'user-admin',
      ]);
      const all = await get(
        'user-member',
        route`/rest/api/3/group/member?groupId=${groupId}&includeInactiveUsers=true`,
      );
      expect((all.body as Json)['total']).toBe(2);
      expect((await get('user-member', route`/rest/api/3/group/member?groupId=nope`)).status).toBe(
        404,
      );
      expect(
        (await get('user-member', route`/rest/api/3/group/member?groupId=${groupId}&groupname=x`))
          .status,
      ).toBe(400);
      expect(ctx.em.violations).toEqual([]);
    }));
});
