import { AsyncLocalStorage } from 'node:async_hooks';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { rewriteResponse, type ResponseFault } from './faults';
import { AGILE_PAGE_MAX, type AgilePageStyle } from './agile-paging';
import { KvsEmulator, entitiesOfManifest } from './kvs-emulator';
import { ForgeQueueEmulator, consumersOfManifest } from './forge-queue';
import { InvocationClock } from './invocation';
import { replaceWaiter } from '../../src/runtime/wait';
import {
  ALL_PROJECT_PERMISSIONS,
  FORGE_FIELD_PREFIX,
  MEMBER_PERMISSIONS,
  SPRINT_FIELD_CUSTOM,
  RANK_FIELD_ID,
  lexoRankOf,
  type EmBoard,
  type EmField,
  type EmIssue,
  type EmIssueType,
  type EmProject,
  type EmSecurityLevel,
  type EmSprint,
  type EmStatus,
  type EmUser,
  type EmGroup,
  type ProjectPermission,
} from './model';
import { ROUTE_GROUPS } from './routes';
import { labelsOf } from './routes/enforcement';
import { componentsBean } from './routes/issue-components';
import { issueLinkSite } from './routes/issue-writes';
import type { EmChange } from './routes/changelog';
import { checkRequest, checkResponse, hasScope, type OperationMatch } from './openapi';
import { searchIndex, type SearchLag } from './search-lag';
import { responseShapeProblems } from './field-shapes';
import { RateLimitLedger, isRead, pointsOf, type RateLimitConfig } from './rate-limits';

/**
 * An in-memory Jira Cloud site behind the `global.__forge_fetch__` seam, so that the real
 * @forge/api and @forge/kvs code runs against it. Every request is checked against Atlassian's
 * OpenAPI contract (endpoint, method, query, body) and the manifest's scopes; every response is
 * checked against the documented schema. Unknown endpoints fail loudly.
 */

export interface CallRecord {
  remote: 'jira' | 'kvs';
  provider: string;
  accountId: string | undefined;
  method: string;
  path: string;
  operationId: string | undefined;
  status: number;
  /** Issues in the answer's body (see returnedIssueCount); 0 for storage and failed requests. */
  returnedIssues: number;
  /** Rate-limit points the request cost (dev/emulator/rate-limits.ts); 0 for storage and 429s. */
  points: number;
  /** The JSON body the app sent (Jira requests with one), for tests that check what was asked. */
  body?: unknown;
}

export interface Fault {
  /** Matches "METHOD /path" (path without query), e.g. /GET \/rest\/api\/3\/issue\//. */
  match: RegExp;
  status: number;
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
  /** Further response headers (e.g. `X-RateLimit-Reset`, `RateLimit-Reason`). */
  headers?: Record<string, string>;
  body?: unknown;
  /** How many matching requests fail; default 1. */
  times?: number;
  /** How many matching requests are answered normally before the fault starts; default 0. */
  skip?: number;
}

export interface EmRequest {
  provider: 'user' | 'app' | 'none';
  accountId: string | undefined;
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  op: OperationMatch;
}

export type EmResponse = { status: number; body?: unknown };
export type Handler = (req: EmRequest) => EmResponse;
/** A group of endpoint handlers by the contract's operationId (see dev/emulator/routes/). */
export type RouteGroup = (em: JiraEmulator) => Record<string, Handler>;

type FetchMeta = {
  type?: string;
  provider?: string;
  remote?: string;
  accountId?: string;
};

type ForgeFetch = (meta: FetchMeta, path: string, init?: RequestInit) => Promise<Response>;

function readManifest(root: string): unknown {
  return parseYaml(readFileSync(join(root, 'manifest.yml'), 'utf8'));
}

function customFieldsOfManifest(manifest: unknown): { key: string; name: string; type: string }[] {
  const modules = (manifest as { modules?: Record<string, unknown> }).modules?.['jira:customField'];
  if (!Array.isArray(modules)) return [];
  return modules.map((m: { key?: unknown; name?: unknown; type?: unknown }) => {
    if (typeof m.key !== 'string' || typeof m.name !== 'string' || typeof m.type !== 'string') {
      throw new Error('manifest.yml: a jira:customField module without key, name or type');
    }
    return { key: m.key, name: m.name, type: m.type };
  });
}

function manifestScopes(manifest: unknown): string[] {
  const scopes = (manifest as { permissions?: { scopes?: unknown } }).permissions?.scopes;
  return Array.isArray(scopes) ? scopes.filter((s): s is string => typeof s === 'string') : [];
}

const SYSTEM_FIELDS: EmField[] = [
  {
    id: 'summary',
    key: 'summary',
    name: 'Summary',
    custom: false,
    schema: { type: 'string', system: 'summary' },
  },
  {
    id: 'issuetype',
    key: 'issuetype',
    name: 'Issue Type',
    custom: false,
    schema: { type: 'issuetype', system: 'issuetype' },
  },
  {
    id: 'project',
    key: 'project',
    name: 'Project',
    custom: false,
    schema: { type: 'project', system: 'project' },
  },
  {
    id: 'status',
    key: 'status',
    name: 'Status',
    custom: false,
    schema: { type: 'status', system: 'status' },
  },
  {
    id: 'created',
    key: 'created',
    name: 'Created',
    custom: false,
    schema: { type: 'datetime', system: 'created' },
  },
  {
    id: 'updated',
    key: 'updated',
    name: 'Updated',
    custom: false,
    schema: { type: 'datetime', system: 'updated' },
  },
];

