import {
  pickableTemplates,
  TEMPLATE_SHAPES,
  type DiscoveryTemplate,
  type TemplateKind,
} from '../domain/discovery-templates';
import {
  fillTemplate,
  type FieldProblem,
  type FilledItem,
  type FillInput,
} from '../domain/template-fill';
import { explainJiraFailure, isJiraError } from '../jira/errors';
import { createItem, refusedField, type NewItem } from '../items/create-and-link';
import { projectIssueTypes, type ProjectIssueType } from '../jira/projects';
import type { JiraGateway } from '../jira/jira-gateway';
import { kindOf, trackResolver, type TrackResolver } from '../items/project-items';
import { readProjectContext } from '../storage/project-context';
import {
  claimTemplateRequest,
  recordTemplateRequest,
  releaseTemplateRequest,
  type TemplateRequest,
} from '../storage/template-request-store';
import { claimOutlived } from '../storage/kvs-store';
import { readTemplates } from '../storage/template-store';
import { appFieldIds } from '../items/app-fields';

/**
 * "New discovery item" on the project page: create an idea, a spike or an enabler in the context
 * project, as the user, from a template (src/domain/discovery-templates.ts). The issue type is
 * the project's discovery type of that kind: from the project's track mapping, else from the
 * configured discovery type names. The description holds the template's headings with what was
 * written under them; a spike or an enabler also gets its Scoped outcome.
 * More: docs/internals.md#templates-create-from-template-ts.
 */

type IssueTypes = ProjectIssueType[];

const KIND_NAMES: Record<TemplateKind, string> = {
  idea: 'Discovery',
  spike: 'Spike',
  enabler: 'Enabler',
};

const norm = (value: string) => value.trim().toLowerCase();

export class TemplateRefusal extends Error {
  constructor(
    readonly code: 'invalid-input' | 'not-found' | 'conflict',
    message: string,
    readonly problems?: FieldProblem[],
  ) {
    super(message);
    this.name = 'TemplateRefusal';
  }
}

/** The issue type for a kind: a standard discovery-track type of the project of that kind. */
export function typeForKind(
  types: IssueTypes,
  kind: TemplateKind,
  tracks: TrackResolver,
): { id: string; name: string } | undefined {
  const candidates = types.filter(
    (t) =>
      t.subtask !== true &&
      tracks.trackOf(t.id, t.name) === 'discovery' &&
      kindOf(t.name, 'discovery') === kind,
  );
  return candidates.find((t) => norm(t.name) === norm(KIND_NAMES[kind])) ?? candidates[0];
}

async function projectTypes(jira: JiraGateway, projectId: string): Promise<IssueTypes> {
  return projectIssueTypes(jira, projectId);
}

export interface TemplateChoice {
  template: DiscoveryTemplate;
  kind: TemplateKind;
  /** The issue type it creates in this project; null when the project has none. */
  issueType: { id: string; name: string } | null;
}

export interface TemplatesForProject {
  choices: TemplateChoice[];
  /** Added to an idea: the press release and FAQ. */
  attachments: DiscoveryTemplate[];
  maxSpikeTimeboxDays: number;
  templatesVersion: number;
}

/** What the "New discovery item" dialog offers in this project. */
export async function templatesForProject(
  jira: JiraGateway,
  project: { id: string; key: string },
): Promise<TemplatesForProject> {
  const [decision, stored, types] = await Promise.all([
    readProjectContext(project.key),
    readTemplates(),
    projectTypes(jira, project.id),
  ]);
  const tracks = trackResolver(decision.mapping, decision.config.tracks.discoveryTypeNames);
  return {
    choices: pickableTemplates(stored.templates).map((template) => {
      const kind = TEMPLATE_SHAPES[template.id].kind;
      return { template, kind, issueType: typeForKind(types, kind, tracks) ?? null };
    }),
    attachments: stored.templates.filter((t) => TEMPLATE_SHAPES[t.id].attachesTo !== undefined),
    maxSpikeTimeboxDays: decision.config.spike.maxTimeboxDays,
    templatesVersion: stored.version,
  };
}

export interface CreatedFromTemplate {
  id: string;
  key: string;
  kind: TemplateKind;
  issueType: { id: string; name: string };
  template: { id: string; name: string };
  scopedOutcome: boolean;
  withPressRelease: boolean;
  message: string;
}

