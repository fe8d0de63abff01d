import { exploreFirst } from '../entry-criteria/explore-first';
import { saveTriage } from '../entry-criteria/triage-write';
import { recordSpikeNote } from '../issue-panel/issue-notes';
import { askLeadsIfNovel, flagAndAsk, signOffAsLead } from '../issue-panel/lead-engineers';
import { loadIssueReadiness, NoBrowseError } from '../issue-panel/load-readiness';
import { projectKeyOf } from './evidence-resolvers';
import type { ResolverGroup } from './all-resolvers';
import { fail, issueOf, projectOf, resolver, type Caller, type Requirement } from './resolver-kit';

/**
 * The issue panel and the issue context summary, for the issue they run on (Forge's context,
 * never the payload). Reading needs Browse projects (a user without it gets nothing: Jira answers
 * 404, so `not-found`); the answer says whether the user may edit, computed from the same
 * permission check, so the UI can hide what it would refuse. Writes need Edit issues; "Explore
 * first" creates and links an issue, so it needs Create issues and Link issues instead.
 */

const canEdit: Requirement = {
  context: (caller) => ({ kind: 'issue', issueKey: issueOf(caller).key }),
  permissions: ['BROWSE_PROJECTS', 'EDIT_ISSUES'],
  because: 'You need the Edit issues permission on this issue to change it.',
};

const canExplore: Requirement = {
  context: (caller) => ({ kind: 'issue', issueKey: issueOf(caller).key }),
  permissions: ['BROWSE_PROJECTS', 'CREATE_ISSUES', 'LINK_ISSUES'],
  because:
    'You need the Browse projects, Create issues and Link issues permissions in this project to start discovery with Explore first.',
};

const author = (caller: Caller) => ({ accountId: caller.accountId, now: caller.now });

export const issuePanelResolvers: ResolverGroup = {
  'issue/readiness': resolver('issue/readiness', [], async (caller) => {
    const issue = issueOf(caller);
    try {
      return await loadIssueReadiness({
        jira: caller.jira,
        issue,
        projectKey: projectKeyOf(caller, issue),
        accountId: caller.accountId,
        now: caller.now,
      });
    } catch (error) {
      if (error instanceof NoBrowseError) return fail('forbidden', error.message);
      throw error;
    }
  }),
  'issue/feasibility/flag': resolver('issue/feasibility/flag', [canEdit], (caller, payload) => {
    const issue = issueOf(caller);
    return flagAndAsk({
      jira: caller.jira,
      issue,
      projectKey: projectKeyOf(caller, issue),
      novel: payload.novel,
      author: author(caller),
    });
  }),
  /** Edit issues, and (when the project names lead engineers) being one of them. */
  'issue/feasibility/sign-off': resolver(
    'issue/feasibility/sign-off',
    [canEdit],
    async (caller, payload) => {
      const issue = issueOf(caller);
      const answer = await signOffAsLead({
        jira: caller.jira,
        issue,
        projectKey: projectKeyOf(caller, issue),
        verdict: payload.verdict,
        note: payload.note,
        author: author(caller),
      });
      return answer.ok ? answer.value : fail(answer.code, answer.message);
    },
  ),
  'issue/spike/learned': resolver('issue/spike/learned', [canEdit], (caller, payload) =>
    recordSpikeNote(issueOf(caller).id, payload.note, author(caller)),
  ),
  'issue/triage/save': resolver('issue/triage/save', [canEdit], async (caller, payload) => {
    const issue = issueOf(caller);
    const answer = await saveTriage({
      jira: caller.jira,
      issueKey: issue.key,
      projectKey: projectKeyOf(caller, issue),
      input: payload,
    });
    if (!answer.ok) return fail(answer.code, answer.message);
    await askLeadsIfNovel({
      jira: caller.jira,
      issue,
      projectKey: projectKeyOf(caller, issue),
      author: author(caller),
    });
    return { triage: answer.triage, text: answer.text };
  }),
  'issue/explore-first': resolver('issue/explore-first', [canExplore], async (caller, payload) => {
    const answer = await exploreFirst({
      jira: caller.jira,
      delivery: issueOf(caller),
      project: projectOf(caller),
      input: payload,
      who: author(caller),
    });
    return answer.ok ? answer.result : fail(answer.code, answer.message, answer.details);
  }),
};