export const STATUSES: readonly EmStatus[] = [
  { id: '10000', name: 'To Do', category: 'new' },
  { id: '10001', name: 'Ready for sprint', category: 'new' },
  { id: '3', name: 'In Progress', category: 'indeterminate' },
  { id: '10002', name: 'Done', category: 'done' },
];

/**
 * The statuses of a Jira Product Discovery space's idea workflow as a new space starts with them
 * (docs/jpd.md, "Statuses"); ideas use these, other projects the ones above.
 */
export const JPD_STATUSES: readonly EmStatus[] = [
  { id: '10100', name: 'Parking lot', category: 'new' },
  { id: '10101', name: 'Discovery', category: 'indeterminate' },
  { id: '10102', name: 'Ready for delivery', category: 'indeterminate' },
  { id: '10103', name: 'Delivery', category: 'indeterminate' },
  { id: '10104', name: 'Impact', category: 'done' },
  { id: '10105', name: "Won't do", category: 'done' },
];

/** Every status an issue of the site may have. */
export const ALL_STATUSES: readonly EmStatus[] = [...STATUSES, ...JPD_STATUSES];

export const STATUS_CATEGORY = {
  new: { id: 2, key: 'new', name: 'To Do', colorName: 'blue-gray' },
  indeterminate: { id: 4, key: 'indeterminate', name: 'In Progress', colorName: 'yellow' },
  done: { id: 3, key: 'done', name: 'Done', colorName: 'green' },
} as const;

export class JiraEmulator {
  readonly baseUrl = 'https://dual-track-demo.atlassian.net';
  /** Forge storage, with the custom entities manifest.yml declares. */
  readonly kvs: KvsEmulator;
  readonly calls: CallRecord[] = [];
  /** Requests the real Jira would not accept or the emulator cannot answer; tests assert none. */
  readonly violations: string[] = [];
  readonly users = new Map<string, EmUser>();
  /** Jira groups by group id (dev/emulator/routes/groups.ts). */
  readonly groups = new Map<string, EmGroup>();
  readonly projects = new Map<string, EmProject>();
  readonly issueTypes = new Map<string, EmIssueType>();
  readonly fields = new Map<string, EmField>();
  readonly issues = new Map<string, EmIssue>();
  readonly boards = new Map<number, EmBoard>();
  readonly sprints = new Map<number, EmSprint>();
  readonly securityLevels = new Map<string, EmSecurityLevel>();
  /** Recorded issue history by issue id, oldest first (see recordChange). */
  readonly changelog = new Map<string, EmChange[]>();
  /** Jira Software's Sprint field, as every site with Jira Software has it. */
  readonly sprintField: EmField;
  /** Granted scopes: the manifest's, unless a test narrows them. */
  scopes: string[];
  /**
   * Search lags REST writes by this many searches (see search-lag.ts); undefined: no lag. The
   * index also catches up at the start of each invocation (runAs) and on settleSearch().
   */
  searchLag: SearchLag | undefined = undefined;
  /**
   * Off unless the bench turns it on: a paged search keeps its first page's matches for the
   * pages after it (routes/search.ts, `pagedMatches`). With it off, every page is evaluated
   * afresh, as tests need (they change issues directly between pages).
   */
  pagedSearchMemo = false;
  /**
   * A site that does not take some valid JQL (the operators an app field's property takes are
   * not documented: docs/emulator.md): a search or count whose JQL matches answers 400.
   */
  refusedJql: RegExp | undefined = undefined;
  /** Jira requests so far that may change what a search finds (all but reads: `isRead`). */
  jiraWrites = 0;
  /**
   * Whether the app user holds the Administer Jira global permission: Jira's docs leave open
   * whether a Forge app acting as itself does (docs/emulator-edit-screens.md), so tests choose.
   * It decides the app's `ADMINISTER` in GET mypermissions and whether an app call may use
   * editIssue's screen overrides (dev/emulator/edit-screens.ts).
   */
  appHoldsAdminister = false;
  /**
   * What GET /mypermissions answers for an issue the caller may not see. Jira's reference does
   * not say (docs/security.md, "Permission checks removed by hand"): 'not-found' answers 404, as
   * GET /issue does (the default); 'answer' answers 200, BROWSE_PROJECTS not held and the other
   * permissions as the project grants them. The app must refuse under both.
   */
  unseenIssuePermissions: 'not-found' | 'answer' = 'not-found';
  /**
   * How Agile offset pages (sprint issues, board sprints, boards) carry `total` and `isLast`
   * (dev/emulator/agile-paging.ts, docs/emulator-paging.md); 'classic' is what they always did.
   */
  agilePageStyle: AgilePageStyle = 'classic';
  /** The largest Agile page: Jira clamps `maxResults` to it ("limits may change without notice"). */
  agilePageMax = AGILE_PAGE_MAX;
  /**
   * Milliseconds every Jira request waits before it is answered (the bench's network); storage is
   * not delayed. Real time outside an invocation; inside one, added to the virtual latency.
   */
  latencyMs = 0;
  /**
   * Real milliseconds the emulator spent answering (Jira and storage requests): the bench
   * subtracts them from a run's time to get the app's own computing time.
   */
  handlingMs = 0;
  /** Forge invocations on a virtual clock, with their time limits (dev/emulator/invocation.ts). */
  readonly invocations = new InvocationClock((stop) => {
    // Recorded as well as thrown, so a test that swallows the error still fails, naming it.
    this.violations.push(stop.message);
  });
  /**
   * Jira's rate limits (points per hour, requests per second, writes per issue), when a test
   * turns them on with useRateLimits; undefined: no limits (dev/emulator/rate-limits.ts).
   */
  rateLimits: RateLimitLedger | undefined = undefined;
  /** Forge's async events queues and their consumers (dev/emulator/forge-queue.ts). */
  readonly queue: ForgeQueueEmulator;
  private faults: Array<Fault & { left: number }> = [];
  private readonly responseFaults: Array<ResponseFault & { left: number; skip: number }> = [];
  private readonly currentUser = new AsyncLocalStorage<string>();
  private nextId = 10100;
  private previousFetch: ForgeFetch | undefined;
  private readonly routes: Record<string, Handler>;
  nextNumericId(): number {
    return this.nextId++;
  }

