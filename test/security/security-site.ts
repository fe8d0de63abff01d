import type { JiraEmulator } from '../../dev/emulator/jira-emulator';
import { BUILT_IN_TEMPLATES } from '../../src/domain/discovery-templates';
import {
  DATA_FORMAT,
  DATA_SCHEMA_VERSION,
  type DataDocument,
  type ErrorCode,
} from '../../src/contract/bridge-contract';
import { ALL_PROJECT_PERMISSIONS, type EmIssue } from '../../dev/emulator/model';
import { setLabels } from '../../dev/emulator/routes/enforcement';
import { issueLinkSite } from '../../dev/emulator/routes/issue-writes';
import { connectJpdSpace, seedJpdSpace } from '../../dev/emulator/jpd-space';
import { COMPLETE_OUTCOME } from '../helpers/emulator';
import { callResolver } from '../helpers/invoke';
import { seedEnforcementSite } from '../enforcement/enforcement-site';
import { EVIDENCE_KEYS, ISSUE_NOTE_KEYS, KEYS, WAIVER_KEYS } from '../../src/storage/key-families';

/**
 * The site the security suites call every resolver against: project DT (set up, with a board and
 * sprints) holding a validated idea with evidence, a spike, an enabler with an active waiver and
 * a finished story linked to the idea; project OTHER that only the site admin can see; and one
 * user per kind of caller.
 */

export interface World {
  em: JiraEmulator;
  dt: { id: string; key: string };
  other: { id: string; key: string };
  /** DT's Scrum board and a board of OTHER. */
  boards: { dt: number; other: number };
  idea: EmIssue;
  spike: EmIssue;
  enabler: EmIssue;
  otherIssue: EmIssue;
  delivered: EmIssue;
  /** A story that belongs in discovery first (label "architecture", nothing linked). */
  story: EmIssue;
  /**
   * Ideas of JPD spaces: `idea` of IDEA, connected to DT, validated (the same evidence and
   * sign-off as DT's idea); `secret` of SECRET, connected, that only the site admin may browse;
   * `loose` of LOOSE, a space DT does not connect.
   */
  jpd: { idea: string; secret: string; loose: string };
}

export type Where =
  | 'admin-page'
  | 'project'
  | 'idea'
  | 'spike'
  | 'delivery'
  /** The board action on DT's board (forged: OTHER's board). */
  | 'board'
  /** A dashboard gadget: no project in Forge's context; the payload names the projects. */
  | 'dashboard';

export const CALLERS = [
  'site admin',
  'project admin',
  'user with Browse',
  'user without Browse',
  'anonymous',
  'inactive user',
  'forged payload',
  'forged context',
] as const;
export type CallerKind = (typeof CALLERS)[number];
export type Outcome =
  'ok' | Extract<ErrorCode, 'forbidden' | 'not-found' | 'unauthenticated' | 'invalid-input'>;

export type Need =
  /** Administer Jira (global settings, data export/import, validator screens). */
  | 'jira-admin'
  /** Administer projects on the context project. */
  | 'project-admin'
  /** Administer projects on the project of the issue the payload names. */
  | 'issue-project-admin'
  /** Browse projects on the context project. */
  | 'browse-project'
  /** Browse projects on the context issue. */
  | 'browse-issue'
  /** Browse and Edit issues (or Create + Link issues) on the context issue. */
  | 'edit-issue'
  /** Browse projects and Create issues on the context project. */
  | 'create-in-project'
  /** Browse projects on the project of the context board (Jira answers 404 without it). */
  | 'browse-board'
  /**
   * Any signed-in user: the answer holds, per project named, only what the caller may browse
   * (a project they may not browse is a `no-access` row without its data).
   */
  | 'signed-in';

/**
 * The documented outcome per need and caller. "forged payload" is a project admin adding a
 * project or issue of someone else's to the payload (refused by the strict schemas; where the
 * payload legitimately names an issue, it names one in a project the caller cannot see);
 * "forged context" is a member whose context names a project (and issue) they cannot browse.
 */
