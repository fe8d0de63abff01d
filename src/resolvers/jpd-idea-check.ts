import { z } from 'zod';
import { ideaPromotion } from '../domain/promotion-rule';
import { JPD_IDEA_TYPE, JPD_PROJECT_TYPE } from '../domain/jpd';
import type { IdeaEvidenceView } from '../contract/jpd-idea';
import { evidenceView } from '../issue-panel/panel-views';
import { myPermissions } from '../jira/permissions';
import { readDiscovery } from '../promote/promote-jira';
import { readEvidence } from '../storage/evidence-store';
import { readFeasibilityState } from '../storage/issue-notes-store';
import { readProjectContext, type ProjectContext } from '../storage/project-context';
import { fail, projectOf, type Caller } from './resolver-kit';

/**
 * The check every `jpd/idea/*` resolver makes first: the idea the payload names is an idea of a
 * Jira Product Discovery space the page's project connects (`jpd.spaceKeys`), read as the caller
 * (Jira answers 404 for an issue they may not browse: `not-found`, no data), of JPD's Idea type.
 * And the idea view: its evidence as the issue panel shows it, and whether it may be promoted.
 */

export interface ConnectedIdea {
  id: string;
  key: string;
  summary: string;
  /** The page's software project, whose settings (evidence rule) apply. */
  project: { id: string; key: string };
  context: ProjectContext;
}

const IdeaSchema = z
  .object({
    id: z.string(),
    key: z.string(),
    fields: z
      .object({
        summary: z.string().optional(),
        issuetype: z.object({ name: z.string() }).passthrough(),
        project: z.object({ key: z.string(), projectTypeKey: z.string().optional() }).passthrough(),
      })
      .passthrough(),
  })
  .passthrough();

const norm = (value: string) => value.trim().toLowerCase();

export async function connectedIdea(caller: Caller, ideaKey: string): Promise<ConnectedIdea> {
  const project = projectOf(caller);
  const spaceKey = ideaKey.slice(0, ideaKey.lastIndexOf('-'));
  const context = await readProjectContext(project.key);
  // Named as the payload's field, as every refusal of an invalid payload is.
  const refuse = (why: string): never =>
    fail('invalid-input', `ideaKey: ${why}`, { fields: [{ path: 'ideaKey', message: why }] });
  if (!context.config.jpd.spaceKeys.includes(spaceKey)) {
    refuse(
      `${ideaKey} is not an idea of a Jira Product Discovery space connected to ${project.key}: a project admin connects spaces in the project settings.`,
    );
  }
  // As the caller: a 404 (no such idea, or one they may not browse) is thrown as `not-found`.
  const raw = await caller.jira.getIssue(ideaKey, ['summary', 'issuetype', 'project']);
  const idea = IdeaSchema.parse(raw);
  const { issuetype, project: space } = idea.fields;
  if (!context.config.jpd.spaceKeys.includes(space.key)) {
    refuse(
      `${ideaKey} is now ${idea.key}, in ${space.key}, a space ${project.key} does not connect.`,
    );
  }
  if (space.projectTypeKey !== undefined && space.projectTypeKey !== JPD_PROJECT_TYPE) {
    refuse(`${idea.key} is in ${space.key}, which is not a Jira Product Discovery space.`);
  }
  if (norm(issuetype.name) !== norm(JPD_IDEA_TYPE)) {
    refuse(
      `${idea.key} is a ${issuetype.name}, not a Jira Product Discovery idea: only ideas have an evidence log and promote here.`,
    );
  }
  return { id: idea.id, key: idea.key, summary: idea.fields.summary ?? '', project, context };
}

/** The idea view: evidence (the project's rule), whether the caller may edit it and promote it. */
export async function ideaEvidenceView(
  caller: Caller,
  idea: ConnectedIdea,
): Promise<IdeaEvidenceView> {
  const { config, fields } = idea.context;
  const [held, stored, review, source] = await Promise.all([
    // Browse is settled: connectedIdea read the idea as the caller.
    myPermissions(caller.jira, { kind: 'issue', issueKey: idea.key }, ['EDIT_ISSUES']),
    readEvidence(idea.id),
    readFeasibilityState(idea.id),
    readDiscovery(caller.jira, idea.key, fields),
  ]);
  const { blockers } = ideaPromotion({
    track: 'discovery',
    log: stored.content,
    review: review.record,
    triage: source.triage,
    config,
  });
  return {
    idea: { id: idea.id, key: idea.key, summary: idea.summary },
    evidence: evidenceView(stored, config.validation),
    canEdit: held.has('EDIT_ISSUES'),
    promotion: { allowed: blockers.length === 0, reasons: blockers.map((b) => b.text) },
  };
}
