import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parse } from 'yaml';
import { seedDemoProject, type DemoProject } from '../emulator/demo-project';
import { seedKanbanProject } from '../emulator/kanban-project';
import { connectJpdSpace, seedJpdSpace } from '../emulator/jpd-space';
import { JiraEmulator } from '../emulator/jira-emulator';
import { runResolverInvocation } from '../emulator/invocation';
import { CSP_REPORT_PATH, assertValidContentPermissions, forgeCsp } from './forge-csp';
import { FRAME_SEGMENTS, frameResponse, type FrameSite } from './frame';
import { runAutomationAction } from './surfaces';
import type { Permissions } from '@forge/manifest';

/**
 * The local preview: serves each Custom UI resource's preview build (static/<resource>/
 * dist-preview, where @forge/bridge is dev/preview/bridge-shim.ts) and answers the shim's
 * `/api/invoke` by running, as Forge does, the `resolver.function` of the module that renders the
 * page (manifest function → src/ export), as the demo user, against the Jira emulator. The page
 * names only itself (resource, `?module=&entryPoint=`), checked against the manifest; the context
 * is built here. Routing and contexts: docs/emulator-invoke.md.
 */

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const STATIC_DIR = path.join(REPO_ROOT, 'static');
/** Forge's limit on an `invoke` request. */
const MAX_BODY_BYTES = 500 * 1024;

interface Resource {
  key: string;
  /** The app directory under static/. */
  dir: string;
  /** The manifest module type that shows it (the first one, when several do). */
  module: string;
  title: string;
}

/** The parts of manifest.yml the preview reads. */
export interface PreviewManifest {
  modules?: Record<string, ManifestModule[] | undefined>;
  resources?: Array<{ key: string; path: string }>;
}

type ManifestModule = Record<string, unknown> & {
  key: string;
  handler?: string;
  resource?: string;
  resolver?: { function?: string; endpoint?: string };
  name?: unknown;
  title?: unknown;
};

/** The entry points that render a resource of their own, per module type. */
const ENTRY_POINTS: Readonly<Record<string, readonly string[]>> = {
  'jira:workflowValidator': ['create', 'edit', 'view'],
  'jira:customField': ['edit'],
  'jira:dashboardGadget': ['edit'],
};

/**
 * One way the manifest renders a resource: which module, as which entry point. A resource may be
 * rendered by several (validator-config by three validators × create/edit/view), so a page names
 * the one it is with `?module=&entryPoint=`; the server checks the pair against the manifest.
 */
export interface PreviewPage {
  /** The resource key when only this page renders the resource, else `module:entryPoint`. */
  id: string;
  resource: string;
  moduleKey: string;
  moduleType: string;
  entryPoint?: string;
  /** The module's `resolver.function`: what an `invoke` from this page reaches. */
  resolverFunction?: string;
  /** The page's URL path and query on the preview server. */
  path: string;
  title: string;
}

const PAGE_TITLES: Readonly<Record<string, string>> = {
  'jira:projectPage': 'Project page',
  'jira:projectSettingsPage': 'Project settings',
  'jira:customField': 'Scoped outcome editor',
  'jira:issuePanel': 'Issue panel',
  'jira:issueContext': 'Issue context summary',
  'jira:adminPage': 'Admin settings',
  'jira:workflowValidator': 'Validator configuration',
  'jira:boardAction': 'Board action: sprint readiness',
  'jira:dashboardGadget': 'Dashboard gadget',
};

/** Resources that share a module type with another and need their own name. */
const RESOURCE_TITLES: Readonly<Record<string, string>> = {
  'entry-triage-edit': 'Entry triage editor',
  'rollup-gadget-edit': 'Dashboard gadget settings',
};

export function readManifest(): PreviewManifest {
  return parse(readFileSync(path.join(REPO_ROOT, 'manifest.yml'), 'utf8')) as PreviewManifest;
}

function uiModules(manifest: PreviewManifest): Array<[string, ManifestModule]> {
  return Object.entries(manifest.modules ?? {})
    .filter(([type]) => type !== 'function' && type !== 'trigger')
    .flatMap(([type, list]) => (list ?? []).map((m): [string, ManifestModule] => [type, m]));
}

