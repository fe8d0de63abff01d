import api, { route } from '@forge/api';
import { issueLinkSite } from '../../dev/emulator/routes/issue-writes';
import { seedSite, useEmulator } from '../helpers/emulator';

/**
 * Issue security levels (issue 19, item 7): a person sees an issue only when they may browse its
 * project and its level (if any) grants them; Jira leaves such an issue out of searches, bulk
 * fetches, sprint pages and the links of other issues, and answers 404 for it. Whether a level
 * grants the app user is not documented for Forge apps, so it is a switch and both are tested.
 */
const ctx = useEmulator();
const probe = <T>(fn: () => Promise<T>): Promise<T> => ctx.em.invocations.setup(fn);

function seedSecured(app: boolean) {
  const site = seedSite(ctx.em);
  ctx.em.addUser({ accountId: 'user-insider', displayName: 'Ines Insider' });
  ctx.em.grant('DT', 'user-insider');
  const level = ctx.em.addSecurityLevel({ name: 'Security team', members: ['user-insider'], app });
  const open = ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: 'open' });
  const secret = ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: 'secret' });
  ctx.em.setSecurityLevel(secret.key, level.id);
  const links = issueLinkSite(ctx.em);
  const relates = [...links.types.values()].find((t) => t.name === 'Relates');
  if (!relates) throw new Error('no Relates link type');
  links.addLink(relates.id, open.id, secret.id);
  return { site, level, open, secret };
}

const getIssue = (key: string, fields: string) =>
  api.asUser().requestJira(route`/rest/api/3/issue/${key}?fields=${fields}`);

describe('issue security levels', () => {
  it('a project member outside the level gets 404; a member of the level sees the issue and its level', () =>
    probe(async () => {
      const { site, secret, level } = seedSecured(false);
      const outside = await ctx.em.runAs(site.member, () => getIssue(secret.key, 'summary'));
      expect(outside.status).toBe(404);
      const inside = await ctx.em.runAs('user-insider', () => getIssue(secret.key, 'security'));
      expect(inside.status).toBe(200);
      const body = (await inside.json()) as { fields: { security: unknown } };
      expect(body.fields.security).toEqual(
        expect.objectContaining({ id: level.id, name: 'Security team' }),
      );
    }));

  it('an issue without a level has security null', () =>
    probe(async () => {
      const { site, open } = seedSecured(false);
      const res = await ctx.em.runAs(site.member, () => getIssue(open.key, 'security'));
      const body = (await res.json()) as { fields: { security: unknown } };
      expect(body.fields.security).toBeNull();
    }));

  it('links to an issue the reader may not see are left out of issuelinks', () =>
    probe(async () => {
      const { site, open, secret } = seedSecured(false);
      const keysOf = async (account: string) => {
        const res = await ctx.em.runAs(account, () => getIssue(open.key, 'issuelinks'));
        const body = (await res.json()) as {
          fields: {
            issuelinks: Array<{ inwardIssue?: { key: string }; outwardIssue?: { key: string } }>;
          };
        };
        return body.fields.issuelinks.map((l) => (l.inwardIssue ?? l.outwardIssue)?.key);
      };
      expect(await keysOf(site.member)).toEqual([]);
      expect(await keysOf('user-insider')).toEqual([secret.key]);
    }));

  it('searches and bulk fetches leave the secured issue out for a reader outside the level', () =>
    probe(async () => {
      const { site, open, secret } = seedSecured(false);
      const keys = async (account: string) => {
        const res = await ctx.em.runAs(account, () =>
          api.asUser().requestJira(route`/rest/api/3/issue/bulkfetch`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ issueIdsOrKeys: [open.key, secret.key], fields: ['summary'] }),
          }),
        );
        const body = (await res.json()) as { issues: Array<{ key: string }> };
        return body.issues.map((i) => i.key);
      };
      expect(await keys(site.member)).toEqual([open.key]);
      expect(await keys('user-insider')).toEqual([open.key, secret.key]);
      const search = await ctx.em.runAs(site.member, () =>
        api.asUser().requestJira(route`/rest/api/3/search/jql`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ jql: 'project = DT ORDER BY key ASC', fields: ['summary'] }),
        }),
      );
      const found = (await search.json()) as { issues: Array<{ key: string }> };
      expect(found.issues.map((i) => i.key)).toEqual([open.key]);
    }));

  it.each([
    [true, 200],
    [false, 404],
  ])('the app sees a secured issue only when the level grants the app user (%s)', (app, status) =>
    probe(async () => {
      const { secret } = seedSecured(app);
      const res = await api
        .asApp()
        .requestJira(route`/rest/api/3/issue/${secret.key}?fields=summary`);
      expect(res.status).toBe(status);
    }),
  );
});
