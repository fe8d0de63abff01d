import { route } from '@forge/api';
import { z } from 'zod';
import { JiraError } from './errors';
import type { JiraGateway } from './jira-gateway';
import { OFFSET_PAGE_FIELDS, readOffsetPages } from './offset-paging';

/** The Agile API's boards and their sprints (GET /rest/agile/1.0/board/...). */

/** Largest page of the Agile API's offset-paged lists (boards, sprints). */
export const AGILE_MAX_RESULTS = 50;

const BoardSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    type: z.string().optional(),
    location: z.object({ projectName: z.string().optional() }).passthrough().optional(),
  })
  .passthrough();
export type Board = z.infer<typeof BoardSchema>;

const BoardPageSchema = z
  .object({ values: z.array(BoardSchema), ...OFFSET_PAGE_FIELDS })
  .passthrough();

/**
 * The project's first Scrum board (and whether there are more), or undefined. Asks for two so
 * that "more" is seen in the answer itself, whether or not Jira sends `isLast` or `total`.
 */
export async function firstScrumBoard(
  jira: JiraGateway,
  projectKey: string,
): Promise<{ board: Board; more: boolean } | undefined> {
  const page = await jira.request(
    BoardPageSchema,
    route`/rest/agile/1.0/board?projectKeyOrId=${projectKey}&type=scrum&maxResults=2`,
    { method: 'GET' },
  );
  const board = page.values[0];
  if (!board) return undefined;
  return { board, more: page.values.length > 1 || page.isLast === false };
}

const BoardConfigurationSchema = z
  .object({
    estimation: z
      .object({
        type: z.string().optional(),
        field: z
          .object({ fieldId: z.string(), displayName: z.string().optional() })
          .passthrough()
          .optional(),
      })
      .passthrough()
      .optional(),
    ranking: z.object({ rankCustomFieldId: z.number().int().optional() }).passthrough().optional(),
  })
  .passthrough();

export interface Estimation {
  fieldId: string;
  displayName: string;
}

/**
 * The board's estimation statistic field (undefined when the board counts issues) and its Rank
 * field (`ranking.rankCustomFieldId`, e.g. customfield_10019; undefined when not named).
 */
export async function boardSettings(
  jira: JiraGateway,
  boardId: number,
): Promise<{ estimation: Estimation | undefined; rankFieldId: string | undefined }> {
  const config = await jira.request(
    BoardConfigurationSchema,
    route`/rest/agile/1.0/board/${boardId}/configuration`,
    { method: 'GET' },
  );
  const field = config.estimation?.field;
  const rankId = config.ranking?.rankCustomFieldId;
  return {
    estimation: field
      ? { fieldId: field.fieldId, displayName: field.displayName ?? field.fieldId }
      : undefined,
    rankFieldId: rankId === undefined ? undefined : `customfield_${rankId}`,
  };
}

/** The board's estimation statistic field, or undefined when the board counts issues. */
export async function boardEstimation(
  jira: JiraGateway,
  boardId: number,
): Promise<Estimation | undefined> {
  return (await boardSettings(jira, boardId)).estimation;
}

const SprintSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    state: z.string(),
    startDate: z.string().optional(),
    endDate: z.string().optional(),
    completeDate: z.string().optional(),
  })
  .passthrough();
export type Sprint = z.infer<typeof SprintSchema>;

const SprintPageSchema = z
  .object({ values: z.array(SprintSchema), ...OFFSET_PAGE_FIELDS })
  .passthrough();

/**
 * Pages of a board's sprint list read at most (2,000 sprints at full pages): the guard against a
 * list that never ends.
 */
export const SPRINT_LIST_PAGE_LIMIT = 40;

/**
 * The board's active and closed sprints, every page, to the end Jira signals (an empty page, or
 * `isLast`; src/jira/offset-paging.ts). Jira lists closed ones first, so the latest are on the
 * last pages: a list that does not end within SPRINT_LIST_PAGE_LIMIT pages is an error, not a
 * silently shorter list.
 */
export function activeAndClosedSprints(jira: JiraGateway, boardId: number): Promise<Sprint[]> {
  return boardSprints(jira, boardId, ['active', 'closed']);
}

/** The board's sprints in the given states (GET /rest/agile/1.0/board/{id}/sprint?state=...). */
export async function boardSprints(
  jira: JiraGateway,
  boardId: number,
  states: ReadonlyArray<'active' | 'closed' | 'future'>,
): Promise<Sprint[]> {
  const sprints: Sprint[] = [];
  const state = states.join(',');
  const read = await readOffsetPages({
    pageSize: AGILE_MAX_RESULTS,
    maxPages: SPRINT_LIST_PAGE_LIMIT,
    fetchPage: async (startAt, maxResults) => {
      const page = await jira.request(
        SprintPageSchema,
        route`/rest/agile/1.0/board/${boardId}/sprint?state=${state}&startAt=${startAt}&maxResults=${maxResults}`,
        { method: 'GET' },
      );
      return { meta: page, values: page.values };
    },
    onPage: (values) => sprints.push(...values),
  });
  if (read.rest.kind !== 'none') {
    throw new JiraError({
      kind: 'bad-response',
      operation: `GET /rest/agile/1.0/board/${boardId}/sprint`,
      message: `The sprint list of board ${boardId} did not end after ${SPRINT_LIST_PAGE_LIMIT} pages (${sprints.length} sprints read); stopped reading rather than use part of it.`,
    });
  }
  return sprints;
}

const IssueWithFieldsSchema = z
  .object({ id: z.string(), key: z.string(), fields: z.record(z.string(), z.unknown()) })
  .passthrough();

const SprintIssuePageSchema = z
  .object({ issues: z.array(IssueWithFieldsSchema).optional(), ...OFFSET_PAGE_FIELDS })
  .passthrough();

/** One page of a sprint's issues with the named fields: GET /rest/agile/1.0/sprint/{id}/issue. */
export async function sprintIssuesPage(
  jira: JiraGateway,
  sprintId: number,
  page: { startAt: number; maxResults: number; fields: string },
) {
  return jira.request(
    SprintIssuePageSchema,
    route`/rest/agile/1.0/sprint/${sprintId}/issue?startAt=${page.startAt}&maxResults=${page.maxResults}&fields=${page.fields}`,
  );
}

const SprintStateSchema = z
  .object({ id: z.number(), state: z.string(), name: z.string() })
  .passthrough();

/** One sprint: GET /rest/agile/1.0/sprint/{id}. */
export async function getSprint(
  jira: JiraGateway,
  sprintId: number,
): Promise<z.infer<typeof SprintStateSchema>> {
  return jira.request(SprintStateSchema, route`/rest/agile/1.0/sprint/${sprintId}`);
}

/** The Agile API moves at most 50 issues per request. */
export const BACKLOG_BATCH = 50;

/** Moves issues to the backlog, out of any sprint: POST /rest/agile/1.0/backlog/issue per 50. */
export async function moveToBacklog(jira: JiraGateway, keys: readonly string[]): Promise<number> {
  let calls = 0;
  for (let i = 0; i < keys.length; i += BACKLOG_BATCH) {
    await jira.request(z.unknown(), route`/rest/agile/1.0/backlog/issue`, {
      method: 'POST',
      body: { issues: keys.slice(i, i + BACKLOG_BATCH) },
    });
    calls += 1;
  }
  return calls;
}