/** Every (module, entry point) that renders one of the manifest's resources. */
export function previewPages(manifest: PreviewManifest = readManifest()): PreviewPage[] {
  const found: Array<Omit<PreviewPage, 'id' | 'path' | 'title'>> = [];
  for (const [moduleType, m] of uiModules(manifest)) {
    const resolverFunction = m.resolver?.function;
    const base = {
      moduleKey: m.key,
      moduleType,
      ...(resolverFunction ? { resolverFunction } : {}),
    };
    if (typeof m.resource === 'string') found.push({ ...base, resource: m.resource });
    for (const entryPoint of ENTRY_POINTS[moduleType] ?? []) {
      const resource = (m[entryPoint] as { resource?: unknown } | undefined)?.resource;
      if (typeof resource === 'string') found.push({ ...base, resource, entryPoint });
    }
  }
  return found.map((p) => {
    const shared = found.filter((q) => q.resource === p.resource).length > 1;
    const query = new URLSearchParams({
      module: p.moduleKey,
      ...(p.entryPoint ? { entryPoint: p.entryPoint } : {}),
    });
    const module = uiModules(manifest).find(([, m]) => m.key === p.moduleKey)?.[1];
    const name = typeof module?.name === 'string' ? module.name : p.moduleKey;
    const title =
      p.moduleType === 'jira:workflowValidator'
        ? `${PAGE_TITLES[p.moduleType]}: ${name} (${p.entryPoint ?? ''})`
        : (RESOURCE_TITLES[p.resource] ?? PAGE_TITLES[p.moduleType] ?? p.resource);
    return {
      ...p,
      id: shared ? `${p.moduleKey}:${p.entryPoint ?? ''}` : p.resource,
      path: `/${encodeURIComponent(p.resource)}/${shared ? `?${query.toString()}` : ''}`,
      title,
    };
  });
}

/** The Custom UI resources manifest.yml declares, with the module type that shows each. */
export function previewResources(manifest: PreviewManifest = readManifest()): Resource[] {
  const pages = previewPages(manifest);
  return (manifest.resources ?? []).map((r) => {
    const dir = /^static\/([a-z0-9-]+)\/dist$/.exec(r.path)?.[1] ?? r.key;
    const module = pages.find((p) => p.resource === r.key)?.moduleType ?? 'unknown';
    const title = RESOURCE_TITLES[r.key] ?? PAGE_TITLES[module] ?? r.key;
    return { key: r.key, dir, module, title };
  });
}

/**
 * Which page a request is: the resource, and the `module`/`entryPoint` it names, checked
 * against the manifest. A resource rendered by one page needs no names.
 */
export function resolvePage(
  pages: readonly PreviewPage[],
  resource: unknown,
  module?: unknown,
  entryPoint?: unknown,
): { page: PreviewPage } | { error: string } {
  const named = (x: unknown) => (typeof x === 'string' && x !== '' ? x : undefined);
  const candidates = pages.filter((p) => p.resource === resource);
  if (candidates.length === 0) return { error: `unknown resource ${String(resource)}` };
  const moduleKey = named(module);
  const entry = named(entryPoint);
  const matches = candidates.filter(
    (p) =>
      (moduleKey === undefined || p.moduleKey === moduleKey) &&
      (entry === undefined || p.entryPoint === entry),
  );
  const choices = candidates.map((p) => `${p.moduleKey}${p.entryPoint ? `/${p.entryPoint}` : ''}`);
  if (matches.length === 1 && matches[0]) return { page: matches[0] };
  if (matches.length === 0) {
    return {
      error: `no module of manifest.yml renders ${String(resource)} as ${moduleKey ?? '(any module)'}/${entry ?? '(any entry point)'}; it is rendered by ${choices.join(', ')}`,
    };
  }
  return {
    error: `${String(resource)} is rendered by ${choices.join(', ')}: name one with ?module=&entryPoint=`,
  };
}

/**
 * The handler of a manifest function (`handler: index.resolver` is the `resolver` export of
 * src/index.ts), loaded the way Forge runs it: from the app's own entry file.
 */
