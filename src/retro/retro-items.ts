import { z } from 'zod';
import type { RetroIssue } from '../domain/retro';
import type { StatusCategory } from '../domain/signals';
import { chooseLinkType } from '../domain/link-type';
import { isJpdLink } from '../domain/jpd';
import { isoOf, kindOf, sprintsOf, type TrackResolver } from '../items/project-items';
import { searchAll } from '../jira/search';
import { type Estimation } from '../jira/boards';
import { readScopedOutcome } from '../items/scoped-outcome-field';
import type { JiraGateway, RawIssue } from '../jira/jira-gateway';
import { loadHistory } from './retro-history';

/** The project's items as the retro reads them: fields, history and promote's links. */

export const RetroFieldsSchema = z
  .object({
    summary: z.string(),
    issuetype: z.object({ id: z.string(), name: z.string() }).passthrough(),
    status: z
      .object({
        id: z.string(),
        name: z.string(),
        statusCategory: z
          .object({ key: z.enum(['new', 'indeterminate', 'done', 'undefined']) })
          .passthrough(),
      })
      .passthrough(),
    created: z.string(),
    statuscategorychangedate: z.string().nullish(),
    issuelinks: z
      .array(
        z
          .object({
            type: z
              .object({
                id: z.string(),
                name: z.string(),
                inward: z.string().optional(),
                outward: z.string().optional(),
              })
              .passthrough(),
            inwardIssue: z.object({ id: z.string() }).passthrough().optional(),
            outwardIssue: z.object({ id: z.string() }).passthrough().optional(),
          })
          .passthrough(),
      )
      .nullish(),
  })
  .passthrough();

export type RetroRaw = { issue: RawIssue; fields: z.infer<typeof RetroFieldsSchema> };

export const timeOf = (iso: string | undefined): number => {
  const t = iso === undefined ? NaN : Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
};

/** Status category of a status no current issue has: from its name, else in progress. */
function guessCategory(name: string): StatusCategory {
  const n = name.trim().toLowerCase();
  if (/^(done|closed|resolved|released|shipped)$/.test(n)) return 'done';
  if (/^(to do|todo|open|backlog|new|ready.*|selected.*)$/.test(n)) return 'new';
  return 'indeterminate';
}

export interface RetroFieldIds {
  sprint: string;
  scopedOutcome?: string | undefined;
  entryTriage?: string | undefined;
}

/** The fields the retro reads of each item (the estimate's field when the board has one). */
export function retroItemFields(ids: RetroFieldIds, estimationFieldId?: string | null): string[] {
  return [
    'summary',
    'issuetype',
    'status',
    'created',
    'statuscategorychangedate',
    'issuelinks',
    ids.sprint,
    ...(estimationFieldId ? [estimationFieldId] : []),
    ...(ids.scopedOutcome ? [ids.scopedOutcome] : []),
    ...(ids.entryTriage ? [ids.entryTriage] : []),
  ];
}

/** Every item of the project, oldest first, with the status category of each status seen. */
export async function readRetroItems(
  jira: JiraGateway,
  key: string,
  ids: RetroFieldIds,
  estimation: Estimation | undefined,
  tracks: TrackResolver,
) {
  const categories = new Map<string, StatusCategory>();
  const raw: RetroRaw[] = [];
  const fields = retroItemFields(ids, estimation?.fieldId);
  await searchAll(jira, `project = "${key}" ORDER BY created ASC`, fields, (issues) => {
    for (const issue of issues) {
      const parsed = RetroFieldsSchema.parse(issue.fields);
      const cat = parsed.status.statusCategory.key;
      categories.set(parsed.status.id, cat === 'undefined' ? 'new' : cat);
      raw.push({ issue, fields: parsed });
    }
  });
  const issues = raw.map((r) => retroIssueOf(r, ids, estimation, tracks));
  return { raw, issues, categories };
}