  constructor(options: { root?: string } = {}) {
    const manifest = readManifest(options.root ?? join(__dirname, '..', '..'));
    this.scopes = manifestScopes(manifest);
    this.kvs = new KvsEmulator(entitiesOfManifest(manifest));
    this.queue = new ForgeQueueEmulator(
      consumersOfManifest(manifest),
      this.invocations,
      {
        now: () =>
          this.invocations.log.reduce((ms, r) => ms + r.virtualMs, 0) + this.queue.waitedMs,
        advance: (ms) => this.rateLimits?.advance(ms / 1000),
      },
      (message) => this.violations.push(message),
    );
    this.manifestFields = customFieldsOfManifest(manifest);
    for (const f of SYSTEM_FIELDS) this.fields.set(f.id, f);
    this.sprintField = {
      id: 'customfield_10020',
      key: 'customfield_10020',
      name: 'Sprint',
      custom: true,
      schema: { type: 'array', items: 'json', custom: SPRINT_FIELD_CUSTOM, customId: 10020 },
    };
    this.fields.set(this.sprintField.id, this.sprintField);
    this.routes = {
      ...ROUTE_GROUPS.reduce<Record<string, Handler>>(
        (all, group) => ({ ...all, ...group(this) }),
        {},
      ),
      getIssue: (req) => this.getIssue(req),
      getFields: (req) => this.getFields(req),
    };
  }

  // -------------------------------------------------------------------------------------------
  // Installing at the seam

  install(): this {
    const g = globalThis as { __forge_fetch__?: ForgeFetch };
    this.previousFetch = g.__forge_fetch__;
    g.__forge_fetch__ = (meta, path, init) => this.fetch(meta, path, init);
    replaceWaiter(this.invocations.waiter);
    return this;
  }

  uninstall(): void {
    const g = globalThis as { __forge_fetch__?: ForgeFetch };
    g.__forge_fetch__ = this.previousFetch;
    replaceWaiter(undefined);
  }

  /** Runs fn as if Forge invoked the app for this user: asUser() calls act as them. */
  runAs<T>(accountId: string, fn: () => Promise<T>): Promise<T> {
    if (this.searchLag?.settleOnInvocation !== false) this.settleSearch();
    return this.currentUser.run(accountId, fn);
  }

  /** Search catches up with every write made so far (time passed; see search-lag.ts). */
  settleSearch(): void {
    searchIndex(this).settle();
  }

  /**
   * The next `times` requests matching the pattern are answered, then their answer is rewritten
   * (pages that end early, see faults.ts); the rewritten answer must still meet the contract.
   */
  injectResponseFault(fault: ResponseFault): void {
    this.responseFaults.push({ ...fault, left: fault.times ?? 1, skip: fault.skip ?? 0 });
  }

  /**
   * Turns Jira's rate limits on: a ledger on the site clock (its start, plus the virtual time of
   * the invocations run since, plus what a test advances) that answers 429 past a limit.
   */
  useRateLimits(config: Partial<RateLimitConfig> = {}): RateLimitLedger {
    const ledger = new RateLimitLedger(config).attach(
      () =>
        this.invocations.log.reduce((ms, r) => ms + r.virtualMs, 0) +
        (this.invocations.current()?.now ?? 0),
    );
    this.rateLimits = ledger;
    return ledger;
  }

  /** The next `times` requests matching the pattern fail with the given status. */
  injectFault(fault: Fault): void {
    this.faults.push({ ...fault, left: fault.times ?? 1, skip: fault.skip ?? 0 });
  }

  resetCalls(): void {
    this.calls.length = 0;
    this.kvs.resetCounts();
  }

  jiraCalls(): CallRecord[] {
    return this.calls.filter((c) => c.remote === 'jira');
  }