function functionHandler(manifest: PreviewManifest, functionKey: string): ResolverHandler {
  const fn = manifest.modules?.['function']?.find((f) => f.key === functionKey);
  const [file, exportName, ...rest] = String(fn?.handler ?? '').split('.');
  if (!fn || !file || !exportName || rest.length > 0) {
    throw new Error(`manifest.yml declares no function ${functionKey} with a file.export handler`);
  }
  // The handler file is named by the manifest at run time, so it is loaded at run time.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = (require(path.join(REPO_ROOT, 'src', file)) as Record<string, unknown>)[
    exportName
  ];
  if (typeof loaded !== 'function') {
    throw new Error(`src/${file}.ts exports no function ${exportName} (function ${functionKey})`);
  }
  return loaded as ResolverHandler;
}

/** A resolver function as @forge/resolver's getDefinitions() builds it. */
type ResolverHandler = (
  request: { call: { functionKey: string; payload: unknown }; context: Record<string, unknown> },
  runtime: { principal: { accountId: string }; installContext: string },
) => Promise<unknown>;

/** Builds every resource in preview mode (a child process: Vite is ESM-only). */
export function buildPreview(): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(STATIC_DIR, 'build.mjs'), '--preview'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(Math.round(performance.now() - started))
        : reject(new Error(`preview build failed (exit ${code})`)),
    );
  });
}

export interface PreviewServer {
  url: string;
  em: JiraEmulator;
  /** Every page the manifest renders (module × entry point), as the index lists them. */
  pages: PreviewPage[];
  /** The Forge context the server gives each page, by page id (see PreviewPage.id). */
  contexts: Record<string, DemoContext>;
  /**
   * The workflow rules' saved configurations by validator module key, as Jira stores what the
   * screen's onConfigure returned; the edit and view screens get it as `extension.validatorConfig`.
   */
  ruleConfigs: Map<string, string>;
  /** Delivers queued events now (at most `maxDeliveries`), as Forge's queue would. */
  deliverQueue(maxDeliveries?: number): Promise<void>;
  close(): Promise<void>;
}

/** The Forge context the server builds for a page: who is using it, and where. */
export type DemoContext = Record<string, unknown> & {
  accountId: string;
  moduleKey: string;
  extension: Record<string, unknown>;
};

/**
 * The demo site as Forge would present it to each page. Extension data follows each module's
 * documented "Extension data" / context (see docs/emulator-invoke.md for the sources).
 */
