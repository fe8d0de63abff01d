import { isJiraError, type JiraError } from '../jira/errors';
import { createIssue, linkIssues } from '../jira/issues';
import type { JiraGateway } from '../jira/jira-gateway';

/**
 * Creating an item in a project and linking it to another: the one way promote, Explore first
 * and the templates do it. Callers keep their own claims and records around these calls, so a
 * retry never creates twice (docs/internals.md).
 */

export interface NewItem {
  project: { id: string };
  typeId: string;
  summary: string;
  /** Atlassian Document Format. */
  description: unknown;
  /** More fields by id (the app's own fields: Scoped outcome, Entry triage). */
  extra?: Record<string, unknown>;
}

export type Created = { id: string; key: string };

/** The `fields` of POST /rest/api/3/issue for a new item. */
export function fieldsOf(item: NewItem): Record<string, unknown> {
  return {
    project: { id: item.project.id },
    issuetype: { id: item.typeId },
    summary: item.summary,
    description: item.description,
    ...item.extra,
  };
}

export async function createItem(jira: JiraGateway, item: NewItem): Promise<Created> {
  const { id, key } = await createIssue(jira, { fields: fieldsOf(item) });
  return { id, key };
}

/**
 * Whether Jira refused a create because of this field: a 400 naming it, as Jira answers for a
 * field that is not on the create screen of the type. Nothing was created then.
 */
export function refusedField(error: unknown, fieldId: string): error is JiraError {
  return isJiraError(error) && error.kind === 'bad-request' && error.message.includes(fieldId);
}

/**
 * Creates the item with one optional field, and again without it when Jira refuses that field
 * (not on the create screen): the item matters more than the field. Says which happened.
 */
export async function createWithOptionalField(
  jira: JiraGateway,
  item: NewItem,
  optional: { fieldId: string; value: unknown } | undefined,
): Promise<{ issue: Created; fieldSet: boolean; refusal?: JiraError }> {
  if (!optional) return { issue: await createItem(jira, item), fieldSet: false };
  const withField = { ...item, extra: { ...item.extra, [optional.fieldId]: optional.value } };
  try {
    return { issue: await createItem(jira, withField), fieldSet: true };
  } catch (error) {
    if (!refusedField(error, optional.fieldId)) throw error;
    return { issue: await createItem(jira, item), fieldSet: false, refusal: error };
  }
}

/**
 * Links two items. POST /rest/api/3/issueLink reads "outwardIssue <outward description>
 * inwardIssue", so `from` is the outward issue: link(blocks, spike, story) reads "spike blocks
 * story", link(implements, story, idea) "story implements idea"; Relates reads the same both ways.
 */
export async function linkItems(
  jira: JiraGateway,
  linkTypeId: string,
  from: { id: string },
  to: { id: string },
): Promise<void> {
  await linkIssues(jira, {
    type: { id: linkTypeId },
    outwardIssue: { id: from.id },
    inwardIssue: { id: to.id },
  });
}
