import {
  DEMO_LEAD_GROUP,
  DEMO_USERS,
  seedDemoProject,
  type DemoProject,
} from '../../dev/emulator/demo-project';
import { commentsOf } from '../../dev/emulator/routes/enforcement';
import type { ResolverKey } from '../../src/contract/bridge-contract';
import type { IssueReadiness } from '../../src/contract/issue-readiness';
import type { PeopleFound, ProjectSettingsView } from '../../src/contract/settings-view';
import type { ConfigOverride } from '../../src/domain/config';
import { ISSUE_NOTE_KEYS, KEYS } from '../../src/storage/key-families';
import { useEmulator } from '../helpers/emulator';
import { callOnIssue, callResolver, ok } from '../helpers/invoke';

/**
 * Lead engineers named by user or group, through the resolvers on the emulated demo site: the
 * settings pickers find people and groups by name as the caller (only for admins of the page),
 * the settings show saved ids by name and refuse unknown groups, a member of a named group may
 * sign off (Jira asked as the signer) and nobody else, and the mention goes to the named people
 * and the group's first members.
 */
const ctx = useEmulator();
const LEAD = 'user-lead';
let demo: DemoProject;
let idea: string;

beforeEach(() => {
  demo = seedDemoProject(ctx.em, { now: new Date() });
  ctx.em.addUser({ accountId: LEAD, displayName: 'Lea Lead' });
  ctx.em.grant(demo.projectKey, LEAD, ['BROWSE_PROJECTS', 'EDIT_ISSUES']);
  idea = demo.keys.panel.validatingIdea;
});

const settingsContext = () => ({
  extension: {
    type: 'jira:projectSettingsPage',
    project: { id: demo.projectId, key: demo.projectKey, type: 'software' },
  },
});
const settings = <T>(key: ResolverKey, who: string, payload: unknown = {}) =>
  callResolver<T>(ctx.em, key, who, payload, settingsContext());
const onIdea = <T>(key: ResolverKey, payload: unknown, who: string = DEMO_USERS.member) =>
  callOnIssue<T>(ctx.em, key, who, idea, payload);

function override(value: ConfigOverride) {
  ctx.em.kvs.seed(KEYS.projectConfig(demo.projectKey), {
    version: 1,
    updatedAt: '2026-11-01T00:00:00.000Z',
    updatedBy: DEMO_USERS.admin,
    projectId: demo.projectId,
    override: value,
  });
}