function demoContexts(
  em: JiraEmulator,
  pages: readonly PreviewPage[],
  demo: DemoProject,
): Record<string, DemoContext> {
  const projectRef = { id: demo.projectId, key: demo.projectKey, type: 'software' };
  // The scoped outcome editor opens on the enabler in the backlog that still needs one; the entry
  // triage editor on the story waiting on a spike (uncertainty high, with its reason).
  const fieldEditors: Record<string, { issueKey: string; fieldId: string }> = {
    'entry-triage-edit': { issueKey: demo.keys.entry.waitingOnSpike, fieldId: demo.entryTriage.id },
  };
  const editorFor = (resourceKey: string) =>
    fieldEditors[resourceKey] ?? {
      issueKey: demo.keys.unscopedEnablerInBacklog,
      fieldId: demo.scopedOutcome.id,
    };
  const base = {
    cloudId: 'dual-track-demo',
    localId: 'preview',
    environmentType: 'DEVELOPMENT',
  };
  const contexts: Record<string, DemoContext> = {};
  for (const p of pages) {
    const type = p.moduleType;
    let extension: Record<string, unknown>;
    if (type === 'jira:customField') {
      const editor = editorFor(p.resource);
      const issue = em.findIssue(editor.issueKey);
      const issueType = issue ? em.issueTypes.get(issue.issueTypeId) : undefined;
      extension = {
        type,
        entryPoint: p.entryPoint,
        fieldId: editor.fieldId,
        fieldType: `ari:cloud:ecosystem::extension/preview/static/${p.moduleKey}`,
        project: projectRef,
        issue: issue
          ? { id: issue.id, key: issue.key, type: issueType?.name ?? '', typeId: issue.issueTypeId }
          : undefined,
        fieldValue: issue?.custom.get(editor.fieldId) ?? null,
        renderContext: 'issue-view',
        experience: 'issue-view',
      };
    } else if (type === 'jira:workflowValidator') {
      // The new workflow editor (the only one where function validators have screens); a
      // company-managed workflow, so no scopedProjectId. validatorConfig is added per request.
      extension = { type, entryPoint: p.entryPoint, isNewEditor: true };
    } else if (type === 'jira:adminPage') {
      extension = { type };
    } else if (type === 'jira:boardAction') {
      // The board's id and type, as the board's more actions menu opens the action (Jira
      // Software names them board.id and board.type:
      // https://developer.atlassian.com/cloud/jira/software/jira-software-context-parameters/).
      extension = { type, board: { id: demo.boardId, type: 'scrum' }, project: projectRef };
    } else if (type === 'jira:dashboardGadget') {
      // The gadget's saved configuration, which its edit view saves with view.submit
      // (https://developer.atlassian.com/platform/forge/manifest-reference/modules/jira-dashboard-gadget):
      // the demo project, a project not set up and one the member may not browse.
      extension = {
        type,
        ...(p.entryPoint ? { entryPoint: p.entryPoint } : {}),
        gadget: { id: 'preview-gadget' },
        dashboard: { id: 'preview-dashboard' },
        gadgetConfiguration: {
          projectKeys: [demo.projectKey, ...EXTRA_PROJECTS.map((x) => x.key)],
        },
      };
    } else {
      extension = { type, project: projectRef };
    }
    // Jira shows the project settings page to project admins only, and the admin page and the
    // workflow editor's rule screens to Jira admins only (the demo admin is both); everything
    // else to members.
    const accountId =
      type === 'jira:projectSettingsPage' ||
      type === 'jira:adminPage' ||
      type === 'jira:workflowValidator'
        ? demo.users.admin
        : demo.users.member;
    contexts[p.id] = { ...base, accountId, moduleKey: p.moduleKey, extension };
  }
  return contexts;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

function send(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  type: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value), 'application/json; charset=utf-8');
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () =>
      resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')),
    );
    req.on('error', reject);
  });
}

/** Projects beside the demo one, for the gadget: one the member may browse, one they may not. */
const EXTRA_PROJECTS = [
  { key: 'OPS', name: 'Operations', memberBrowses: true },
  { key: 'SEC', name: 'Security team', memberBrowses: false },
] as const;

/** The demo inputs of each Automation action (smart values as a rule renders them). */
function automationInputs(demo: DemoProject): Record<string, Record<string, string>> {
  return {
    'check-item-readiness': { issueKey: demo.keys.unscopedEnablerInSprint },
    'check-idea-validated': { issueKey: demo.keys.panel.validatingIdea },
    'record-discovery-evidence': {
      issueKey: demo.keys.panel.validatingIdea,
      type: 'interview',
      summary: 'Store manager: reordering takes ten minutes every Monday',
      positive: 'true',
    },
    'check-sprint-readiness': { sprintId: String(demo.activeSprint.id) },
  };
}

function automationActions(
  manifest: PreviewManifest,
): Record<string, { name: string; handlerName: string }> {
  const functions = manifest.modules?.['function'] ?? [];
  return Object.fromEntries(
    (manifest.modules?.['action'] ?? []).flatMap((a) => {
      const fn = functions.find((f) => f.key === a['function']);
      const handlerName = String(fn?.handler ?? '').split('.')[1];
      const name = typeof a.name === 'string' ? a.name : a.key;
      return handlerName ? [[a.key, { name, handlerName }]] : [];
    }),
  );
}

/**
 * Issue-view modules: the preview opens them on a demo issue named by `?issue=` (the first demo
 * issue when none is named). Field editors take `?issue=` too; without it, their own demo issue.
 */
const ISSUE_MODULES: ReadonlySet<string> = new Set(['jira:issuePanel', 'jira:issueContext']);