  // -------------------------------------------------------------------------------------------
  // Seeding

  addUser(user: Partial<EmUser> & { accountId: string }): EmUser {
    const full: EmUser = {
      displayName: user.accountId,
      active: true,
      siteAdmin: false,
      browseUsers: true,
      ...user,
    };
    this.users.set(full.accountId, full);
    return full;
  }

  addGroup(group: { name: string; members?: string[]; groupId?: string }): EmGroup {
    const n = this.nextId++;
    const full: EmGroup = {
      groupId: group.groupId ?? `0000${n}-5b5b-4d04-bb32-44d383afc4b2`.slice(-36),
      name: group.name,
      members: [...(group.members ?? [])],
    };
    this.groups.set(full.groupId, full);
    return full;
  }

  addProject(p: {
    key: string;
    name?: string;
    style?: EmProject['style'];
    id?: string;
    typeKey?: EmProject['typeKey'];
  }): EmProject {
    const project: EmProject = {
      id: p.id ?? String(this.nextId++),
      key: p.key,
      name: p.name ?? p.key,
      style: p.style ?? 'classic',
      ...(p.typeKey ? { typeKey: p.typeKey } : {}),
      permissions: new Map(),
      appPermissions: new Set(ALL_PROJECT_PERMISSIONS),
      issueCounter: 0,
    };
    this.projects.set(project.id, project);
    return project;
  }

  grant(
    projectKey: string,
    accountId: string,
    permissions: readonly ProjectPermission[] = MEMBER_PERMISSIONS,
  ): void {
    const project = this.projectByKey(projectKey);
    const set = project.permissions.get(accountId) ?? new Set<ProjectPermission>();
    for (const p of permissions) set.add(p);
    project.permissions.set(accountId, set);
  }

  revoke(projectKey: string, accountId: string, permissions?: readonly ProjectPermission[]): void {
    const project = this.projectByKey(projectKey);
    if (!permissions) project.permissions.delete(accountId);
    else for (const p of permissions) project.permissions.get(accountId)?.delete(p);
  }

  addIssueType(t: {
    name: string;
    id?: string;
    hierarchyLevel?: number;
    description?: string;
  }): EmIssueType {
    const type: EmIssueType = {
      id: t.id ?? String(this.nextId++),
      name: t.name,
      description: t.description ?? '',
      subtask: false,
      hierarchyLevel: t.hierarchyLevel ?? 0,
    };
    this.issueTypes.set(type.id, type);
    return type;
  }

  /** The `jira:customField` modules of manifest.yml: what an install registers. */
  private readonly manifestFields: readonly { key: string; name: string; type: string }[];

  /**
   * Installs the app on the site as far as fields go: registers every `jira:customField` module
   * the manifest declares (once; fields already registered are kept), by module key.
   */
  installAppFields(): Record<string, EmField> {
    const fields: Record<string, EmField> = {};
    for (const m of this.manifestFields) {
      const existing = [...this.fields.values()].find(
        (f) => f.schema.custom === `${FORGE_FIELD_PREFIX}${m.key}`,
      );
      fields[m.key] = existing ?? this.addAppField(m.key, m.name, m.type);
    }
    return fields;
  }

  /** A custom field the app declares in its manifest, as Jira registers it on install. */
  addAppField(moduleKey: string, name: string, type = 'object'): EmField {
    const numeric = this.nextId++;
    const field: EmField = {
      id: `customfield_${numeric}`,
      key: `customfield_${numeric}`,
      name,
      custom: true,
      schema: { type, custom: `${FORGE_FIELD_PREFIX}${moduleKey}`, customId: numeric },
    };
    this.fields.set(field.id, field);
    return field;
  }

  addIssue(i: {
    projectKey: string;
    type: string;
    summary: string;
    status?: string;
    custom?: Record<string, unknown>;
  }): EmIssue {
    const project = this.projectByKey(i.projectKey);
    const type =
      [...this.issueTypes.values()].find((t) => t.name === i.type) ??
      this.addIssueType({ name: i.type });
    const status = ALL_STATUSES.find((s) => s.name === (i.status ?? 'To Do'));
    if (!status) throw new Error(`Emulator: unknown status "${i.status}"`);
    project.issueCounter += 1;
    const now = new Date('2026-11-01T09:00:00.000Z').toISOString();
    const issue: EmIssue = {
      id: String(this.nextId++),
      key: `${project.key}-${project.issueCounter}`,
      projectId: project.id,
      issueTypeId: type.id,
      statusId: status.id,
      summary: i.summary,
      custom: new Map(Object.entries(i.custom ?? {})),
      created: now,
      updated: now,
    };
    this.issues.set(issue.id, issue);
    return issue;
  }

  /** An issue security level granting `members` (and the app user when `app`). */
  addSecurityLevel(l: {
    name: string;
    members?: readonly string[];
    app?: boolean;
  }): EmSecurityLevel {
    const level: EmSecurityLevel = {
      id: String(this.nextId++),
      name: l.name,
      description: `Only ${l.name} may see issues at this level.`,
      members: new Set(l.members ?? []),
      app: l.app ?? false,
    };
    this.securityLevels.set(level.id, level);
    return level;
  }

