import type { EmIssue, EmSprint } from '../../dev/emulator/model';
import { MEMBER_PERMISSIONS } from '../../dev/emulator/model';
import { issueTypeSite } from '../../dev/emulator/routes/issue-types';
import * as handlers from '../../src/index';
import { sprintChangeEvent } from '../enforcement/enforcement-site';
import { useEmulator } from '../helpers/emulator';
import { callResolver, runTrigger } from '../helpers/invoke';
import { ENFORCEMENT_KEYS, KEYS } from '../../src/storage/key-families';

/**
 * Setup remembers the site's field ids (Sprint, the app's fields, Flagged) with the one field
 * list read it makes anyway, so that the sprint guard's first event on a set-up project costs
 * its budgeted 3 Jira calls instead of 4. Without remembered ids the guard still works.
 */
const ctx = useEmulator();

/** Each call is one invocation of the real handler, as Forge makes it (test/helpers/invoke.ts). */
const sprintGuard = (event: unknown) => runTrigger(ctx.em, handlers.sprintGuard, event);
const ADMIN = 'user-jira-admin';
const MEMBER = 'user-member';
let fields: { track: string; scopedOutcome: string; discoveryEvidence: string };
let sprint: EmSprint;

beforeEach(() => {
  const em = ctx.em;
  em.addUser({ accountId: ADMIN, displayName: 'Ada Jira-Admin', siteAdmin: true });
  em.addUser({ accountId: MEMBER, displayName: 'Mia Member' });
  const site = issueTypeSite(em);
  // Jira registers the app's fields on install.
  fields = {
    track: em.addAppField('track', 'Track', 'string').id,
    scopedOutcome: em.addAppField('scoped-outcome', 'Scoped outcome').id,
    discoveryEvidence: em.addAppField('discovery-evidence', 'Discovery evidence').id,
  };
  for (const name of ['Story', 'Bug']) em.addIssueType({ name });
  em.addProject({ key: 'CM', name: 'Checkout', style: 'classic' });
  site.addScheme({ name: 'CM scheme', typeNames: ['Story', 'Bug'], projectKeys: ['CM'] });
  em.grant('CM', ADMIN, [...MEMBER_PERMISSIONS, 'ADMINISTER_PROJECTS']);
  em.grant('CM', MEMBER);
  const board = em.addBoard({ projectKey: 'CM' });
  sprint = em.addSprint({ boardId: board.id, name: 'Sprint 3', state: 'active' });
});

async function setUp(): Promise<void> {
  const { id, key } = ctx.em.projectByKey('CM');
  const project = { id, key };
  const result = await callResolver(ctx.em, 'setup/run', ADMIN, {}, { extension: { project } });
  if (!result.ok) throw new Error(JSON.stringify(result.error));
}

/** An enabler without a scoped outcome, dragged into the active sprint. */
function dragEnabler(changelogId: string): ReturnType<typeof sprintChangeEvent> {
  const issue: EmIssue = ctx.em.addIssue({ projectKey: 'CM', type: 'Enabler', summary: 'Cache' });
  ctx.em.setSprint(issue.key, sprint.id);
  return sprintChangeEvent(ctx.em, issue, { to: sprint, changelogId });
}

const ops = () => ctx.em.jiraCalls().map((c) => `${c.operationId}:${c.status}`);
const GUARDED = ['getIssue:200', 'moveIssuesToBacklog:204', 'addComment:201'];

describe('setup remembers the field ids', () => {
  it('the one field list read of setup remembers Sprint, the app fields and Flagged', async () => {
    await setUp();

    expect(ops().filter((op) => op.startsWith('getFields'))).toEqual(['getFields:200']);
    expect(ctx.em.kvs.peek(KEYS.jiraFields)).toEqual({
      sprint: ctx.em.sprintField.id,
      track: fields.track,
      scopedOutcome: fields.scopedOutcome,
      discoveryEvidence: fields.discoveryEvidence,
    });
    // The site has no Flagged field: remembered as looked for and absent.
    expect(ctx.em.kvs.peek(ENFORCEMENT_KEYS.fields)).toEqual({ flagged: null });
  });

  it('keeps ids remembered earlier and reads no field list on a second run', async () => {
    ctx.em.kvs.seed(KEYS.jiraFields, { scopedOutcome: fields.scopedOutcome });
    await setUp();
    ctx.em.resetCalls();
    await setUp();
    expect(ops()).not.toContain('getFields:200');
    expect(ctx.em.kvs.peek(KEYS.jiraFields)).toMatchObject({
      sprint: ctx.em.sprintField.id,
      scopedOutcome: fields.scopedOutcome,
    });
  });

  it('the first guarded event on a set-up project costs 3 Jira calls, no field list', async () => {
    await setUp();
    const first = dragEnabler('70001');
    ctx.em.resetCalls();
    await sprintGuard(first);
    expect(ops()).toEqual(GUARDED);

    const next = dragEnabler('70002');
    ctx.em.resetCalls();
    await sprintGuard(next);
    expect(ops()).toEqual(GUARDED);
  });

  it('with no remembered ids the guard still decides, reading the field list once (4 calls)', async () => {
    await setUp();
    ctx.em.kvs.seed(KEYS.jiraFields, {});
    const event = dragEnabler('70003');
    ctx.em.resetCalls();
    await sprintGuard(event);
    expect(ops()).toEqual(['getFields:200', ...GUARDED]);
    expect(ctx.em.kvs.peek(KEYS.jiraFields)).toMatchObject({ sprint: ctx.em.sprintField.id });
  });
});