export const NEED_OUTCOMES: Record<Need, Record<CallerKind, Outcome>> = {
  'browse-board': {
    'site admin': 'ok',
    'project admin': 'ok',
    'user with Browse': 'ok',
    'user without Browse': 'not-found',
    anonymous: 'unauthenticated',
    'inactive user': 'unauthenticated',
    'forged payload': 'invalid-input',
    'forged context': 'not-found',
  },
  'signed-in': {
    'site admin': 'ok',
    'project admin': 'ok',
    'user with Browse': 'ok',
    'user without Browse': 'ok',
    anonymous: 'unauthenticated',
    'inactive user': 'unauthenticated',
    'forged payload': 'ok',
    'forged context': 'ok',
  },
  'create-in-project': {
    'site admin': 'ok',
    'project admin': 'ok',
    'user with Browse': 'forbidden',
    'user without Browse': 'forbidden',
    anonymous: 'unauthenticated',
    'inactive user': 'unauthenticated',
    'forged payload': 'invalid-input',
    'forged context': 'forbidden',
  },
  'jira-admin': {
    'site admin': 'ok',
    'project admin': 'forbidden',
    'user with Browse': 'forbidden',
    'user without Browse': 'forbidden',
    anonymous: 'unauthenticated',
    'inactive user': 'unauthenticated',
    'forged payload': 'invalid-input',
    'forged context': 'forbidden',
  },
  'project-admin': {
    'site admin': 'ok',
    'project admin': 'ok',
    'user with Browse': 'forbidden',
    'user without Browse': 'forbidden',
    anonymous: 'unauthenticated',
    'inactive user': 'unauthenticated',
    'forged payload': 'invalid-input',
    'forged context': 'forbidden',
  },
  'issue-project-admin': {
    'site admin': 'ok',
    'project admin': 'ok',
    'user with Browse': 'forbidden',
    'user without Browse': 'not-found',
    anonymous: 'unauthenticated',
    'inactive user': 'unauthenticated',
    'forged payload': 'not-found',
    'forged context': 'forbidden',
  },
  'browse-project': {
    'site admin': 'ok',
    'project admin': 'ok',
    'user with Browse': 'ok',
    'user without Browse': 'forbidden',
    anonymous: 'unauthenticated',
    'inactive user': 'unauthenticated',
    'forged payload': 'invalid-input',
    'forged context': 'forbidden',
  },
  'browse-issue': {
    'site admin': 'ok',
    'project admin': 'ok',
    'user with Browse': 'ok',
    'user without Browse': 'not-found',
    anonymous: 'unauthenticated',
    'inactive user': 'unauthenticated',
    'forged payload': 'invalid-input',
    'forged context': 'not-found',
  },
  'edit-issue': {
    'site admin': 'ok',
    'project admin': 'ok',
    'user with Browse': 'forbidden',
    'user without Browse': 'not-found',
    anonymous: 'unauthenticated',
    'inactive user': 'unauthenticated',
    'forged payload': 'invalid-input',
    'forged context': 'not-found',
  },
};

/** The account each kind of caller calls as (anonymous: none). */
export const ACCOUNTS: Record<CallerKind, string | undefined> = {
  'site admin': 'user-site-admin',
  'project admin': 'user-project-admin',
  'user with Browse': 'user-viewer',
  'user without Browse': 'user-outsider',
  anonymous: undefined,
  'inactive user': 'user-left',
  'forged payload': 'user-project-admin',
  'forged context': 'user-member',
};

export const today = () => new Date().toISOString().slice(0, 10);
export const inDays = (n: number) =>
  new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