describe('the lead engineer pickers', () => {
  it('find people by the start of their name and groups by part of theirs, as the caller', async () => {
    ctx.em.addGroup({ name: 'Platform Leads', members: [LEAD] });
    const found = ok(
      await settings<PeopleFound>('settings/project/people', DEMO_USERS.admin, { query: 'lea' }),
    );
    expect(found.users).toEqual([{ accountId: LEAD, name: 'Lea Lead' }]);
    expect(found.groups.map((g) => g.name)).toEqual(['engineering-leads', 'Platform Leads']);
    const calls = ctx.em.jiraCalls().map((c) => c.operationId);
    expect(calls).toEqual(expect.arrayContaining(['findUsers', 'findGroups']));
    expect(ctx.em.violations).toEqual([]);
  });

  it('find nobody for an admin Jira does not let browse users and groups', async () => {
    const admin = ctx.em.users.get(DEMO_USERS.admin);
    if (!admin) throw new Error('no admin');
    admin.browseUsers = false;
    const found = ok(
      await settings<PeopleFound>('settings/project/people', DEMO_USERS.admin, { query: 'lea' }),
    );
    // Jira answers such a caller an empty user search and only exact group names.
    expect(found).toEqual({ users: [], groups: [] });
    const exact = ok(
      await settings<PeopleFound>('settings/project/people', DEMO_USERS.admin, {
        query: DEMO_LEAD_GROUP.name,
      }),
    );
    expect(exact.groups).toEqual([
      { groupId: DEMO_LEAD_GROUP.groupId, name: DEMO_LEAD_GROUP.name },
    ]);
  });

  it('refuse a caller who is not an admin of the project, before asking Jira anything else', async () => {
    ctx.em.resetCalls();
    const refused = await settings('settings/project/people', DEMO_USERS.member, { query: 'lea' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(ctx.em.jiraCalls().map((c) => c.operationId)).toEqual(['getMyPermissions']);
  });

  it('refuse an empty query', async () => {
    const refused = await settings('settings/project/people', DEMO_USERS.admin, { query: '  ' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });
});

describe('saving lead engineers by user and group', () => {
  const save = (feasibility: ConfigOverride['feasibility']) =>
    settings<ProjectSettingsView>('settings/project/save', DEMO_USERS.admin, {
      override: { feasibility },
      expectedVersion: 0,
    });

  it('refuses an unknown group at its place and saves a known one, shown back by name', async () => {
    const refused = await save({ leadGroupIds: [DEMO_LEAD_GROUP.groupId, 'no-such-group'] });
    expect(refused).toMatchObject({
      ok: false,
      error: {
        code: 'invalid-input',
        details: {
          fields: [
            {
              path: 'override.feasibility.leadGroupIds.1',
              message: 'no Jira group has the id "no-such-group"',
            },
          ],
        },
      },
    });
    expect(ctx.em.kvs.peek(KEYS.projectConfig(demo.projectKey))).toBeUndefined();
    const saved = ok(
      await save({ leadAccountIds: [LEAD], leadGroupIds: [DEMO_LEAD_GROUP.groupId] }),
    );
    expect(saved.override.feasibility).toEqual({
      leadAccountIds: [LEAD],
      leadGroupIds: [DEMO_LEAD_GROUP.groupId],
    });
    expect(saved.people).toEqual({
      users: { [LEAD]: 'Lea Lead' },
      groups: { [DEMO_LEAD_GROUP.groupId]: DEMO_LEAD_GROUP.name },
    });
  });
});

describe('signing off as a member of a lead group', () => {
  beforeEach(async () => {
    override({ feasibility: { leadGroupIds: [DEMO_LEAD_GROUP.groupId] } });
    ok(await onIdea('issue/feasibility/flag', { novel: true }));
  });
  const signOff = (who: string) =>
    onIdea('issue/feasibility/sign-off', { verdict: 'feasible', note: 'Done it before' }, who);
  const stored = () =>
    ctx.em.kvs.peek(ISSUE_NOTE_KEYS.feasibility(ctx.em.findIssue(idea)?.id ?? ''));

  it('lets a member sign off and refuses anyone else, Jira asked as the signer', async () => {
    const member = ok(await onIdea<IssueReadiness>('issue/readiness', {}));
    expect(member.feasibility).toMatchObject({
      leads: [],
      leadGroups: [{ groupId: DEMO_LEAD_GROUP.groupId, name: DEMO_LEAD_GROUP.name }],
      maySignOff: false,
    });
    const refused = await signOff(DEMO_USERS.member);
    expect(refused).toMatchObject({
      ok: false,
      error: {
        code: 'forbidden',
        message: expect.stringMatching(
          /^Only this project's lead engineers .*\(one group named/,
        ) as unknown,
      },
    });
    expect(stored()).not.toHaveProperty('signOff');
    ctx.em.resetCalls();
    const lead = ok(await onIdea<IssueReadiness>('issue/readiness', {}, DEMO_USERS.admin));
    expect(lead.feasibility?.maySignOff).toBe(true);
    ok(await signOff(DEMO_USERS.admin));
    const asked = ctx.em
      .jiraCalls()
      .filter((c) => c.operationId === 'getUsersFromGroup')
      .map((c) => [c.provider, c.accountId]);
    expect(asked).toContainEqual(['user', DEMO_USERS.admin]);
    expect(stored()).toMatchObject({ signOff: { by: DEMO_USERS.admin, verdict: 'feasible' } });
  });

  it('a member of a large group is found on a later page of members', async () => {
    const group = ctx.em.groups.get(DEMO_LEAD_GROUP.groupId);
    if (!group) throw new Error('no group');
    for (let i = 0; i < 120; i++) {
      ctx.em.addUser({ accountId: `user-aa${String(i).padStart(3, '0')}` });
      group.members.push(`user-aa${String(i).padStart(3, '0')}`);
    }
    ctx.em.grant(demo.projectKey, 'user-aa119', ['BROWSE_PROJECTS', 'EDIT_ISSUES']);
    ctx.em.resetCalls();
    ok(await signOff('user-aa119'));
    expect(ctx.em.jiraCalls().filter((c) => c.operationId === 'getUsersFromGroup')).toHaveLength(3);
  });

  it('refuses, saying why, when Jira will not show the signer the group', async () => {
    const admin = ctx.em.users.get(DEMO_USERS.admin);
    if (!admin) throw new Error('no admin');
    admin.browseUsers = false;
    admin.siteAdmin = false;
    const refused = await signOff(DEMO_USERS.admin);
    expect(refused).toMatchObject({
      ok: false,
      error: {
        code: 'forbidden',
        message: expect.stringContaining(
          "Jira could not confirm that you are in one of this project's lead engineer groups",
        ) as unknown,
      },
    });
    expect(stored()).not.toHaveProperty('signOff');
  });

  it("answers a throttled Jira with the app's failure, signing nothing off", async () => {
    ctx.em.injectFault({
      match: /GET \/rest\/api\/3\/group\/member/,
      status: 429,
      retryAfter: 30,
      times: 10,
    });
    const answer = await signOff(DEMO_USERS.admin);
    expect(answer).toMatchObject({ ok: false });
    expect(stored()).not.toHaveProperty('signOff');
  });
});

describe('the mention when the leads are asked in', () => {
  const mentioned = () =>
    commentsOf(ctx.em, idea).map((c) =>
      [...JSON.stringify(c.body).matchAll(/"type":"mention","attrs":\{"id":"([^"]+)"\}/g)].map(
        (m) => m[1],
      ),
    );

  it('names the people named, then the group members, once each, at most 10', async () => {
    const group = ctx.em.groups.get(DEMO_LEAD_GROUP.groupId);
    if (!group) throw new Error('no group');
    group.members.push(LEAD);
    for (let i = 0; i < 12; i++) {
      ctx.em.addUser({ accountId: `user-m${String(i).padStart(2, '0')}` });
      group.members.push(`user-m${String(i).padStart(2, '0')}`);
    }
    override({ feasibility: { leadAccountIds: [LEAD], leadGroupIds: [DEMO_LEAD_GROUP.groupId] } });
    ok(await onIdea('issue/feasibility/flag', { novel: true }));
    const [first, ...others] = mentioned();
    expect(others).toEqual([]);
    expect(first?.[0]).toBe(LEAD);
    expect(first).toHaveLength(10);
    expect(new Set(first).size).toBe(10);
    expect(first).toContain(DEMO_USERS.admin);
  });

  it('still names the people named when Jira will not show the group', async () => {
    const member = ctx.em.users.get(DEMO_USERS.member);
    if (!member) throw new Error('no member');
    member.browseUsers = false;
    override({ feasibility: { leadAccountIds: [LEAD], leadGroupIds: [DEMO_LEAD_GROUP.groupId] } });
    ok(await onIdea('issue/feasibility/flag', { novel: true }));
    expect(mentioned()).toEqual([[LEAD]]);
  });
});