  /** Puts an issue at a security level (undefined: none). */
  setSecurityLevel(key: string, levelId: string | undefined): void {
    const issue = this.findIssue(key);
    if (!issue) throw new Error(`Emulator: no issue ${key}`);
    if (levelId !== undefined && !this.securityLevels.has(levelId)) {
      throw new Error(`Emulator: no security level ${levelId}`);
    }
    issue.securityLevelId = levelId;
  }

  addBoard(b: {
    projectKey: string;
    name?: string;
    estimationFieldId?: string;
    type?: EmBoard['type'];
    /** Other projects the board's filter names (`project in (…)`). */
    alsoProjectKeys?: readonly string[];
    /** A team-managed (`simple`) board's Sprints feature. */
    sprintsEnabled?: boolean;
    /** A board whose filter is shared with these accounts only (see EmBoard.sharedWith). */
    sharedWith?: readonly string[];
  }): EmBoard {
    const project = this.projectByKey(b.projectKey);
    const board: EmBoard = {
      id: this.boards.size + 1,
      name: b.name ?? `${project.key} board`,
      projectId: project.id,
      type: b.type ?? 'scrum',
      estimationFieldId: b.estimationFieldId,
      otherProjectIds: (b.alsoProjectKeys ?? []).map((k) => this.projectByKey(k).id),
      sprintsEnabled: b.sprintsEnabled ?? b.type !== 'kanban',
      sharedWith: b.sharedWith,
    };
    this.boards.set(board.id, board);
    return board;
  }

  addSprint(s: Partial<EmSprint> & { boardId: number; name: string }): EmSprint {
    if (!this.boards.has(s.boardId)) throw new Error(`Emulator: no board ${s.boardId}`);
    const sprint: EmSprint = {
      id: this.sprints.size + 1,
      state: 'future',
      goal: '',
      startDate: undefined,
      endDate: undefined,
      completeDate: undefined,
      ...s,
    };
    this.sprints.set(sprint.id, sprint);
    return sprint;
  }

  /** Puts an issue into a sprint (Jira keeps closed sprints in the field's history). */
  setSprint(key: string, sprintId: number | undefined): void {
    const issue = this.findIssue(key);
    if (!issue) throw new Error(`Emulator: no issue ${key}`);
    const current =
      (issue.custom.get(this.sprintField.id) as Array<{ id: number }> | undefined) ?? [];
    const kept = current.filter((s) => this.sprints.get(s.id)?.state === 'closed');
    if (sprintId !== undefined) {
      const sprint = this.sprints.get(sprintId);
      if (!sprint) throw new Error(`Emulator: no sprint ${sprintId}`);
      kept.push({
        id: sprint.id,
        name: sprint.name,
        state: sprint.state,
        boardId: sprint.boardId,
        goal: sprint.goal,
        ...(sprint.startDate ? { startDate: sprint.startDate } : {}),
        ...(sprint.endDate ? { endDate: sprint.endDate } : {}),
        ...(sprint.completeDate ? { completeDate: sprint.completeDate } : {}),
      } as { id: number });
    }
    if (kept.length === 0) issue.custom.delete(this.sprintField.id);
    else issue.custom.set(this.sprintField.id, kept);
  }

  /**
   * Records one changelog entry (history only: the issue's current value is not touched, so a
   * seed sets the final state and records the history that led to it). Status values are
   * status ids (their names become fromString/toString); Sprint values are comma-separated
   * sprint ids; other fields' values are used as they are for both forms.
   */
  recordChange(
    issueKey: string,
    fieldId: string,
    from: string | null,
    to: string | null,
    at: string,
    authorAccountId?: string,
  ): EmChange {
    const issue = this.findIssue(issueKey);
    if (!issue) throw new Error(`Emulator: no issue ${issueKey}`);
    const field = this.fields.get(fieldId);
    const display = (v: string | null) =>
      v === null || fieldId !== 'status' ? v : (ALL_STATUSES.find((s) => s.id === v)?.name ?? v);
    const change: EmChange = {
      id: String(this.nextId++),
      issueId: issue.id,
      fieldId,
      field: field?.name ?? fieldId,
      from,
      fromString: display(from),
      to,
      toString: display(to),
      at: new Date(at).toISOString(),
      authorAccountId,
    };
    const list = this.changelog.get(issue.id) ?? [];
    list.push(change);
    list.sort((a, b) => a.at.localeCompare(b.at));
    this.changelog.set(issue.id, list);
    return change;
  }

  deleteIssue(key: string): void {
    const issue = this.findIssue(key);
    if (issue) this.issues.delete(issue.id);
  }

  setCustom(key: string, fieldId: string, value: unknown): void {
    const issue = this.findIssue(key);
    if (!issue) throw new Error(`Emulator: no issue ${key}`);
    if (value === null || value === undefined) issue.custom.delete(fieldId);
    else issue.custom.set(fieldId, value);
  }

  projectByKey(key: string): EmProject {
    const project = [...this.projects.values()].find((p) => p.key === key);
    if (!project) throw new Error(`Emulator: no project ${key}`);
    return project;
  }

  findIssue(idOrKey: string): EmIssue | undefined {
    const byId = this.issues.get(idOrKey);
    if (byId) return byId;
    return [...this.issues.values()].find((i) => i.key === idOrKey);
  }