export function seedSecuritySite(em: JiraEmulator): World {
  const site = seedEnforcementSite(em);
  em.addUser({ accountId: 'user-site-admin', displayName: 'Sam Site-Admin', siteAdmin: true });
  em.addUser({ accountId: 'user-project-admin', displayName: 'Pat Project-Admin' });
  em.addUser({ accountId: 'user-viewer', displayName: 'Vic Viewer' });
  em.addUser({ accountId: 'user-left', displayName: 'Lee Left', active: false });
  em.grant('DT', 'user-site-admin', ALL_PROJECT_PERMISSIONS);
  em.grant('DT', 'user-project-admin', ALL_PROJECT_PERMISSIONS);
  em.grant('DT', 'user-viewer', ['BROWSE_PROJECTS']);
  em.grant('DT', 'user-left', ALL_PROJECT_PERMISSIONS);
  const other = em.addProject({ key: 'OTHER', name: 'Other team' });
  em.grant('OTHER', 'user-site-admin', ALL_PROJECT_PERMISSIONS);
  const evidenceField = em.addAppField('discovery-evidence', 'Discovery evidence');
  const triageField = em.addAppField('entry-triage', 'Entry triage');
  em.kvs.seed(KEYS.jiraFields, {
    scopedOutcome: site.scopedOutcome.id,
    discoveryEvidence: evidenceField.id,
    entryTriage: triageField.id,
    sprint: em.sprintField.id,
  });
  const idea = em.addIssue({
    projectKey: 'DT',
    type: 'Discovery',
    summary: 'One-click reorder',
    custom: { [site.scopedOutcome.id]: COMPLETE_OUTCOME },
  });
  const spike = em.addIssue({ projectKey: 'DT', type: 'Spike', summary: 'Cache choice' });
  const enabler = em.addIssue({ projectKey: 'DT', type: 'Enabler', summary: 'Pick a cache' });
  const otherIssue = em.addIssue({ projectKey: 'OTHER', type: 'Story', summary: 'Not yours' });
  const delivered = em.addIssue({
    projectKey: 'DT',
    type: 'Story',
    summary: 'Reorder button',
    status: 'Done',
  });
  const story = em.addIssue({ projectKey: 'DT', type: 'Story', summary: 'Event-sourced orders' });
  setLabels(em, story.key, ['architecture']);
  const links = issueLinkSite(em);
  const relates = [...links.types.values()].find((t) => t.name === 'Relates');
  if (relates) links.addLink(relates.id, delivered.id, idea.id);
  em.addAppField('track', 'Track', 'string');
  // Flagged novel and signed off feasible: sign-off rows have a novel item to sign, and promote
  // rows a validated idea that may be promoted.
  em.kvs.seed(ISSUE_NOTE_KEYS.feasibility(idea.id), {
    novel: true,
    signOff: {
      by: 'user-member',
      at: '2026-10-01T10:00:00.000Z',
      verdict: 'feasible',
      note: 'Checked with the platform team',
    },
    updatedBy: 'user-member',
    updatedAt: '2026-10-01T10:00:00.000Z',
  });
  const entry = (id: string, type: string) => ({
    id,
    type,
    date: '2026-10-01',
    summary: `Session ${id}`,
    positive: true,
    recordedBy: 'user-member',
    recordedAt: '2026-10-01T10:00:00.000Z',
  });
  em.kvs.seed(EVIDENCE_KEYS.log(idea.id), {
    version: 1,
    issueId: idea.id,
    updatedAt: '2026-10-01T10:00:00.000Z',
    updatedBy: 'user-member',
    nextEntry: 6,
    entries: [
      entry('e1', 'interview'),
      entry('e2', 'interview'),
      entry('e3', 'interview'),
      entry('e4', 'interview'),
      entry('e5', 'usability-test'),
    ],
    invalidated: null,
  });
  em.kvs.seed(WAIVER_KEYS.book('DT'), {
    version: 1,
    waivers: [
      {
        issueId: enabler.id,
        issueKey: enabler.key,
        reason: 'Hotfix week',
        expiresOn: inDays(5),
        grantedBy: 'user-padmin',
        grantedAt: `${today()}T08:00:00.000Z`,
      },
    ],
  });
  const jpd = seedJpdIdeas(em, site.projectId, idea);
  const dtBoard = [...em.boards.values()].find((b) => b.projectId === site.projectId);
  if (!dtBoard) throw new Error('security site: DT has no board');
  const otherBoard = em.addBoard({ projectKey: 'OTHER' });
  return {
    em,
    boards: { dt: dtBoard.id, other: otherBoard.id },
    dt: { id: site.projectId, key: 'DT' },
    other: { id: other.id, key: 'OTHER' },
    idea,
    spike,
    enabler,
    otherIssue,
    delivered,
    story,
    jpd,
  };
}

