import { createHash } from 'node:crypto';
import { ProjectKeySchema } from '../contract/bridge-contract';
import { ProjectOverviewSchema, type ProjectOverview } from '../contract/project-overview';
import { projectOfIssueKey, type JiraGateway } from '../jira/jira-gateway';
import { issueKeysInText, stringsIn } from '../jira/issue-keys';
import { defaultBoard, projectBoards, type BoardList } from '../jira/board-choice';
import { isJiraError } from '../jira/errors';
import { approximateCount, searchIssueIds } from '../jira/search';
import { PAGE_CACHE_KEYS } from '../storage/key-families';
import { readProjectContextWithWaivers } from '../storage/project-context';
import {
  readFillText,
  sharedHeadOf,
  storeFill,
  type SharedHead,
} from '../storage/shared-overview-store';
import { errorText, logger } from '../runtime/log';
import { loadProjectOverview, pageContextKeys, type LoadInput } from './load-project';

const log = logger('shared-overview');

/**
 * One load of the project page shared between the project's viewers for a short while
 * (`page.sharedSeconds`; 0: never), so that twenty people opening the page in a minute cost
 * Jira one load, not twenty. A viewer gets a stored page only if it was loaded for the same
 * audience (the same items visible: see audienceOf) and the same state of the app's storage
 * (settings, waivers, track mapping, the app's last write to the project); otherwise the page is
 * loaded as the viewer, from Jira, and stored for the next. Why this is safe: docs/security.md.
 */

const hash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16);

/**
 * Secured issues a viewer may see at most for their page to be shared: past this, telling what
 * they see (one point per secured issue) costs about what a load does, so they load their own.
 */
export const SHARED_SECURED_LIMIT = 100;

/**
 * What the viewer may see of the project, as a fingerprint; undefined when it is not worth
 * sharing (more than SHARED_SECURED_LIMIT secured issues). Jira answers these requests only to
 * those who may browse the project, and Browse shows every issue without a security level;
 * beyond that a viewer sees the issues at the levels they are a member of. As the viewer, in
 * parallel: how many issues of the project they see and how many of them have a level (1 point
 * each), and the project's boards they see, from which their page picks its board (a board's
 * filter may be shared with some of them only); then, only when some issues have a level, the
 * ids of those (1 point plus 1 per issue). The first count changes when an issue the page was
 * loaded with is put at a level this viewer lacks (it leaves their count, not their secured
 * list), and when issues are created or deleted.
 */
export async function audienceOf(
  jira: JiraGateway,
  projectKey: string,
  spaceKeys: readonly string[] = [],
): Promise<{ fingerprint: string | undefined; boards: BoardList }> {
  const [[visible, secured], boards, spaces] = await settledInOrder([
    countsSeen(jira, projectKey),
    projectBoards(jira, projectKey),
    Promise.all([...spaceKeys].sort().map((k) => spaceSeen(jira, k))),
  ] as const);
  const unshared = { fingerprint: undefined, boards };
  if (secured > SHARED_SECURED_LIMIT || spaces.includes(undefined)) return unshared;
  const ids = secured === 0 ? [] : await searchIssueIds(jira, securedJql(projectKey));
  if (ids.length > SHARED_SECURED_LIMIT) return unshared;
  const seen = `visible:${visible};secured:${[...new Set(ids)].sort().join(',')}`;
  const more = `board:${boardPickText(boards)};spaces:${spaces.join(',')}`;
  return { fingerprint: hash(`${seen};${more}`), boards };
}

const projectJql = (key: string): string => `project = "${key}"`;
const securedJql = (key: string): string => `${projectJql(key)} AND level is not EMPTY`;

/** How many of a project's issues the viewer sees, and how many of those have a level. */
const countsSeen = (jira: JiraGateway, key: string): Promise<[number, number]> =>
  Promise.all([approximateCount(jira, projectJql(key)), approximateCount(jira, securedJql(key))]);

/**
 * What the viewer sees of a connected JPD space, whose ideas the page lists: how many of its
 * issues (its key and "none" when Jira refuses a viewer who may not browse it); undefined, not
 * worth sharing, when some have a security level (the space's ideas would need telling apart as
 * the project's are). Two counts as the viewer, 1 point each.
 */
async function spaceSeen(jira: JiraGateway, spaceKey: string): Promise<string | undefined> {
  try {
    const [visible, secured] = await countsSeen(jira, spaceKey);
    return secured === 0 ? `${spaceKey}:${visible}` : undefined;
  } catch (error) {
    if (projectRefused(error)) return `${spaceKey}:none`;
    throw error;
  }
}

