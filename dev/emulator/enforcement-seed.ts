import type { JiraEmulator } from './jira-emulator';
import { MEMBER_PERMISSIONS, type EmIssue, type EmSprint } from './model';
import { commentsOf } from './routes/enforcement';
import { seedSite, type DemoSite } from './site-seed';
import { ENFORCEMENT_KEYS, KEYS } from '../../src/storage/key-families';

/**
 * A dual-track project DT (mapping recorded by setup) with a Scrum board, an active and a future
 * sprint, and the event payloads Jira sends to Forge triggers, as the Forge events reference
 * documents them (only the parts the app reads, plus a few it ignores).
 */

export interface EnforcementSite extends DemoSite {
  projectId: string;
  active: EmSprint;
  future: EmSprint;
  projectAdmin: string;
}

export function seedEnforcementSite(em: JiraEmulator): EnforcementSite {
  const site = seedSite(em);
  const project = em.projectByKey('DT');
  seedTrackMapping(em, 'DT', site.admin);
  em.addUser({ accountId: 'user-padmin', displayName: 'Pia Project-Admin' });
  em.grant('DT', 'user-padmin', [...MEMBER_PERMISSIONS, 'ADMINISTER_PROJECTS']);
  const board = em.addBoard({ projectKey: 'DT' });
  const active = em.addSprint({ boardId: board.id, name: 'Sprint 7', state: 'active' });
  const future = em.addSprint({ boardId: board.id, name: 'Sprint 8', state: 'future' });
  return { ...site, projectId: project.id, active, future, projectAdmin: 'user-padmin' };
}

/**
 * The field ids setup remembers (the scoped outcome and Sprint fields, plus `more`) and the
 * Flagged field enforcement found (`null`: the site has none).
 */
export function rememberFieldIds(
  em: JiraEmulator,
  site: DemoSite,
  more: Record<string, string> = {},
  flagged: string | null = null,
): void {
  em.kvs.seed(KEYS.jiraFields, {
    scopedOutcome: site.scopedOutcome.id,
    sprint: em.sprintField.id,
    ...more,
  });
  em.kvs.seed(ENFORCEMENT_KEYS.fields, { flagged });
}

/**
 * The project set up as setup leaves a company-managed project: Enabler, Spike and Discovery on
 * the discovery track (the site's issue types of those names).
 */
export function seedTrackMapping(em: JiraEmulator, projectKey: string, updatedBy: string): void {
  const type = (name: string) => {
    const found = [...em.issueTypes.values()].find((t) => t.name === name);
    if (!found) throw new Error(`no type ${name}`);
    return found;
  };
  em.kvs.seed(KEYS.trackMapping(projectKey), {
    version: 1,
    projectId: em.projectByKey(projectKey).id,
    projectKey,
    style: 'classic',
    types: ['Enabler', 'Spike', 'Discovery'].map((name) => ({
      issueTypeId: type(name).id,
      name,
      track: 'discovery',
    })),
    updatedAt: '2026-11-01T00:00:00.000Z',
    updatedBy,
  });
}

/** `avi:jira:updated:issue` for a drag into a sprint: the changelog's Sprint item. */
export function sprintChangeEvent(
  em: JiraEmulator,
  issue: EmIssue,
  opts: { to: EmSprint; from?: EmSprint; changelogId?: string; actor?: string },
) {
  const project = em.projects.get(issue.projectId);
  const type = em.issueTypes.get(issue.issueTypeId);
  return {
    eventType: 'avi:jira:updated:issue',
    atlassianId: opts.actor ?? 'user-member',
    associatedUsers: [{ accountId: opts.actor ?? 'user-member' }],
    issue: {
      id: issue.id,
      key: issue.key,
      fields: {
        summary: issue.summary,
        issuetype: { id: type?.id, name: type?.name },
        project: { id: project?.id, key: project?.key, name: project?.name },
      },
    },
    changelog: {
      id: opts.changelogId ?? '50001',
      items: [
        {
          field: 'Sprint',
          fieldtype: 'custom',
          fieldId: em.sprintField.id,
          from: opts.from ? String(opts.from.id) : '',
          fromString: opts.from?.name ?? '',
          to: [opts.from?.id, opts.to.id].filter((x) => x !== undefined).join(', '),
          toString: [opts.from?.name, opts.to.name].filter((x) => x !== undefined).join(', '),
        },
      ],
    },
  };
}

/** `avi:jira:created:issue`: no changelog of the Sprint field; the handler reads the issue. */
export function createdEvent(em: JiraEmulator, issue: EmIssue, actor = 'user-member') {
  const event = sprintChangeEvent(em, issue, { to: { id: 0, name: '' } as EmSprint, actor });
  return { ...event, eventType: 'avi:jira:created:issue', changelog: undefined };
}

/** `avi:jira-software:started:sprint`: `{ sprint }`, no issue list. */
export function sprintStartedEvent(sprint: EmSprint, actor = 'user-member') {
  return {
    eventType: 'avi:jira-software:started:sprint',
    atlassianId: actor,
    sprint: {
      id: sprint.id,
      self: `https://dual-track-demo.atlassian.net/rest/agile/1.0/sprint/${sprint.id}`,
      state: 'active',
      name: sprint.name,
      startDate: '2026-11-02T09:00:00.000Z',
      endDate: '2026-11-16T09:00:00.000Z',
      originBoardId: sprint.boardId,
      goal: '',
    },
  };
}

/** The plain text of an ADF comment (mentions as @accountId). */
export function commentText(em: JiraEmulator, key: string): string[] {
  const walk = (node: unknown): string => {
    if (typeof node !== 'object' || node === null) return '';
    const n = node as {
      type?: string;
      text?: string;
      attrs?: { id?: string };
      content?: unknown[];
    };
    if (n.type === 'text') return n.text ?? '';
    if (n.type === 'mention') return `@${n.attrs?.id ?? ''}`;
    const inner = (n.content ?? []).map(walk).join('');
    return n.type === 'paragraph' || n.type === 'listItem' ? `${inner}\n` : inner;
  };
  return commentsOf(em, key).map((c) => walk(c.body).trim());
}
