import { DEMO_USERS, seedDemoProject, type DemoProject } from '../../dev/emulator/demo-project';
import { commentsOf } from '../../dev/emulator/routes/enforcement';
import type { ResolverKey, Result } from '../../src/contract/bridge-contract';
import type { IssueReadiness } from '../../src/contract/issue-readiness';
import type { ConfigOverride } from '../../src/domain/config';
import { ISSUE_NOTE_KEYS, KEYS } from '../../src/storage/key-families';
import { useEmulator } from '../helpers/emulator';
import { callOnIssue, callResolver, ok } from '../helpers/invoke';

/**
 * Engineers in early, through the issue panel's resolvers on the emulated demo site: an idea of
 * high Entry triage uncertainty is technically novel without the flag (the panel says why and
 * promotion waits on a "feasible" sign-off); with lead engineers named in the project settings
 * only they may sign off; they are mentioned once, in one comment by the app.
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
  setTriage(idea, 'low');
});

const call = <T>(key: ResolverKey, payload: unknown, who: string = DEMO_USERS.member) =>
  callOnIssue<T>(ctx.em, key, who, idea, payload);
const readiness = async (who: string = DEMO_USERS.member) =>
  ok(await call<IssueReadiness>('issue/readiness', {}, who));

function setTriage(key: string, uncertainty: 'low' | 'medium' | 'high') {
  const issue = ctx.em.findIssue(key);
  if (!issue) throw new Error(`no ${key}`);
  issue.custom.set(demo.entryTriage.id, { uncertainty, risk: 'low', reason: 'Never done this' });
}

function override(value: ConfigOverride) {
  ctx.em.kvs.seed(KEYS.projectConfig(demo.projectKey), {
    version: 1,
    updatedAt: '2026-11-01T00:00:00.000Z',
    updatedBy: DEMO_USERS.admin,
    projectId: demo.projectId,
    override: value,
  });
}

describe('an idea of high uncertainty is technically novel without a flag', () => {
  it('says why, asks for the sign-off in its checklist, and accepts one without the flag', async () => {
    setTriage(idea, 'high');
    const r = await readiness();
    expect(r.feasibility).toMatchObject({
      novel: true,
      flagged: false,
      because: 'it has high Entry triage uncertainty',
      signOff: null,
      leads: [],
      maySignOff: true,
    });
    expect(r.checks.find((c) => c.id === 'feasibility')).toMatchObject({
      passed: false,
      fix: 'Ask the lead engineer to review feasibility and sign off (it has high Entry triage uncertainty)',
    });
    expect(r.promotion?.reasons).toContain(
      'It has high Entry triage uncertainty and has no "feasible" sign-off from the lead engineer yet.',
    );
    ok(await call('issue/feasibility/sign-off', { verdict: 'feasible', note: 'Done it before' }));
    const signed = await readiness();
    expect(signed.checks.find((c) => c.id === 'feasibility')?.passed).toBe(true);
  });

  it('follows the project setting: medium counts when set so, never when off', async () => {
    setTriage(idea, 'medium');
    expect((await readiness()).feasibility?.novel).toBe(false);
    override({ feasibility: { novelUncertaintyAtLeast: 'medium' } });
    expect((await readiness()).feasibility?.because).toBe('it has medium Entry triage uncertainty');
    setTriage(idea, 'high');
    override({ feasibility: { novelUncertaintyAtLeast: 'off' } });
    expect((await readiness()).feasibility?.novel).toBe(false);
    const refused = await call('issue/feasibility/sign-off', { verdict: 'feasible', note: 'x' });
    expect(refused.ok).toBe(false);
  });

  it('keeps the sign-off when the flag is taken off an idea still novel by its triage', async () => {
    setTriage(idea, 'high');
    ok(await call('issue/feasibility/flag', { novel: true }));
    ok(await call('issue/feasibility/sign-off', { verdict: 'feasible', note: 'Fine' }));
    ok(await call('issue/feasibility/flag', { novel: false }));
    expect((await readiness()).feasibility).toMatchObject({
      novel: true,
      flagged: false,
      signOff: { verdict: 'feasible' },
    });
  });
});

describe('lead engineers', () => {
  it('when none are named, anyone who may edit the idea signs off', async () => {
    ok(await call('issue/feasibility/flag', { novel: true }));
    ok(await call('issue/feasibility/sign-off', { verdict: 'feasible', note: 'Fine' }));
  });

  it('when leads are named, refuses anyone else with the reason and accepts a lead', async () => {
    override({ feasibility: { leadAccountIds: [LEAD] } });
    ok(await call('issue/feasibility/flag', { novel: true }));
    const member = await readiness();
    expect(member.feasibility).toMatchObject({
      leads: [{ accountId: LEAD, name: 'Lea Lead' }],
      maySignOff: false,
    });
    const refused = await call('issue/feasibility/sign-off', { verdict: 'feasible', note: 'Me' });
    expect(refused).toEqual({
      ok: false,
      error: expect.objectContaining({
        code: 'forbidden',
        message: expect.stringMatching(
          /^Only this project's lead engineers may sign off feasibility \(one person named in the project settings/,
        ) as unknown,
      }) as unknown,
    });
    const stored = ctx.em.kvs.peek(ISSUE_NOTE_KEYS.feasibility(ctx.em.findIssue(idea)?.id ?? ''));
    expect(stored).not.toHaveProperty('signOff');
    expect((await readiness(LEAD)).feasibility?.maySignOff).toBe(true);
    ok(await call('issue/feasibility/sign-off', { verdict: 'feasible', note: 'Fine' }, LEAD));
    expect((await readiness()).feasibility?.signOff).toMatchObject({
      by: LEAD,
      byName: 'Lea Lead',
    });
  });
});

describe('the leads are mentioned once', () => {
  const mentions = () =>
    commentsOf(ctx.em, idea).map((c) => ({
      author: c.author,
      mentions: JSON.stringify(c.body).match(/"type":"mention","attrs":\{"id":"[^"]+"\}/g),
    }));

  it('in one comment by the app when the idea is flagged, however often it is flagged', async () => {
    override({ feasibility: { leadAccountIds: [LEAD, DEMO_USERS.admin] } });
    ok(await call('issue/feasibility/flag', { novel: true }));
    ok(await call('issue/feasibility/flag', { novel: true }));
    ok(await call('issue/feasibility/flag', { novel: false }));
    ok(await call('issue/feasibility/flag', { novel: true }));
    expect(mentions()).toEqual([
      {
        author: 'app',
        mentions: [
          `"type":"mention","attrs":{"id":"${LEAD}"}`,
          `"type":"mention","attrs":{"id":"${DEMO_USERS.admin}"}`,
        ],
      },
    ]);
    expect(JSON.stringify(commentsOf(ctx.em, idea)[0]?.body)).toContain(
      'it is flagged technically novel, so it needs a \\"feasible\\" sign-off',
    );
  });

  it('when an Entry triage save makes the idea novel, and not again on the next save', async () => {
    override({ feasibility: { leadAccountIds: [LEAD] } });
    const triage = { uncertainty: 'high', risk: 'low', reason: 'New protocol' };
    ok(await call('issue/triage/save', { ...triage, uncertainty: 'medium' }));
    expect(mentions()).toEqual([]);
    ok(await call('issue/triage/save', triage));
    ok(await call('issue/triage/save', triage));
    expect(mentions()).toHaveLength(1);
    expect(JSON.stringify(commentsOf(ctx.em, idea)[0]?.body)).toContain(
      'it has high Entry triage uncertainty',
    );
  });

  it('not at all when no lead engineer is named', async () => {
    ok(await call('issue/feasibility/flag', { novel: true }));
    expect(mentions()).toEqual([]);
  });
});

describe('naming lead engineers in the project settings', () => {
  const save = (leadAccountIds: string[]) =>
    callResolver(
      ctx.em,
      'settings/project/save',
      DEMO_USERS.admin,
      { override: { feasibility: { leadAccountIds } }, expectedVersion: 0 },
      {
        extension: {
          type: 'jira:projectSettingsPage',
          project: { id: demo.projectId, key: demo.projectKey, type: 'software' },
        },
      },
    );

  it('checks each account id against Jira and refuses an unknown one at its place', async () => {
    const refused: Result<unknown> = await save([LEAD, 'user-nobody']);
    expect(refused).toEqual({
      ok: false,
      error: expect.objectContaining({
        code: 'invalid-input',
        details: {
          fields: [
            {
              path: 'override.feasibility.leadAccountIds.1',
              message: 'no Jira user has the account id "user-nobody"',
            },
          ],
        },
      }) as unknown,
    });
    expect(ctx.em.kvs.peek(KEYS.projectConfig(demo.projectKey))).toBeUndefined();
    ok(await save([LEAD]));
  });
});
