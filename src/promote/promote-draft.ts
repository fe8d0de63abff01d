import { draftAcceptanceCriteria, evidenceLines } from '../domain/promotion-draft';
import { trackResolver } from '../items/project-items';
import type { JiraGateway } from '../jira/jira-gateway';
import { projectIssueTypes } from '../jira/projects';
import { readEvidenceState } from '../storage/evidence-store';
import { readProjectContext } from '../storage/project-context';
import { readDiscovery } from './promote-jira';

/**
 * What the promote form starts from: the project's delivery issue types (Story first), one
 * item named after the idea with acceptance criteria drafted from its scoped outcome and
 * evidence, and the evidence in brief that every created item's description carries.
 */

export interface PromoteDraft {
  deliveryTypes: Array<{ id: string; name: string }>;
  defaultTypeId: string | null;
  items: Array<{ summary: string; acceptanceCriteria: string[] }>;
  evidence: string[];
}

export async function promoteDraft(args: {
  jira: JiraGateway;
  discovery: { id: string; key: string };
  project: { id: string; key: string };
}): Promise<PromoteDraft> {
  const { jira, discovery, project } = args;
  const [context, evidence] = await Promise.all([
    readProjectContext(project.key),
    readEvidenceState(discovery.id),
  ]);
  const tracks = trackResolver(context.mapping, context.config.tracks.discoveryTypeNames);
  const [source, types] = await Promise.all([
    readDiscovery(jira, discovery.key, context.fields),
    projectIssueTypes(jira, project.id),
  ]);
  const deliveryTypes = types
    .filter((t) => t.subtask !== true && tracks.trackOf(t.id, t.name) === 'delivery')
    .map((t) => ({ id: t.id, name: t.name }));
  const story = deliveryTypes.find((t) => t.name.trim().toLowerCase() === 'story');
  const entries = evidence.stored.content.entries;
  const summary = (source.summary ?? '').trim();
  return {
    deliveryTypes,
    defaultTypeId: story?.id ?? deliveryTypes[0]?.id ?? null,
    items: [
      {
        summary: (summary || discovery.key).slice(0, 255),
        acceptanceCriteria: draftAcceptanceCriteria(
          { key: discovery.key, summary },
          source.outcome,
          entries,
        ),
      },
    ],
    evidence: evidenceLines(entries).map((l) => l.text),
  };
}
