import * as handlers from '../../src/index';
import type { ResolverKey, Result } from '../../src/contract/bridge-contract';
import type { ProjectOverview } from '../../src/contract/project-overview';
import { issueTypeSite } from '../../dev/emulator/routes/issue-types';
import { MEMBER_PERMISSIONS } from '../../dev/emulator/model';
import { useEmulator } from '../helpers/emulator';
import { callResolver, ok, runAutomation } from '../helpers/invoke';
import { extensionOf, inDays, jiraWrites, seedSecuritySite, type World } from './security-site';
import { EVIDENCE_KEYS, KEYS, WAIVER_KEYS } from '../../src/storage/key-families';

/**
 * Checks the app makes itself, which Jira's own answers would hide if they were removed: each
 * test fails when the app-side check goes, not only when the error code changes.
 */
const ctx = useEmulator();
let w: World;

beforeEach(() => {
  w = seedSecuritySite(ctx.em);
});

async function call(
  key: ResolverKey,
  accountId: string,
  payload: unknown,
  extension: Record<string, unknown>,
): Promise<Result<unknown>> {
  return callResolver(ctx.em, key, accountId, payload, { extension });
}

describe('app-side checks that Jira would not make for the app', () => {
  it("a waiver from one project's settings page cannot name an issue of another project, even for an admin of both", async () => {
    const dtBook = ctx.em.kvs.peek(WAIVER_KEYS.book(w.dt.key));
    const result = await call(
      'waiver/grant',
      'user-site-admin',
      { issueKey: w.otherIssue.key, reason: 'Ship it', expiresOn: inDays(30) },
      { project: { id: w.dt.id, key: w.dt.key } },
    );
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'invalid-input',
        message: `issueKey: ${w.otherIssue.key} is not in project DT.`,
      },
    });
    expect(ctx.em.kvs.peek(WAIVER_KEYS.book(w.other.key))).toBeUndefined();
    expect(ctx.em.kvs.peek(WAIVER_KEYS.book(w.dt.key))).toEqual(dtBook);
  });
});

describe('app-side checks where Jira would refuse later, or not at all', () => {
  it('a board spanning a project the viewer may not browse: its items are left out, and the page still loads', async () => {
    const board = ctx.em.addBoard({
      projectKey: 'DT',
      name: 'DT and OTHER',
      type: 'kanban',
      alsoProjectKeys: ['OTHER'],
    });
    const dtPage = extensionOf(w, 'project', false);
    ok(
      await call(
        'settings/project/save',
        'user-project-admin',
        { override: { board: { boardId: board.id } }, expectedVersion: 1 },
        dtPage,
      ),
    );
    const asViewer = ok<ProjectOverview>(await call('project/overview', 'user-viewer', {}, dtPage));
    expect(asViewer.boardProjects).toBeUndefined();
    expect(JSON.stringify(asViewer)).not.toContain(w.otherIssue.key);
    expect(asViewer.notes.join(' ')).toContain(
      '"DT and OTHER" also shows a project you may not browse',
    );
    // The site admin browses both: OTHER's story is on their page.
    const asAdmin = ok<ProjectOverview>(
      await call('project/overview', 'user-site-admin', {}, dtPage),
    );
    expect(asAdmin.boardProjects).toEqual(['DT', 'OTHER']);
    expect(JSON.stringify(asAdmin)).toContain(w.otherIssue.key);
  });

  it('setup by a project admin who is not a Jira admin, when issue types are missing: refused up front, naming the Jira admin, nothing written', async () => {
    const cm = ctx.em.addProject({ key: 'CM', name: 'Checkout', style: 'classic' });
    issueTypeSite(ctx.em).addScheme({
      name: 'CM scheme',
      typeNames: ['Story'],
      projectKeys: ['CM'],
    });
    ctx.em.grant('CM', 'user-project-admin', [...MEMBER_PERMISSIONS, 'ADMINISTER_PROJECTS']);
    ctx.em.resetCalls();
    const answer = await call(
      'setup/run',
      'user-project-admin',
      {},
      {
        project: { id: cm.id, key: 'CM' },
      },
    );
    expect(answer).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const message = answer.ok ? '' : answer.error.message;
    expect(message).toContain('A Jira admin must run setup for CM');
    expect(message).toContain('needs the Administer Jira global permission');
    expect(jiraWrites(ctx.em)).toEqual([]);
    expect(ctx.em.kvs.peek(KEYS.trackMapping('CM'))).toBeUndefined();
  });

  it('the Automation action recording evidence: a rule actor with Browse but not Edit issues is refused, nothing recorded', async () => {
    const answer = await runAutomation(
      ctx.em,
      handlers.autoRecordEvidence,
      { issueKey: w.spike.key, type: 'interview', summary: 'Ops lead: cache misses hurt' },
      'user-viewer',
    );
    expect(JSON.stringify(answer)).toContain(
      `the rule actor needs the Browse projects and Edit issues permissions on ${w.spike.key}`,
    );
    expect(ctx.em.kvs.peek(EVIDENCE_KEYS.log(w.spike.id))).toBeUndefined();
    expect(jiraWrites(ctx.em)).toEqual([]);
  });
});
