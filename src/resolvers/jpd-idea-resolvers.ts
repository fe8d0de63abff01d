import type { EvidenceChange } from '../domain/evidence-log';
import { changeEvidenceLog } from '../evidence/evidence-service';
import { promoteToDelivery } from '../promote/promote';
import { promoteDraft } from '../promote/promote-draft';
import type { ResolverGroup } from './all-resolvers';
import { connectedIdea, ideaEvidenceView, type ConnectedIdea } from './jpd-idea-check';
import { fail, requirePermissions, resolver, type Caller, type Requirement } from './resolver-kit';

/**
 * The evidence log and promote of an idea of a connected Jira Product Discovery space, from the
 * project page, where the ideas are listed (whether Forge's issue panel renders on an idea is
 * undocumented: docs/jpd.md). The payload names the idea; the project is the page's. Each first
 * checks the idea (jpd-idea-check.ts), then the caller's permissions as the panel's do: Edit
 * issues on the idea for its evidence; Browse, Create and Link issues in the project to promote.
 */

// Browse on the idea is settled before: connectedIdea read it as the caller, and Jira answers 404
// for an issue they may not browse (security levels included).
const canEdit = (idea: ConnectedIdea): Requirement => ({
  context: () => ({ kind: 'issue', issueKey: idea.key }),
  permissions: ['EDIT_ISSUES'],
  because: 'You need the Edit issues permission on this idea to change its evidence.',
});

const canPromote = (idea: ConnectedIdea): Requirement => ({
  context: () => ({ kind: 'project', projectKey: idea.project.key }),
  permissions: ['BROWSE_PROJECTS', 'CREATE_ISSUES', 'LINK_ISSUES'],
  because: `You need the Browse projects, Create issues and Link issues permissions in ${idea.project.key} to promote an idea to delivery.`,
});

async function change(caller: Caller, ideaKey: string, what: EvidenceChange) {
  const idea = await connectedIdea(caller, ideaKey);
  await requirePermissions(caller, canEdit(idea));
  const result = await changeEvidenceLog(
    { accountId: caller.accountId, now: caller.now },
    { id: idea.id, key: idea.key },
    idea.project.key,
    what,
    caller.jira,
    // Checked: an idea of a connected space is on the discovery track by being one.
    'discovery',
  );
  if (!result.ok) return fail(result.code, result.message, result.details);
  return { entryId: result.entryId, evidence: result.evidence, summaryField: result.summaryField };
}

/** The idea checked, and the caller allowed to promote it into the page's project. */
async function promotable(caller: Caller, ideaKey: string): Promise<ConnectedIdea> {
  const idea = await connectedIdea(caller, ideaKey);
  await requirePermissions(caller, canPromote(idea));
  return idea;
}

export const jpdIdeaResolvers: ResolverGroup = {
  // Browse on the idea: Jira's answer to reading it as the caller, and the view's permission ask.
  'jpd/idea/evidence/list': resolver('jpd/idea/evidence/list', [], async (caller, payload) =>
    ideaEvidenceView(caller, await connectedIdea(caller, payload.ideaKey)),
  ),
  'jpd/idea/evidence/add': resolver('jpd/idea/evidence/add', [], (caller, payload) =>
    change(caller, payload.ideaKey, { kind: 'add', entry: payload.entry }),
  ),
  'jpd/idea/evidence/update': resolver('jpd/idea/evidence/update', [], (caller, payload) =>
    change(caller, payload.ideaKey, { kind: 'update', id: payload.id, entry: payload.entry }),
  ),
  'jpd/idea/evidence/remove': resolver('jpd/idea/evidence/remove', [], (caller, payload) =>
    change(caller, payload.ideaKey, { kind: 'remove', id: payload.id }),
  ),
  'jpd/idea/evidence/restore': resolver('jpd/idea/evidence/restore', [], (caller, payload) =>
    change(caller, payload.ideaKey, { kind: 'restore', id: payload.id }),
  ),
  'jpd/idea/evidence/decide': resolver('jpd/idea/evidence/decide', [], (caller, payload) =>
    change(caller, payload.ideaKey, {
      kind: 'decide',
      invalidated: payload.invalidated,
      reason: payload.reason,
    }),
  ),
  'jpd/idea/promote/draft': resolver('jpd/idea/promote/draft', [], async (caller, payload) => {
    const idea = await promotable(caller, payload.ideaKey);
    return promoteDraft({ jira: caller.jira, discovery: idea, project: idea.project });
  }),
  'jpd/idea/promote/run': resolver('jpd/idea/promote/run', [], async (caller, payload) => {
    const idea = await promotable(caller, payload.ideaKey);
    const answer = await promoteToDelivery({
      jira: caller.jira,
      discovery: { id: idea.id, key: idea.key },
      project: idea.project,
      items: payload.items,
      requestId: payload.requestId,
      accountId: caller.accountId,
      now: caller.now,
      source: 'jpd-idea',
    });
    if (!answer.ok) return fail(answer.code, answer.message, answer.details);
    return answer.result;
  }),
};