  // -------------------------------------------------------------------------------------------
  // The seam

  private async fetch(meta: FetchMeta, path: string, init?: RequestInit): Promise<Response> {
    await Promise.resolve();
    const invocation = this.invocations.current();
    if (!invocation && this.invocations.requireInvocation && !this.invocations.inSetup()) {
      const message = `${meta.remote === 'jira' ? 'Jira' : 'storage'} request ${init?.method ?? ''} ${path} made outside any invocation: call the app through test/helpers/invoke.ts (callResolver, runTrigger, runValidator, inInvocation), and wrap the test's own seeding and checks in em.invocations.setup()`;
      this.violations.push(message);
      throw new Error(`Emulator: ${message}`);
    }
    if (meta.type === 'kvs' || meta.remote === 'kvs') {
      const bodyText = typeof init?.body === 'string' ? init.body : '';
      await this.kvs.inFlight(path, bodyText);
      const started = performance.now();
      const result = this.kvs.handle(path, bodyText);
      this.handlingMs += performance.now() - started;
      this.calls.push({
        remote: 'kvs',
        provider: 'app',
        accountId: undefined,
        method: init?.method ?? 'POST',
        path,
        operationId: undefined,
        status: result.status,
        returnedIssues: 0,
        points: 0,
      });
      if (invocation) {
        invocation.storageRequests += 1;
        await invocation.wait(this.invocations.latency.storageRequestMs);
      }
      return json(result.status, result.body);
    }
    if (meta.remote === 'stargate' && path.startsWith('/webhook/queue/')) {
      const answer = this.queue.handle(path, init);
      if (invocation) await invocation.wait(this.invocations.latency.storageRequestMs);
      return json(answer.status, answer.body);
    }
    if (meta.remote !== 'jira') {
      throw new Error(
        `Emulator: no remote "${String(meta.remote)}" (meta ${JSON.stringify(meta)})`,
      );
    }
    if (!invocation) {
      if (this.latencyMs > 0) {
        await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
      }
      return this.timedJira(meta, path, init);
    }
    // Answered at once, delivered when the virtual clock reaches the request's latency. Inside
    // an invocation latencyMs is virtual too: a real wait is invisible to the clock, which would
    // move on to the next virtual timer (a validator's deadline, say) while the request waits.
    const recorded = this.calls.length;
    const response = this.timedJira(meta, path, init);
    invocation.jiraRequests += 1;
    await invocation.wait(
      this.invocations.jiraLatency(this.calls[recorded]?.returnedIssues ?? 0) + this.latencyMs,
    );
    return response;
  }

  private timedJira(meta: FetchMeta, path: string, init?: RequestInit): Response {
    const started = performance.now();
    try {
      return this.handleJira(meta, path, init);
    } finally {
      this.handlingMs += performance.now() - started;
    }
  }

  private handleJira(meta: FetchMeta, fullPath: string, init?: RequestInit): Response {
    const method = (init?.method ?? 'GET').toUpperCase();
    const url = new URL(fullPath, this.baseUrl);
    const provider = meta.provider === 'app' || meta.provider === 'user' ? meta.provider : 'none';
    const accountId =
      provider === 'user' ? (meta.accountId ?? this.currentUser.getStore()) : undefined;
    const record = (status: number, operationId?: string, returnedIssues = 0, points = 0) =>
      this.calls.push({
        remote: 'jira',
        provider,
        accountId,
        method,
        path: url.pathname + url.search,
        operationId,
        status,
        returnedIssues,
        points,
        ...(body === undefined ? {} : { body }),
      });

    let body: unknown = undefined;
    if (typeof init?.body === 'string' && init.body.length > 0) {
      try {
        body = JSON.parse(init.body);
      } catch {
        record(400);
        return json(400, { errorMessages: ['The request body is not valid JSON.'] });
      }
    } else if (init?.body !== undefined && init.body !== null) {
      throw new Error(
        `Emulator: ${method} ${url.pathname} sent a non-string body; the app must JSON.stringify bodies`,
      );
    }

    const check = checkRequest({ method, path: url.pathname, query: url.searchParams, body });
    if (!check.ok) {
      record(check.status);
      if (check.status === 404) {
        this.violations.push(check.message);
        throw new Error(`Emulator: ${check.message}`);
      }
      return json(check.status, { errorMessages: [check.message] });
    }
    const op = check.op;

    let fault = this.faults.find((f) => f.left > 0 && f.match.test(`${method} ${url.pathname}`));
    if (fault && (fault.skip ?? 0) > 0) {
      fault.skip = (fault.skip ?? 0) - 1;
      fault = undefined;
    }
    if (fault) {
      fault.left -= 1;
      record(fault.status, op.operationId);
      const headers: Record<string, string> = { ...fault.headers };
      if (fault.retryAfter !== undefined) headers['Retry-After'] = String(fault.retryAfter);
      return json(
        fault.status,
        fault.body ?? { errorMessages: [`Injected fault ${fault.status}`] },
        headers,
      );
    }

    if (provider === 'none') {
      record(401, op.operationId);
      return json(401, {
        errorMessages: [
          'You are not authenticated. Authentication required to perform this operation.',
        ],
      });
    }
    if (provider === 'user') {
      const user = accountId ? this.users.get(accountId) : undefined;
      if (!user || !user.active) {
        record(401, op.operationId);
        return json(401, {
          errorMessages: [
            'You are not authenticated. Authentication required to perform this operation.',
          ],
        });
      }
    }
    if (!hasScope(op, this.scopes) || !meetsAssumedScope(op.operationId, this.scopes)) {
      record(401, op.operationId);
      return json(401, { code: 401, message: 'Unauthorized; scope does not match' });
    }

    const admission = this.rateLimits?.admit({
      method,
      template: op.template,
      operationId: op.operationId,
      issue: op.pathParams['issueIdOrKey'],
    });
    if (admission && !admission.ok) {
      record(429, op.operationId);
      return json(429, { errorMessages: ['Rate limit exceeded.'] }, admission.headers);
    }

    if (!isRead(method, op.operationId)) this.jiraWrites += 1;
    const handler = this.routes[op.operationId];
    if (!handler) {
      record(501, op.operationId);
      const message = `${method} ${op.template} (${op.operationId}) is in the contract but not emulated yet`;
      this.violations.push(message);
      throw new Error(`Emulator: ${message}`);
    }
    const request: EmRequest = {
      provider,
      accountId,
      method,
      path: url.pathname,
      query: url.searchParams,
      body,
      op,
    };
    const result = rewriteResponse(
      this.responseFaults,
      `${method} ${url.pathname}`,
      request,
      handler(request),
    );
    const problems = [
      ...checkResponse(op, result.status, result.body),
      ...responseShapeProblems(this, op.operationId, result.status, result.body),
    ];
    if (problems.length > 0) {
      this.violations.push(`response to ${op.operationId}: ${problems.join('; ')}`);
      throw new Error(
        `Emulator bug: response to ${op.operationId} breaks the contract: ${problems.join('; ')}`,
      );
    }
    const points = pointsOf(op.operationId, method, result.status, result.body);
    const headers = this.rateLimits?.charge(points) ?? {};
    record(result.status, op.operationId, returnedIssueCount(op.operationId, result.body), points);
    return json(result.status, result.body, headers);
  }

