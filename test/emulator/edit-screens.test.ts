import api, { route } from '@forge/api';
import { takeOffEditScreen } from '../../dev/emulator/edit-screens';
import type { EmField, EmIssue } from '../../dev/emulator/model';
import { addFlaggedField, labelsOf } from '../../dev/emulator/routes/enforcement';
import { seedSite, useEmulator, type DemoSite } from '../helpers/emulator';

/**
 * Edit screens and editIssue's screen overrides, through the seam the app uses
 * (asApp()/asUser().requestJira). Sources: docs/emulator-edit-screens.md.
 */
const ctx = useEmulator();
let site: DemoSite;
let flagged: EmField;
let story: EmIssue;

beforeEach(() => {
  site = seedSite(ctx.em);
  flagged = addFlaggedField(ctx.em);
  story = ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: 'a story' });
});

type Json = Record<string, unknown>;
const FLAG = () => ({ fields: { [flagged.id]: [{ value: 'Impediment' }] } });
const LABEL = { update: { labels: [{ add: 'dual-track-flagged' }] } };

async function edit(
  body: unknown,
  query = '',
  as: { user?: string } = {},
): Promise<{ status: number; body: Json | undefined }> {
  const path =
    query === ''
      ? route`/rest/api/3/issue/${story.key}`
      : query === 'screen'
        ? route`/rest/api/3/issue/${story.key}?overrideScreenSecurity=true`
        : query === 'editable'
          ? route`/rest/api/3/issue/${story.key}?overrideEditableFlag=true`
          : route`/rest/api/3/issue/${story.key}?overrideScreen=true`;
  const init = { method: 'PUT', body: JSON.stringify(body) };
  const user = as.user;
  // The test's own requests to the emulated Jira: setup, not an invocation of the app.
  const res = await ctx.em.invocations.setup(() =>
    user
      ? ctx.em.runAs(user, () => api.asUser().requestJira(path, init))
      : api.asApp().requestJira(path, init),
  );
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : undefined };
}

const flagOf = () => ctx.em.issues.get(story.id)?.custom.get(flagged.id);

describe('edit screens', () => {
  it('by default Flagged and Labels are on every edit screen', async () => {
    expect((await edit(FLAG())).status).toBe(204);
    expect((await edit(LABEL)).status).toBe(204);
    expect(flagOf()).toEqual([{ value: 'Impediment' }]);
    expect(labelsOf(ctx.em, story.key)).toEqual(['dual-track-flagged']);
  });

  it("refuses a field that is not on the project's edit screen with Jira's 400 naming it, and changes nothing", async () => {
    takeOffEditScreen(ctx.em, 'DT', flagged.id);
    const answer = await edit({ ...FLAG(), ...LABEL });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      errorMessages: [],
      errors: {
        [flagged.id]: `Field '${flagged.id}' cannot be set. It is not on the appropriate screen, or unknown.`,
      },
    });
    expect(flagOf()).toBeUndefined();
    expect(labelsOf(ctx.em, story.key)).toEqual([]);
  });

  it('refuses labels when Labels is not on the edit screen', async () => {
    takeOffEditScreen(ctx.em, 'DT', 'labels');
    const answer = await edit(LABEL);
    expect(answer.status).toBe(400);
    expect(Object.keys((answer.body?.['errors'] as Json) ?? {})).toEqual(['labels']);
  });

  it('screens differ per project and per issue type', async () => {
    ctx.em.addProject({ key: 'OPS' });
    const other = ctx.em.addIssue({ projectKey: 'OPS', type: 'Story', summary: 'ops' });
    const bug = ctx.em.addIssue({ projectKey: 'DT', type: 'Bug', summary: 'a bug' });
    takeOffEditScreen(ctx.em, 'DT', flagged.id, 'Story');
    const put = (key: string) =>
      ctx.em.invocations.setup(() =>
        api.asApp().requestJira(route`/rest/api/3/issue/${key}`, {
          method: 'PUT',
          body: JSON.stringify(FLAG()),
        }),
      );
    expect((await put(story.key)).status).toBe(400);
    expect((await put(bug.key)).status).toBe(204);
    expect((await put(other.key)).status).toBe(204);
  });
});

describe('overrideScreenSecurity', () => {
  beforeEach(() => {
    takeOffEditScreen(ctx.em, 'DT', flagged.id);
    takeOffEditScreen(ctx.em, 'DT', 'labels');
  });

  it('an app whose user holds Administer Jira sets a field that is not on the screen', async () => {
    ctx.em.appHoldsAdminister = true;
    expect((await edit(FLAG(), 'screen')).status).toBe(204);
    expect((await edit(LABEL, 'screen')).status).toBe(204);
    expect(flagOf()).toEqual([{ value: 'Impediment' }]);
    expect(labelsOf(ctx.em, story.key)).toEqual(['dual-track-flagged']);
  });

  it('an app without Administer Jira gets 403 and nothing is changed', async () => {
    const answer = await edit(FLAG(), 'screen');
    expect(answer.status).toBe(403);
    expect(flagOf()).toBeUndefined();
  });

  it('the app holds Administer Jira in mypermissions exactly when the setting says so', async () => {
    const administer = async () => {
      const res = await ctx.em.invocations.setup(() =>
        api.asApp().requestJira(route`/rest/api/3/mypermissions?permissions=ADMINISTER`),
      );
      const body = (await res.json()) as {
        permissions: Record<string, { havePermission: boolean }>;
      };
      return body.permissions['ADMINISTER']?.havePermission;
    };
    expect(await administer()).toBe(false);
    ctx.em.appHoldsAdminister = true;
    expect(await administer()).toBe(true);
  });

  it('a user call may override when the user is a Jira admin, not otherwise', async () => {
    ctx.em.grant('DT', site.admin);
    expect((await edit(FLAG(), 'screen', { user: site.member })).status).toBe(403);
    expect((await edit(FLAG(), 'screen', { user: site.admin })).status).toBe(204);
  });

  it('overrideEditableFlag needs the same permission, and does not skip the screen', async () => {
    expect((await edit(FLAG(), 'editable')).status).toBe(403);
    ctx.em.appHoldsAdminister = true;
    expect((await edit(FLAG(), 'editable')).status).toBe(400);
  });

  it('does not help a field that has no context in the project', async () => {
    ctx.em.appHoldsAdminister = true;
    flagged.projectIds = new Set(['99999']);
    const answer = await edit(FLAG(), 'screen');
    expect(answer.status).toBe(400);
    expect(Object.keys((answer.body?.['errors'] as Json) ?? {})).toEqual([flagged.id]);
  });

  it('a query parameter editIssue does not take is refused', async () => {
    ctx.em.appHoldsAdminister = true;
    const answer = await edit(FLAG(), 'misspelt');
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toContain('overrideScreen');
    expect(flagOf()).toBeUndefined();
  });
});