/** The new item's fields: its type, summary, description and, for spikes and enablers, outcome. */
async function newItemFields(
  jira: JiraGateway,
  project: { id: string },
  type: { id: string },
  item: FilledItem,
  knownFields: Parameters<typeof appFieldIds>[1],
): Promise<{ newItem: NewItem; outcomeField: string | undefined }> {
  const newItem: NewItem = {
    project,
    typeId: type.id,
    summary: item.summary,
    description: item.description,
  };
  if (!item.scopedOutcome) return { newItem, outcomeField: undefined };
  const outcomeField = (await appFieldIds(['scopedOutcome'], knownFields, jira)).ids.scopedOutcome;
  if (!outcomeField) {
    throw new TemplateRefusal(
      'conflict',
      `The app's Scoped outcome field is not on this Jira site, so the ${item.kind} could not get its scoped outcome. Reinstall or upgrade Dual Track; nothing was created.`,
    );
  }
  return { newItem: { ...newItem, extra: { [outcomeField]: item.scopedOutcome } }, outcomeField };
}

function answerOf(
  created: { id: string; key: string },
  type: { id: string; name: string },
  item: FilledItem,
): CreatedFromTemplate {
  const parts = [
    `Created ${created.key} (${type.name}) from the ${item.template.name} template`,
    item.scopedOutcome ? 'with its scoped outcome' : undefined,
    item.withPressRelease ? 'with a press release and FAQ' : undefined,
  ].filter((p): p is string => p !== undefined);
  return {
    id: created.id,
    key: created.key,
    kind: item.kind,
    issueType: { id: type.id, name: type.name },
    template: { id: item.template.id, name: item.template.name },
    scopedOutcome: item.scopedOutcome !== undefined,
    withPressRelease: item.withPressRelease,
    message: `${parts.join(', ')}.`,
  };
}

export async function createFromTemplate(args: {
  jira: JiraGateway;
  project: { id: string; key: string };
  input: FillInput;
  /** The dialog's id for this submission, with who sent it: the same request creates once. */
  request?: { accountId: string; requestId: string; now: Date } | undefined;
}): Promise<CreatedFromTemplate> {
  const { jira, project, input, request } = args;
  const [decision, stored] = await Promise.all([readProjectContext(project.key), readTemplates()]);
  const filled = fillTemplate(stored.templates, input, decision.config);
  if (!filled.ok) throw new TemplateRefusal(filled.code, filled.message, filled.problems);
  const item = filled.item;

  const tracks = trackResolver(decision.mapping, decision.config.tracks.discoveryTypeNames);
  const type = typeForKind(await projectTypes(jira, project.id), item.kind, tracks);
  if (!type) {
    throw new TemplateRefusal(
      'conflict',
      `${project.key} has no ${KIND_NAMES[item.kind]} issue type on the discovery track, so no ${item.kind} can be created here. Ask a project admin to run Dual Track setup (Project settings → Dual Track); nothing was created.`,
    );
  }

  const { newItem, outcomeField } = await newItemFields(jira, project, type, item, decision.fields);

  if (request) {
    const claim = await claimTemplateRequest(request.accountId, request.requestId, request.now);
    if (claim.status === 'seen') return answerSeen(claim.request, request.now, project.key);
  }
  let created: { id: string; key: string };
  try {
    created = await createItem(jira, newItem);
  } catch (error) {
    // Jira answered with a refusal: nothing was created, so the same request may try again.
    if (request && isJiraError(error)) {
      await releaseTemplateRequest(request.accountId, request.requestId);
    }
    if (outcomeField && refusedField(error, outcomeField)) {
      throw new TemplateRefusal(
        'conflict',
        `Jira would not set the Scoped outcome on a new ${type.name} (${explainJiraFailure(error)}). A Jira admin can add the Scoped outcome field to the create screen of ${type.name}; nothing was created.`,
      );
    }
    throw error;
  }
  const answer = answerOf(created, type, item);
  if (request) await recordTemplateRequest(request.accountId, request.requestId, answer);
  return answer;
}

/** The answer to a request seen before: what it created, or why nothing more is created now. */
function answerSeen(seen: TemplateRequest, now: Date, projectKey: string): CreatedFromTemplate {
  if (seen.created) return seen.created;
  const stale = claimOutlived(seen.at, now);
  throw new TemplateRefusal(
    'conflict',
    stale
      ? `This item may have been created already: the app was stopped while Jira was creating it (${seen.at}). Look for it in ${projectKey} before creating it again; nothing more was created.`
      : 'This item is being created right now (the same request arrived twice); nothing more was created. It appears on the page in a moment.',
  );
}