  // -------------------------------------------------------------------------------------------
  // Permissions

  /**
   * May the caller see this issue: Browse projects on its project and, when it has a security
   * level, a grant of that level (app calls: the level's `app` switch).
   */
  /** A status of the site by id or by name in any case, as JQL names one. */
  statusNamed(idOrName: string): EmStatus | undefined {
    const name = idOrName.toLowerCase();
    return ALL_STATUSES.find((s) => s.id === idOrName || s.name.toLowerCase() === name);
  }

  canSeeIssue(req: EmRequest, issue: EmIssue): boolean {
    if (!this.can(req, issue.projectId, 'BROWSE_PROJECTS')) return false;
    if (issue.securityLevelId === undefined) return true;
    const level = this.securityLevels.get(issue.securityLevelId);
    if (!level) return false;
    if (req.provider === 'app') return level.app;
    return req.accountId !== undefined && level.members.has(req.accountId);
  }

  /** Does the caller (user or app) hold this permission on the project? */
  can(req: EmRequest, projectId: string, permission: ProjectPermission): boolean {
    const project = this.projects.get(projectId);
    if (!project) return false;
    if (req.provider === 'app') return project.appPermissions.has(permission);
    if (!req.accountId) return false;
    return project.permissions.get(req.accountId)?.has(permission) ?? false;
  }

  /**
   * Whether the caller sees a board: Jira shows a board to those its filter is shared with
   * (https://community.atlassian.com/forums/Jira-questions/Make-an-existing-Board-or-Project-Private-so-only-to-people-you/qaq-p/3048323:
   * the filter's view permission "will be applied on the Board"); a board's own filter is shared
   * with its project. The app itself is no account a filter is shared with.
   */
  canSeeBoard(req: EmRequest, board: EmBoard): boolean {
    if (!this.can(req, board.projectId, 'BROWSE_PROJECTS')) return false;
    if (board.sharedWith === undefined) return true;
    return req.provider !== 'app' && !!req.accountId && board.sharedWith.includes(req.accountId);
  }

  // -------------------------------------------------------------------------------------------
  // Endpoints

  private getIssue(req: EmRequest): { status: number; body?: unknown } {
    const idOrKey = req.op.pathParams['issueIdOrKey'] ?? '';
    const issue = this.findIssue(idOrKey);
    if (!issue || !this.canSeeIssue(req, issue)) {
      return {
        status: 404,
        body: {
          errorMessages: ['Issue does not exist or you do not have permission to see it.'],
          errors: {},
        },
      };
    }
    const requested = req.query
      .getAll('fields')
      .flatMap((f) => f.split(','))
      .map((f) => f.trim())
      .filter((f) => f.length > 0);
    return {
      status: 200,
      body: this.issueBean(issue, requested.length > 0 ? requested : ['*all'], req),
    };
  }

