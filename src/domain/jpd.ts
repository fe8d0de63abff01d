import type { LinkTypeInfo } from './link-type';
import type { StatusCategory } from './signal-model';

/**
 * Jira Product Discovery (JPD) shapes the app reads, and the rules on them (docs/jpd.md):
 * the delivery link type JPD creates, the stage of an idea from its status, and the insights
 * field. Where Atlassian documents no name, every variant seen is listed and the site decides.
 */

/** Jira's project type key of a JPD space (the platform OpenAPI's project type enum). */
export const JPD_PROJECT_TYPE = 'product_discovery';

/** An idea of a JPD space is promoted where its delivery items belong (docs/jpd.md). */
export const JPD_PROMOTE_ELSEWHERE =
  'This idea is in a Jira Product Discovery space: promote it from the Dual Track page of a software project it is connected to, which creates the delivery items there and links them the way Product Discovery does.';

/** JPD's issue type for ideas. */
export const JPD_IDEA_TYPE = 'Idea';

/**
 * The link type JPD creates between an idea and its delivery work, by the names it has had:
 * "Polaris work item link" (Jira's 2025 rename of issues to work items), "Polaris issue link"
 * before it. Both read "<delivery> implements <idea>" / "<idea> is implemented by <delivery>".
 */
export const JPD_LINK_NAMES = ['Polaris work item link', 'Polaris issue link'] as const;

const norm = (value: string | undefined) => value?.trim().toLowerCase() ?? '';

/** The site's JPD delivery link type, by its known names; undefined when the site has none. */
export function jpdLinkType<T extends LinkTypeInfo>(types: readonly T[]): T | undefined {
  for (const name of JPD_LINK_NAMES) {
    const found = types.find((t) => norm(t.name) === norm(name));
    if (found) return found;
  }
  return undefined;
}

/** Whether a link's type is JPD's delivery link (any of its names). */
export function isJpdLink(type: { name?: string | undefined } | undefined): boolean {
  return JPD_LINK_NAMES.some((n) => norm(n) === norm(type?.name));
}

/** Where an idea is in JPD's flow, from its status (JPD's default workflow), else its category. */
export type IdeaStage = 'parked' | 'discovery' | 'ready' | 'delivery' | 'impact' | 'dropped';

const STAGE_BY_STATUS: Readonly<Record<string, IdeaStage>> = {
  'parking lot': 'parked',
  'to do': 'parked',
  discovery: 'discovery',
  'ready for delivery': 'ready',
  delivery: 'delivery',
  impact: 'impact',
  done: 'impact',
  archived: 'dropped',
  "won't do": 'dropped',
};

export function ideaStage(statusName: string, category: StatusCategory): IdeaStage {
  const byName = STAGE_BY_STATUS[norm(statusName)];
  if (byName) return byName;
  return category === 'new' ? 'parked' : category === 'done' ? 'impact' : 'discovery';
}

/** A field of the site's field list, as GET /rest/api/3/field names it. */
export interface SiteFieldInfo {
  id: string;
  name: string;
  schema?: { type: string; custom?: string | undefined } | undefined;
}

/**
 * JPD's insights count field, if the site's field list shows one: a field named "Insights" whose
 * `schema.custom` is JPD's (Polaris) own. Not documented by Atlassian: detected, never assumed.
 */
export function jpdInsightsField<T extends SiteFieldInfo>(fields: readonly T[]): T | undefined {
  return fields.find(
    (f) =>
      norm(f.name) === 'insights' &&
      (f.schema?.custom ?? '').toLowerCase().includes('polaris') &&
      /^customfield_\d+$/.test(f.id),
  );
}

/**
 * The JQL of the connected spaces' open ideas (`where`, and `ordered` by Rank); keys are checked
 * project keys (config-jpd.ts).
 */
export function ideasJql(
  spaceKeys: readonly string[],
  /** A JQL condition whose ideas are left out (counted instead of read). */
  leaveOut?: string,
): { where: string; ordered: string } | undefined {
  const keys = spaceKeys.filter((k) => /^[A-Z][A-Z0-9_]*$/.test(k));
  if (keys.length === 0) return undefined;
  const without = leaveOut ? ` AND NOT (${leaveOut})` : '';
  const where = `project in (${keys.map((k) => `"${k}"`).join(', ')}) AND issuetype = "${JPD_IDEA_TYPE}" AND statusCategory != Done${without}`;
  return { where, ordered: `${where} ORDER BY Rank ASC` };
}