/**
 * The projects whose issue keys the page names: its items, the items they wait on, and the keys
 * in texts built from them. Summaries are left out (an item's own text, of an item whose key the
 * page names already); a summary-like token elsewhere only makes the page look wider than it is.
 */
export function projectsNamed(page: unknown): Set<string> {
  const keys = stringsIn(page, new Set(['summary'])).flatMap(issueKeysInText);
  return new Set(keys.map(projectOfIssueKey).filter((p): p is string => p !== undefined));
}

/** The board a load by this viewer picks, and whether they see more (the page says so). */
function boardPickText(list: BoardList): string {
  const pick = defaultBoard(list);
  return pick ? `${pick.board.id}${pick.more ? '+' : ''}` : 'none';
}

/**
 * All of the requests' answers; when some fail, the first failure in the given order (the
 * counts' refusal of a viewer without Browse is the one the caller tells apart).
 */
async function settledInOrder<T extends readonly unknown[]>(requests: {
  [K in keyof T]: Promise<T[K]>;
}): Promise<T> {
  const settled = await Promise.allSettled(requests);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/**
 * Jira's answer to a search of a project the caller may not browse: it names the project as
 * unknown (as it does for one that does not exist), so the audience search checks Browse too.
 */
const projectRefused = (error: unknown): boolean =>
  isJiraError(error) &&
  error.kind === 'bad-request' &&
  /does not exist for the field 'project'/.test(error.message);

/**
 * The project page as the viewer may see it, shared with their audience for a short while.
 * `checkBrowse` refuses a caller without Browse projects: called before a load that is not
 * shared, and when Jira refuses the audience search (which, made as the viewer, is itself the
 * check otherwise: one request fewer per viewer).
 */
export async function sharedProjectOverview(
  input: LoadInput,
  checkBrowse: () => Promise<void>,
): Promise<ProjectOverview> {
  const key = ProjectKeySchema.parse(input.project.key);
  const headKey = PAGE_CACHE_KEYS.head(key);
  const writtenKey = PAGE_CACHE_KEYS.written(key);
  const context = await readProjectContextWithWaivers(key, [
    headKey,
    writtenKey,
    ...pageContextKeys(key),
  ]);
  const seconds = context.config.page.sharedSeconds;
  // A chosen board may span projects whose items one viewer sees and another does not, which the
  // audience (this project's items) cannot tell apart: such a page is loaded by each viewer.
  if (seconds === 0 || context.config.board.boardId !== 0) {
    await checkBrowse();
    return loadProjectOverview({ ...input, context });
  }
  const stamp = hash(
    JSON.stringify([
      context.config,
      context.globalVersion,
      context.projectVersion,
      context.mapping ?? null,
      context.waivers,
      context.extra.get(writtenKey) ?? null,
    ]),
  );
  const spaceKeys = context.config.jpd.spaceKeys;
  const seen = await audienceOf(input.jira, key, spaceKeys).catch(async (error: unknown) => {
    if (projectRefused(error)) await checkBrowse();
    throw error;
  });
  // The load picks its board from the boards the audience read: the page is the one it names.
  const load = { ...input, context, projectBoards: seen.boards };
  const audience = seen.fingerprint;
  // Browse is established by Jira's answers above; this viewer's page is simply not shared.
  if (audience === undefined) return loadProjectOverview(load);
  const head = sharedHeadOf(key, context.extra.get(headKey));
  const stored = await storedPage(key, head, { audience, stamp }, input.now);
  if (stored) return stored;
  const overview = await loadProjectOverview(load);
  // A page naming another project's items (linked from this one's) is not shared: the audience
  // tells apart what viewers see of this project and its connected spaces only.
  const covered = new Set([key, ...spaceKeys]);
  if ([...projectsNamed(overview)].some((p) => !covered.has(p))) return overview;
  const now = input.now;
  try {
    await storeFill(
      key,
      head,
      {
        audience,
        stamp,
        filledAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + seconds * 1000).toISOString(),
      },
      JSON.stringify(overview),
      now,
    );
  } catch (error) {
    // The page is loaded; not sharing it only costs the next viewer a load of their own.
    log.warn('could not store the page for sharing', { project: key, error: errorText(error) });
  }
  return overview;
}

/** The stored page for this audience and storage state, while it lasts; else undefined. */
async function storedPage(
  key: string,
  head: SharedHead,
  match: { audience: string; stamp: string },
  now: Date,
): Promise<ProjectOverview | undefined> {
  const fill = head.fills.find(
    (f) =>
      f.audience === match.audience &&
      f.stamp === match.stamp &&
      Date.parse(f.expiresAt) > now.getTime(),
  );
  if (!fill) return undefined;
  const text = await readFillText(key, fill);
  if (text === undefined) return undefined;
  try {
    const parsed = ProjectOverviewSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