  private getFields(_req: EmRequest): { status: number; body?: unknown } {
    return {
      status: 200,
      body: [...this.fields.values()].map((f) => ({
        id: f.id,
        key: f.key,
        name: f.name,
        custom: f.custom,
        orderable: true,
        navigable: true,
        searchable: true,
        clauseNames: f.custom ? [`cf[${f.schema.customId ?? ''}]`, f.name] : [f.id],
        schema: f.schema,
      })),
    };
  }

  /** The `security` field: the issue's level as SecurityLevel (PLATFORM schema), else null. */
  private securityBean(issue: EmIssue): Record<string, unknown> | null {
    const level =
      issue.securityLevelId === undefined
        ? undefined
        : this.securityLevels.get(issue.securityLevelId);
    if (!level) return null;
    return {
      self: `${this.baseUrl}/rest/api/3/securitylevel/${level.id}`,
      id: level.id,
      name: level.name,
      description: level.description,
    };
  }

  /**
   * One IssueBean with the requested fields. `viewer`: links to issues the viewer may not see are
   * left out of `issuelinks`, as Jira shows a person only the links they may follow.
   */
  issueBean(
    issue: EmIssue,
    requested: readonly string[],
    viewer?: EmRequest,
  ): Record<string, unknown> {
    const all = requested.includes('*all') || requested.includes('*navigable');
    const excluded = new Set(requested.filter((f) => f.startsWith('-')).map((f) => f.slice(1)));
    const wants = (id: string) => !excluded.has(id) && (all || requested.includes(id));
    const project = this.projects.get(issue.projectId);
    const type = this.issueTypes.get(issue.issueTypeId);
    const status = ALL_STATUSES.find((s) => s.id === issue.statusId);
    const fields: Record<string, unknown> = {};
    if (wants('summary')) fields['summary'] = issue.summary;
    if (wants('issuetype') && type) {
      fields['issuetype'] = {
        self: `${this.baseUrl}/rest/api/3/issuetype/${type.id}`,
        id: type.id,
        name: type.name,
        description: type.description,
        subtask: type.subtask,
        hierarchyLevel: type.hierarchyLevel,
      };
    }
    if (wants('project') && project) {
      fields['project'] = {
        self: `${this.baseUrl}/rest/api/3/project/${project.id}`,
        id: project.id,
        key: project.key,
        name: project.name,
        projectTypeKey: project.typeKey ?? 'software',
        simplified: project.style === 'next-gen',
      };
    }
    if (wants('status') && status) {
      fields['status'] = {
        self: `${this.baseUrl}/rest/api/3/status/${status.id}`,
        id: status.id,
        name: status.name,
        statusCategory: STATUS_CATEGORY[status.category],
      };
    }
    if (wants('created')) fields['created'] = issue.created.replace('Z', '+0000');
    if (wants('updated')) fields['updated'] = issue.updated.replace('Z', '+0000');
    if (wants('statuscategorychangedate')) {
      fields['statuscategorychangedate'] = (issue.statusCategoryChanged ?? issue.created).replace(
        'Z',
        '+0000',
      );
    }
    if (wants('issuelinks'))
      fields['issuelinks'] = issueLinkSite(this).beanLinks(this, issue, viewer);
    if (wants('labels')) fields['labels'] = labelsOf(this, issue.id);
    if (wants('security')) fields['security'] = this.securityBean(issue);
    if (wants('components')) fields['components'] = componentsBean(this, issue.id);
    for (const field of this.fields.values()) {
      if (!field.custom || !wants(field.id)) continue;
      if (field.projectIds && !field.projectIds.has(issue.projectId)) continue;
      fields[field.id] = issue.custom.get(field.id) ?? null;
    }
    // Asked for by id only (the emulator's field list has no Rank field; `*all` leaves it out).
    if (requested.includes(RANK_FIELD_ID) && wants(RANK_FIELD_ID)) {
      fields[RANK_FIELD_ID] = lexoRankOf(issue);
    }
    return {
      expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
      id: issue.id,
      self: `${this.baseUrl}/rest/api/3/issue/${issue.id}`,
      key: issue.key,
      fields,
    };
  }
}

/**
 * Operations whose contract names no scope at all. Rather than let them through with any grant,
 * the emulator requires the scope Atlassian's current documentation associates with them
 * (stricter, never more lenient than the contract).
 */
export const ASSUMED_SCOPES: Readonly<Record<string, string>> = {
  getAllBoards: 'read:board-scope:jira-software',
};

/**
 * Issues an answer returns, as Jira's rate-limit points count them (1 point per request plus 1
 * per returned issue): the length of an `issues` list (searches, bulk fetch, sprint issues), or
 * 1 for a single issue read.
 */
export function returnedIssueCount(operationId: string, body: unknown): number {
  if (typeof body !== 'object' || body === null) return 0;
  const issues = (body as { issues?: unknown }).issues;
  if (Array.isArray(issues)) return issues.length;
  return operationId === 'getIssue' && 'key' in body ? 1 : 0;
}

function meetsAssumedScope(operationId: string, granted: readonly string[]): boolean {
  const needed = ASSUMED_SCOPES[operationId];
  return needed === undefined || granted.includes(needed);
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  const text = body === undefined ? '' : JSON.stringify(body);
  return new Response(status === 204 ? null : text, {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}