/** JPD spaces for the `jpd/idea/*` rows (World.jpd); the idea shares `validated`'s evidence. */
function seedJpdIdeas(em: JiraEmulator, dtId: string, validated: EmIssue): World['jpd'] {
  const spaces = ['IDEA', 'SECRET', 'LOOSE'].map((key) => seedJpdSpace(em, { key }));
  const [open, secret, loose] = spaces.map((s) => s.keys.discovery) as [string, string, string];
  em.grant('IDEA', 'user-site-admin', ALL_PROJECT_PERMISSIONS);
  em.grant('IDEA', 'user-project-admin', ALL_PROJECT_PERMISSIONS);
  em.grant('IDEA', 'user-viewer', ['BROWSE_PROJECTS']);
  em.grant('IDEA', 'user-left', ALL_PROJECT_PERMISSIONS);
  em.grant('SECRET', 'user-site-admin', ALL_PROJECT_PERMISSIONS);
  em.grant('LOOSE', 'user-project-admin', ALL_PROJECT_PERMISSIONS);
  for (const key of ['IDEA', 'SECRET', 'LOOSE']) {
    em.revoke(key, 'user-member');
    em.revoke(key, 'user-admin');
  }
  connectJpdSpace(em, { key: 'DT', id: dtId }, ['IDEA', 'SECRET'], new Date());
  const ideaId = em.findIssue(open)?.id ?? '';
  for (const [from, to] of [
    [EVIDENCE_KEYS.log(validated.id), EVIDENCE_KEYS.log(ideaId)],
    [ISSUE_NOTE_KEYS.feasibility(validated.id), ISSUE_NOTE_KEYS.feasibility(ideaId)],
  ] as const) {
    const value = structuredClone(em.kvs.peek(from)) as Record<string, unknown>;
    em.kvs.seed(to, 'issueId' in value ? { ...value, issueId: ideaId } : value);
  }
  return { idea: open, secret, loose };
}

export function extensionOf(w: World, where: Where, forged: boolean): Record<string, unknown> {
  const project = forged ? w.other : w.dt;
  if (where === 'admin-page') return { type: 'jira:adminPage' };
  if (where === 'project') return { type: 'jira:projectPage', project };
  if (where === 'board') {
    return { type: 'jira:boardAction', board: { id: forged ? w.boards.other : w.boards.dt } };
  }
  if (where === 'dashboard') return { type: 'jira:dashboardGadget', gadget: { id: 'g-1' } };
  const issue = forged
    ? w.otherIssue
    : where === 'idea'
      ? w.idea
      : where === 'delivery'
        ? w.story
        : w.spike;
  return { type: 'jira:issuePanel', project, issue: { id: issue.id, key: issue.key } };
}

export interface Row {
  need: Need;
  where: Where;
  payload: (w: World) => Record<string, unknown>;
  /** For keys whose payload names an issue: the forged variant names one the caller can't see. */
  forgedPayload?: (w: World) => Record<string, unknown>;
  /** Where this key's documented outcome differs from its need's. */
  except?: Partial<Record<CallerKind, Outcome>>;
}

const empty = () => ({});
const evidence = {
  type: 'interview',
  date: '2026-10-01',
  summary: 'Talked to Ana',
  positive: true,
};