export interface PreviewOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  now?: Date;
  /** A manifest to serve instead of manifest.yml (tests: a module without its resolver). */
  manifest?: PreviewManifest;
  /**
   * Forge's queue (dev/emulator/forge-queue.ts): 'deliver' (default) runs the consumers in the
   * background after each invoke, `queueStepMs` apart so that a person sees a job's progress;
   * 'hold' leaves events queued until a test calls `deliverQueue`.
   */
  queue?: 'deliver' | 'hold';
  queueStepMs?: number;
  /**
   * The Jira Product Discovery space IDEA (two ideas linked to DT's delivery items) is always on
   * the site; `connectJpd` also connects it to DT in DT's settings (`npm start` does).
   */
  connectJpd?: boolean;
}

export async function startPreviewServer(options: PreviewOptions = {}): Promise<PreviewServer> {
  const now = options.now ?? new Date();
  const manifest = options.manifest ?? readManifest();
  const em = new JiraEmulator().install();
  const demo = seedDemoProject(em, { now });
  for (const extra of EXTRA_PROJECTS) {
    em.addProject({ key: extra.key, name: extra.name });
    if (extra.memberBrowses) em.grant(extra.key, demo.users.member, ['BROWSE_PROJECTS']);
  }
  // A second project on a Kanban board: `?project=KB` opens the project pages on it.
  const kanban = seedKanbanProject(em, { now });
  // Linked to work finished before the sprints, so that DT's lists and signals stay as seeded.
  const delivered = ['Basket', 'Card payments'].map(
    (summary) =>
      [...em.issues.values()].find((i) => i.projectId === demo.projectId && i.summary === summary)
        ?.key ?? '',
  );
  seedJpdSpace(em, { deliveryKeys: delivered });
  if (options.connectJpd) {
    connectJpdSpace(em, { key: demo.projectKey, id: demo.projectId }, ['IDEA'], now);
  }
  const otherProject = (key: unknown) =>
    key === kanban.projectKey
      ? { id: kanban.projectId, key: kanban.projectKey, type: 'software' }
      : undefined;
  // Search lags writes as Jira's does (dev/emulator/search-lag.ts); each invoke starts caught up.
  em.searchLag = { searches: 3 };
  // The app reaches Jira and storage only inside an invoke, each one time-limited invocation.
  em.invocations.requireInvocation = true;
  // Queue consumers are exports of src/index.ts, as `handler: index.<name>` names them.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const entryPoints = require(path.join(REPO_ROOT, 'src', 'index')) as Record<string, unknown>;
  em.queue.useEntryPoints(entryPoints);
  const queueMode = options.queue ?? 'deliver';
  const deliverInBackground = (): void => {
    if (queueMode === 'deliver') {
      void em.queue.drain({ pauseMs: options.queueStepMs ?? 400 }).catch(() => undefined);
    }
  };
  const resources = previewResources(manifest);
  const clash = resources.find((r) => FRAME_SEGMENTS.includes(r.key));
  if (clash) throw new Error(`resource ${clash.key}: the preview's Jira frame uses /${clash.key}/`);
  const pages = previewPages(manifest);
  const contexts = demoContexts(em, pages, demo);
  const ruleConfigs = new Map<string, string>();
  const demoIssues = [
    { key: demo.keys.unscopedEnablerInSprint, label: 'enabler without a scoped outcome' },
    { key: demo.keys.panel.validatingIdea, label: 'idea one interview short of validated' },
    { key: demo.keys.panel.validatedIdea, label: 'validated idea, ready to promote' },
    { key: demo.keys.overrunSpike, label: 'spike over its timebox' },
    { key: demo.keys.panel.doneSpike, label: 'done spike without its learned note' },
    { key: demo.keys.panel.deliveryFromValidated, label: 'story promoted from a validated idea' },
    { key: demo.keys.panel.invalidatedIdea, label: 'invalidated idea' },
    { key: demo.keys.entry.exploreFirst, label: 'story that belongs in discovery first' },
    { key: demo.keys.entry.waitingOnSpike, label: 'story waiting on a spike' },
  ];

  /** What a page names itself: its resource, module, entry point and (issue views) issue. */
  interface PageRef {
    resource?: unknown;
    module?: unknown;
    entryPoint?: unknown;
    issue?: unknown;
    /** A project page or project settings page opened on another seeded project (`?project=KB`). */
    project?: unknown;
  }

  /**
   * The page and context of a request. Issue-view pages get the demo issue the page names (or the
   * first demo issue): only a key of an issue in the demo project is accepted; a validator's edit
   * and view screens get the rule's saved configuration. Everything else is the server's own.
   */
  function contextFor(
    ref: PageRef,
  ): { page: PreviewPage; context: DemoContext } | { error: string } {
    const found = resolvePage(pages, ref.resource, ref.module, ref.entryPoint);
    if ('error' in found) return found;
    const { page } = found;
    const base = contexts[page.id];
    if (!base) return { error: `no context for ${page.id}` };
    if (page.moduleType === 'jira:workflowValidator') {
      const saved = ruleConfigs.get(page.moduleKey);
      const extension =
        saved !== undefined &&
        page.entryPoint !== 'create' &&
        !('validatorConfig' in base.extension)
          ? { ...base.extension, validatorConfig: saved }
          : base.extension;
      return { page, context: { ...base, extension } };
    }
    const other = otherProject(ref.project);
    if (other && 'project' in base.extension && !ISSUE_MODULES.has(page.moduleType)) {
      return { page, context: { ...base, extension: { ...base.extension, project: other } } };
    }
    const named = typeof ref.issue === 'string' && ref.issue !== '' ? ref.issue : undefined;
    const editor = page.moduleType === 'jira:customField';
    if (!ISSUE_MODULES.has(page.moduleType) && !(editor && named)) return { page, context: base };
    const key = named ?? demoIssues[0]?.key;
    const issue = key === undefined ? undefined : em.findIssue(key);
    if (!issue || issue.key !== key || issue.projectId !== demo.projectId) {
      return { error: `no demo issue ${String(key)}` };
    }
    const type = em.issueTypes.get(issue.issueTypeId)?.name ?? '';
    if (editor) {
      // A field editor opened from an issue view (`?issue=`): that issue and its current value.
      const fieldId = String(base.extension['fieldId']);
      const extension = {
        ...base.extension,
        issue: { id: issue.id, key: issue.key, type, typeId: issue.issueTypeId },
        fieldValue: issue.custom.get(fieldId) ?? null,
      };
      return { page, context: { ...base, extension } };
    }
    return {
      page,
      context: {
        ...base,
        extension: { ...base.extension, issue: { id: issue.id, key: issue.key, type } },
      },
    };
  }

  const site: FrameSite = {
    manifest,
    pages,
    em,
    projectKey: demo.projectKey,
    projectName: demo.projectName,
    projectId: demo.projectId,
    demoIssues,
    editorIssue: (moduleKey) => {
      const editor = pages.find((p) => p.moduleKey === moduleKey);
      const issue = editor ? contexts[editor.id]?.extension['issue'] : undefined;
      return (issue as { key?: string } | undefined)?.key ?? demoIssues[0]?.key ?? '';
    },
    surfaces: {
      pages,
      em,
      projectName: demo.projectName,
      boardId: demo.boardId,
      automationInputs: automationInputs(demo),
      automationActions: automationActions(manifest),
      automationRuns: new Map(),
    },
  };
  // Forge's CSP for Custom UI documents, widened only by manifest.yml (dev/preview/forge-csp.ts).
  const permissions = (manifest as { permissions?: Permissions }).permissions ?? {};
  assertValidContentPermissions(permissions);

  /**
   * An `invoke` from a page reaches only the resolver of the module that renders it (its
   * `resolver.function`, through the manifest's function list to the export of src/), called the
   * way @forge/resolver's handler is: `{ call, context }` plus the runtime's principal.
   */
  async function invoke(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (body === undefined) return sendJson(res, 413, { message: 'request over 500 KB' });
    let request: PageRef & { functionKey?: unknown; payload?: unknown };
    try {
      request = JSON.parse(body) as typeof request;
    } catch {
      return sendJson(res, 400, { message: 'body is not JSON' });
    }
    const found = contextFor(request);
    if ('error' in found) return sendJson(res, 404, { message: found.error });
    const { page, context } = found;
    if (!page.resolverFunction) {
      return sendJson(res, 400, {
        message: `module ${page.moduleKey} (${page.moduleType}) declares no resolver: invoke reaches only the resolver of the module that renders the page`,
      });
    }
    if (typeof request.functionKey !== 'string') {
      return sendJson(res, 400, { message: 'functionKey must be a string' });
    }
    const handler = functionHandler(manifest, page.resolverFunction);
    const functionKey = request.functionKey;
    try {
      const result = await runResolverInvocation(em, functionKey, request.payload, () =>
        em.runAs(context.accountId, () =>
          handler(
            { call: { functionKey, payload: request.payload }, context },
            {
              principal: { accountId: context.accountId },
              installContext: `ari:cloud:jira::site/${String(context['cloudId'])}`,
            },
          ),
        ),
      );
      deliverInBackground();
      return sendJson(res, 200, result ?? null);
    } catch (error) {
      return sendJson(res, 500, {
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }

  async function serveFile(res: ServerResponse, url: URL, pathname: string): Promise<void> {
    const [first = '', ...rest] = pathname.split('/').filter(Boolean);
    const resource = resources.find((r) => r.key === first);
    if (!resource) return send(res, 404, 'not found', 'text/plain');
    if (rest.length === 0) {
      // The page itself: it must be one the manifest renders.
      const found = resolvePage(
        pages,
        first,
        url.searchParams.get('module'),
        url.searchParams.get('entryPoint'),
      );
      if ('error' in found) return send(res, 404, found.error, 'text/plain; charset=utf-8');
    }
    const root = path.join(STATIC_DIR, resource.dir, 'dist-preview');
    const file = path.resolve(root, rest.length === 0 ? 'index.html' : rest.join('/'));
    if (!file.startsWith(root + path.sep)) return send(res, 404, 'not found', 'text/plain');
    try {
      const data = await readFile(file);
      const type = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
      if (path.extname(file) !== '.html') return send(res, 200, data, type);
      const csp = forgeCsp(data.toString('utf8'), permissions);
      return send(res, 200, data, type, { 'content-security-policy': csp });
    } catch {
      return send(res, 404, 'not found', 'text/plain');
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://preview.invalid');
    const pathname = decodeURIComponent(url.pathname);
    if (pathname === '/api/invoke' && req.method === 'POST') return invoke(req, res);
    if (pathname === CSP_REPORT_PATH && req.method === 'POST') {
      await readBody(req);
      res.writeHead(204).end();
      return;
    }
    if (pathname === '/api/context' && req.method === 'GET') {
      const found = contextFor({
        resource: url.searchParams.get('resource') ?? '',
        module: url.searchParams.get('module'),
        entryPoint: url.searchParams.get('entryPoint'),
        issue: url.searchParams.get('issue'),
        project: url.searchParams.get('project'),
      });
      return 'error' in found
        ? sendJson(res, 404, { message: found.error })
        : sendJson(res, 200, found.context);
    }
    if (req.method !== 'GET') return send(res, 405, 'method not allowed', 'text/plain');
    const automation = /^\/automation\/([a-z-]+)$/.exec(pathname);
    if (automation?.[1] && url.searchParams.get('run') === '1') {
      // Runs the action as a rule would, then shows its page with the answer.
      await runAutomationAction(site.surfaces, automation[1], demo.users.member, entryPoints);
      deliverInBackground();
    }
    const framed = frameResponse(site, pathname, url.searchParams);
    if (framed) {
      // The frame is served under Forge's base policy, not widened by the manifest: no inline styles.
      const headers = framed.html
        ? { 'content-security-policy': forgeCsp(String(framed.body), {}) }
        : undefined;
      return send(res, framed.status, framed.body, framed.type, headers);
    }
    const [first, ...rest] = pathname.split('/').filter(Boolean);
    if (first && rest.length === 0 && !pathname.endsWith('/')) {
      res.writeHead(302, { location: `/${first}/${url.search}` });
      res.end();
      return;
    }
    return serveFile(res, url, pathname);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('preview: request failed', error);
      if (!res.headersSent) sendJson(res, 500, { message: 'preview server error' });
      else res.end();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8317, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/`,
    em,
    pages,
    contexts,
    ruleConfigs,
    deliverQueue: (maxDeliveries) =>
      em.queue.drain(maxDeliveries === undefined ? {} : { maxDeliveries }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => {
          em.uninstall();
          if (error) reject(error);
          else resolve();
        });
      }),
  };
}