export function retroIssueOf(
  { issue, fields: f }: RetroRaw,
  ids: RetroFieldIds,
  estimation: Estimation | undefined,
  tracks: TrackResolver,
): RetroIssue {
  const track = tracks.trackOf(f.issuetype.id, f.issuetype.name);
  const estimateRaw = estimation ? issue.fields[estimation.fieldId] : undefined;
  const outcome = ids.scopedOutcome
    ? readScopedOutcome(issue.fields, ids.scopedOutcome)
    : { kind: 'empty' as const };
  return {
    id: issue.id,
    key: issue.key,
    summary: f.summary,
    kind: kindOf(f.issuetype.name, track),
    track,
    created: isoOf(f.created),
    estimate:
      typeof estimateRaw === 'number' && Number.isFinite(estimateRaw) ? estimateRaw : undefined,
    statusId: f.status.id,
    sprintIds: sprintsOf(issue.fields[ids.sprint]).map((s) => s.id),
    scopedOutcome: outcome.kind === 'present' ? outcome.value : undefined,
    statusCategoryChanged: f.statuscategorychangedate
      ? isoOf(f.statuscategorychangedate)
      : undefined,
    changes: [],
    activity: [],
    promotedFrom: [],
  };
}

/**
 * Reads the history of the items that can matter for the window (created before it ends and not
 * finished, without reopening, before it began) onto them; statuses no current item has get a
 * category guessed from their name.
 */
export async function attachHistory(
  jira: JiraGateway,
  issues: readonly RetroIssue[],
  categories: Map<string, StatusCategory>,
  window: { start: number; end: number },
  ids: RetroFieldIds,
): Promise<void> {
  const byId = new Map(issues.map((i) => [i.id, i]));
  const relevant = issues.filter(
    (i) =>
      timeOf(i.created) <= window.end &&
      !(
        categories.get(i.statusId) === 'done' &&
        i.statusCategoryChanged !== undefined &&
        timeOf(i.statusCategoryChanged) < window.start
      ),
  );
  const history = await loadHistory(
    jira,
    relevant.map((i) => i.id),
    { sprint: ids.sprint, scopedOutcome: ids.scopedOutcome },
  );
  for (const [id, changes] of history.changes) {
    const issue = byId.get(id);
    if (issue) issue.changes = changes;
  }
  for (const [id, statusName] of history.statusNames) {
    if (!categories.has(id)) categories.set(id, guessCategory(statusName));
  }
}

/**
 * Promote's links: the delivery item implements (outward) the discovery item (inward); and JPD's
 * delivery links, whose other end is an idea of a connected discovery space (docs/jpd.md). The
 * ideas of those spaces are not the project's issues: they are answered as stubs for readIdeas.
 */
export function linkPromotions(
  raw: readonly RetroRaw[],
  issues: readonly RetroIssue[],
): RetroIssue[] {
  const byId = new Map(issues.map((i) => [i.id, i]));
  const linkType = chooseLinkType(
    raw.flatMap((r) => (r.fields.issuelinks ?? []).map((l) => l.type)),
  );
  const jpdIdeas = new Map<string, RetroIssue>();
  for (const { issue, fields: f } of raw) {
    const item = byId.get(issue.id);
    if (!item || item.track !== 'delivery') continue;
    const links = f.issuelinks ?? [];
    const own = (linkType ? links.filter((l) => l.type.id === linkType.id) : [])
      .map(
        (l) =>
          l.inwardIssue?.id ??
          (linkType?.name.toLowerCase() === 'relates' ? l.outwardIssue?.id : undefined),
      )
      .filter((id): id is string => id !== undefined && byId.get(id)?.track === 'discovery');
    const jpd = links
      .filter((l) => isJpdLink(l.type))
      .flatMap((l) => {
        const other = l.inwardIssue ?? l.outwardIssue;
        if (!other || byId.has(other.id)) return [];
        if (!jpdIdeas.has(other.id)) jpdIdeas.set(other.id, jpdIdeaStub(other));
        return [other.id];
      });
    item.promotedFrom = [...new Set([...own, ...jpd])];
  }
  return [...jpdIdeas.values()];
}

/** An idea of a JPD space as a link names it: enough for its evidence log and the outcome check. */
function jpdIdeaStub(other: { id: string } & Record<string, unknown>): RetroIssue {
  const key = typeof other['key'] === 'string' ? other['key'] : other.id;
  const fields = other['fields'] as { summary?: unknown } | undefined;
  return {
    id: other.id,
    key,
    summary: typeof fields?.summary === 'string' ? fields.summary : key,
    kind: 'idea',
    track: 'discovery',
    created: '',
    estimate: undefined,
    statusId: '',
    sprintIds: [],
    scopedOutcome: undefined,
    statusCategoryChanged: undefined,
    changes: [],
    activity: [],
    promotedFrom: [],
  };
}