/** One row per resolver key of the contract. */
export const ROWS: Record<string, Row> = {
  'settings/global/get': { need: 'jira-admin', where: 'admin-page', payload: empty },
  'settings/global/save': {
    need: 'jira-admin',
    where: 'admin-page',
    payload: () => ({ settings: {}, expectedVersion: 0 }),
  },
  'settings/project/get': { need: 'project-admin', where: 'project', payload: empty },
  // DT's settings are at version 1: they connect JPD spaces (seedJpdIdeas).
  'settings/project/save': {
    need: 'project-admin',
    where: 'project',
    payload: () => ({ override: { jpd: { spaceKeys: ['IDEA'] } }, expectedVersion: 1 }),
  },
  'settings/global/people': {
    need: 'jira-admin',
    where: 'admin-page',
    payload: () => ({ query: 'Pat' }),
  },
  'settings/project/people': {
    need: 'project-admin',
    where: 'project',
    payload: () => ({ query: 'Pat' }),
  },
  'settings/project/boards': { need: 'project-admin', where: 'project', payload: empty },
  'settings/project/jpd-spaces': { need: 'project-admin', where: 'project', payload: empty },
  'project/overview': { need: 'browse-project', where: 'project', payload: empty },
  'setup/status': { need: 'project-admin', where: 'project', payload: empty },
  'setup/run': { need: 'project-admin', where: 'project', payload: empty },
  'evidence/list': { need: 'browse-issue', where: 'idea', payload: empty },
  'evidence/add': { need: 'edit-issue', where: 'idea', payload: () => ({ entry: evidence }) },
  'evidence/update': {
    need: 'edit-issue',
    where: 'idea',
    payload: () => ({ id: 'e1', entry: { ...evidence, summary: 'Talked to Ana again' } }),
  },
  'evidence/remove': { need: 'edit-issue', where: 'idea', payload: () => ({ id: 'e4' }) },
  // e4 is on the log, so the allowed caller's Undo is a repeat that finds it already back.
  'evidence/restore': { need: 'edit-issue', where: 'idea', payload: () => ({ id: 'e4' }) },
  'evidence/decide': {
    need: 'edit-issue',
    where: 'idea',
    payload: () => ({ invalidated: true, reason: 'Nobody needs it' }),
  },
  'waiver/grant': {
    need: 'issue-project-admin',
    where: 'project',
    payload: (w) => ({ issueKey: w.enabler.key, reason: 'Hotfix week', expiresOn: inDays(7) }),
    forgedPayload: (w) => ({
      issueKey: w.otherIssue.key,
      reason: 'Hotfix week',
      expiresOn: inDays(7),
    }),
  },
  'waiver/revoke': {
    need: 'issue-project-admin',
    where: 'project',
    payload: (w) => ({ issueKey: w.enabler.key }),
    forgedPayload: (w) => ({ issueKey: w.otherIssue.key }),
  },
  'waiver/list': { need: 'project-admin', where: 'project', payload: empty },
  'audit/list': { need: 'project-admin', where: 'project', payload: empty },
  'validator/config-defaults': { need: 'jira-admin', where: 'admin-page', payload: empty },
  'data/export': { need: 'jira-admin', where: 'admin-page', payload: empty },
  'data/import': {
    need: 'jira-admin',
    where: 'admin-page',
    payload: () => ({
      document: {
        format: DATA_FORMAT,
        schemaVersion: 1,
        exportedAt: '2026-11-01T00:00:00.000Z',
        sections: ['waivers'],
        records: [],
      },
    }),
  },
  'promote/draft': { need: 'edit-issue', where: 'idea', payload: empty },
  'promote/run': {
    need: 'edit-issue',
    where: 'idea',
    payload: () => ({ items: [{ summary: 'Build one-click reorder' }] }),
  },
  'issue/readiness': { need: 'browse-issue', where: 'idea', payload: empty },
  'issue/feasibility/flag': { need: 'edit-issue', where: 'idea', payload: () => ({ novel: true }) },
  'issue/feasibility/sign-off': {
    need: 'edit-issue',
    where: 'idea',
    payload: () => ({ verdict: 'feasible', note: 'Checked with the platform team' }),
  },
  'issue/spike/learned': {
    need: 'edit-issue',
    where: 'spike',
    payload: () => ({ note: 'Redis wins on p95; Postgres is enough for now' }),
  },
  'issue/triage/save': {
    need: 'edit-issue',
    where: 'delivery',
    payload: () => ({ uncertainty: 'high', risk: 'medium', reason: 'New event store for orders' }),
  },
  // Creates and links an issue: Create issues and Link issues instead of Edit issues.
  'issue/explore-first': {
    need: 'edit-issue',
    where: 'delivery',
    payload: () => ({ kind: 'spike', question: 'Can the event store keep order per customer?' }),
  },
  'templates/get': { need: 'jira-admin', where: 'admin-page', payload: empty },
  'templates/save': {
    need: 'jira-admin',
    where: 'admin-page',
    payload: () => ({ templates: structuredClone(BUILT_IN_TEMPLATES), expectedVersion: 0 }),
  },
  'templates/reset': {
    need: 'jira-admin',
    where: 'admin-page',
    payload: () => ({ expectedVersion: 0 }),
  },
  'templates/list': { need: 'browse-project', where: 'project', payload: empty },
  'outcome/rules': { need: 'browse-project', where: 'project', payload: empty },
  'templates/create': {
    need: 'create-in-project',
    where: 'project',
    payload: () => ({
      templateId: 'idea',
      summary: 'Reorder from the order history',
      answers: {
        problem: 'Customers retype their usual order every week',
        'target-users': 'Weekly grocery shoppers',
        hypothesis: 'A reorder button halves the time to check out',
      },
    }),
  },
  'retro/report': { need: 'browse-project', where: 'project', payload: empty },
  'retro/job/start': { need: 'browse-project', where: 'project', payload: empty },
  'retro/job/status': { need: 'browse-project', where: 'project', payload: empty },
  'board/readiness': { need: 'browse-board', where: 'board', payload: empty },
  'gadget/rollup': {
    need: 'signed-in',
    where: 'dashboard',
    payload: (w) => ({ projectKeys: [w.dt.key] }),
    forgedPayload: (w) => ({ projectKeys: [w.other.key] }),
  },
  'gadget/projects': {
    need: 'signed-in',
    where: 'dashboard',
    payload: () => ({ query: '' }),
    // Asks for the project the caller may not browse: an answer without it (test/surfaces).
    forgedPayload: (w) => ({ query: w.other.key }),
  },
  // An idea of a connected JPD space, from the project page: the payload names the idea. The
  // forged payloads name an idea of a space DT does not connect (refused before it is read) or
  // one of a connected space the caller may not browse (Jira's 404). A member whose context is
  // OTHER names an idea of a space OTHER does not connect.
  ...jpdIdeaRows(),
  'retro/outcome/record': {
    need: 'edit-issue',
    where: 'project',
    payload: (w) => ({ issueKey: w.delivered.key, result: 'hit', note: 'Reorders up 12%' }),
    forgedPayload: (w) => ({ issueKey: w.otherIssue.key, result: 'hit', note: '' }),
    // Browse projects on the context project is checked first, then Edit on the named item,
    // which must be an item of the context project.
    except: {
      'user without Browse': 'forbidden',
      'forged payload': 'invalid-input',
      'forged context': 'forbidden',
    },
  },
};

function jpdIdeaRows(): Record<string, Row> {
  const onIdea = (extra: Record<string, unknown>) => ({
    payload: (w: World) => ({ ideaKey: w.jpd.idea, ...extra }),
    where: 'project' as const,
    except: { 'forged context': 'invalid-input' as const },
  });
  const notConnected = (extra: Record<string, unknown>) => (w: World) => ({
    ideaKey: w.jpd.loose,
    ...extra,
  });
  const notBrowsable = (extra: Record<string, unknown>) => (w: World) => ({
    ideaKey: w.jpd.secret,
    ...extra,
  });
  const hidden = { 'forged context': 'invalid-input', 'forged payload': 'not-found' } as const;
  const promote = { items: [{ summary: 'Build one-click reorder' }] };
  return {
    'jpd/idea/evidence/list': {
      need: 'browse-issue',
      ...onIdea({}),
      forgedPayload: notConnected({}),
    },
    'jpd/idea/evidence/add': {
      need: 'edit-issue',
      ...onIdea({ entry: evidence }),
      forgedPayload: notConnected({ entry: evidence }),
    },
    'jpd/idea/evidence/update': {
      need: 'edit-issue',
      ...onIdea({ id: 'e1', entry: { ...evidence, summary: 'Talked to Ana again' } }),
      forgedPayload: notBrowsable({ id: 'e1', entry: evidence }),
      except: hidden,
    },
    'jpd/idea/evidence/remove': {
      need: 'edit-issue',
      ...onIdea({ id: 'e4' }),
      forgedPayload: notConnected({ id: 'e4' }),
    },
    'jpd/idea/evidence/restore': {
      need: 'edit-issue',
      ...onIdea({ id: 'e4' }),
      forgedPayload: notBrowsable({ id: 'e4' }),
      except: hidden,
    },
    'jpd/idea/evidence/decide': {
      need: 'edit-issue',
      ...onIdea({ invalidated: true, reason: 'Nobody needs it' }),
      forgedPayload: notConnected({ invalidated: true, reason: 'Nobody needs it' }),
    },
    // Promote needs Browse, Create and Link issues in DT and Browse on the idea.
    'jpd/idea/promote/draft': {
      need: 'edit-issue',
      ...onIdea({}),
      forgedPayload: notBrowsable({}),
      except: hidden,
    },
    'jpd/idea/promote/run': {
      need: 'edit-issue',
      ...onIdea(promote),
      forgedPayload: notConnected(promote),
    },
  };
}

/**
 * Everything `data/export` gives, page by page, as the admin page collects it (a Jira admin on
 * the admin page), in one document; each page is checked for its format and its size.
 */
export async function exportAllData(w: World): Promise<{ document: DataDocument; pages: number }> {
  const records: DataDocument['records'] = [];
  const sections = new Set<DataDocument['sections'][number]>();
  let cursor: string | undefined;
  let pages = 0;
  do {
    const answer = await callResolver(
      w.em,
      'data/export',
      'user-site-admin',
      cursor === undefined ? {} : { cursor },
      { extension: extensionOf(w, 'admin-page', false) },
    );
    if (!answer.ok) throw new Error(`data/export: ${JSON.stringify(answer.error)}`);
    const page = answer.data as { document: DataDocument; nextCursor?: string };
    expect(page.document).toMatchObject({
      format: DATA_FORMAT,
      schemaVersion: DATA_SCHEMA_VERSION,
    });
    expect(Buffer.byteLength(JSON.stringify(page))).toBeLessThan(5 * 1024 * 1024);
    records.push(...page.document.records);
    for (const s of page.document.sections) sections.add(s);
    cursor = page.nextCursor;
    pages += 1;
  } while (cursor !== undefined && pages < 100);
  return {
    document: {
      format: DATA_FORMAT,
      schemaVersion: DATA_SCHEMA_VERSION,
      exportedAt: new Date().toISOString(),
      sections: [...sections],
      records,
    },
    pages,
  };
}

/** Requests that read although they are POSTs (searches, bulk fetches, expression evaluation). */
const READ_POSTS =
  /^\/rest\/api\/3\/(search\/jql|search\/approximate-count|issue\/bulkfetch|changelog\/bulkfetch|expression\/evaluate|user\/bulk|permissions\/check)/;

/** The Jira requests since the last reset that change something, as "METHOD path". */
export function jiraWrites(em: JiraEmulator): string[] {
  return em
    .jiraCalls()
    .filter((c) => c.method !== 'GET' && !(c.method === 'POST' && READ_POSTS.test(c.path)))
    .map((c) => `${c.method} ${c.path}`);
}
