import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parse } from 'yaml';
import { allResolvers } from '../../src/resolvers';
import { RESOLVER_PAYLOADS, type ResolverKey, type Result } from '../../src/shared/bridge-contract';
import { seedDemoProject, type DemoProject } from '../emulator/demo-project';
import { JiraEmulator } from '../emulator/jira-emulator';
import { runResolverInvocation } from '../emulator/invocation';

/**
 * The local preview: serves each Custom UI resource's preview build (static/<resource>/
 * dist-preview, where @forge/bridge is dev/preview/bridge-shim.ts) and answers the shim's
 * `/api/invoke` by running the real resolvers in this process, as the demo user, against the Jira
 * emulator seeded with the demo project. The Forge context is built here from the demo data,
 * never taken from the browser: the browser only names the resource it is.
 */

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const STATIC_DIR = path.join(REPO_ROOT, 'static');
/** Forge's limit on an `invoke` request. */
const MAX_BODY_BYTES = 500 * 1024;

interface Resource {
  key: string;
  /** The app directory under static/. */
  dir: string;
  /** The manifest module that shows it. */
  module: string;
  title: string;
}

const PAGE_TITLES: Readonly<Record<string, string>> = {
  'jira:projectPage': 'Project page',
  'jira:projectSettingsPage': 'Project settings',
  'jira:customField': 'Scoped outcome editor',
  'jira:issuePanel': 'Issue panel',
  'jira:issueContext': 'Issue context summary',
  'jira:adminPage': 'Admin settings',
};

/** Resources that share a module type with another and need their own name. */
const RESOURCE_TITLES: Readonly<Record<string, string>> = {
  'entry-triage-edit': 'Entry triage editor',
};

/** The Custom UI resources manifest.yml declares, with the module type that shows each. */
export function previewResources(): Resource[] {
  const manifest = parse(readFileSync(path.join(REPO_ROOT, 'manifest.yml'), 'utf8')) as {
    modules?: Record<string, Array<{ resource?: string; edit?: { resource?: string } }>>;
    resources?: Array<{ key: string; path: string }>;
  };
  return (manifest.resources ?? []).map((r) => {
    const dir = /^static\/([a-z0-9-]+)\/dist$/.exec(r.path)?.[1] ?? r.key;
    const module =
      Object.entries(manifest.modules ?? {}).find(([, entries]) =>
        entries.some((e) => e.resource === r.key || e.edit?.resource === r.key),
      )?.[0] ?? 'unknown';
    const title = RESOURCE_TITLES[r.key] ?? PAGE_TITLES[module] ?? r.key;
    return { key: r.key, dir, module, title };
  });
}

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
  /** The Forge context the server gives each resource. */
  contexts: Record<string, DemoContext>;
  close(): Promise<void>;
}

/** The Forge context the server builds for a resource: who is using it, and where. */
export type DemoContext = Record<string, unknown> & {
  accountId: string;
  extension: Record<string, unknown>;
};

/** The demo site as Forge would present it to each resource. */
function demoContexts(
  em: JiraEmulator,
  resources: readonly Resource[],
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
  for (const r of resources) {
    const editor = editorFor(r.key);
    const issue = em.findIssue(editor.issueKey);
    const issueType = issue ? (em.issueTypes.get(issue.issueTypeId)?.name ?? '') : '';
    const extension: Record<string, unknown> =
      r.module === 'jira:customField'
        ? {
            type: r.module,
            project: projectRef,
            issue: issue ? { id: issue.id, key: issue.key, type: issueType } : undefined,
            fieldValue: issue?.custom.get(editor.fieldId) ?? null,
            renderContext: 'issue-view',
          }
        : r.module === 'jira:adminPage'
          ? { type: r.module }
          : { type: r.module, project: projectRef };
    // Jira shows the project settings page to project admins only, and the admin page and the
    // workflow editor's rule screens to Jira admins only (the demo admin is both); everything
    // else to members.
    const accountId =
      r.module === 'jira:projectSettingsPage' ||
      r.module === 'jira:adminPage' ||
      r.module === 'jira:workflowValidator'
        ? demo.users.admin
        : demo.users.member;
    contexts[r.key] = { ...base, accountId, moduleKey: r.key, extension };
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

function send(res: ServerResponse, status: number, body: string | Buffer, type: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
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

function isResolverKey(key: unknown): key is ResolverKey {
  return typeof key === 'string' && Object.hasOwn(RESOLVER_PAYLOADS, key);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Issue-view modules: the preview opens them on a demo issue named by `?issue=`. */
const ISSUE_MODULES: ReadonlySet<string> = new Set(['jira:issuePanel', 'jira:issueContext']);

function indexPage(
  resources: readonly Resource[],
  projectKey: string,
  demoIssues: ReadonlyArray<{ key: string; label: string }> = [],
): string {
  const rows = resources
    .map((r) => {
      const built = existsSync(path.join(STATIC_DIR, r.dir, 'dist-preview', 'index.html'));
      const name = escapeHtml(`${r.title} (${r.module})`);
      const href = `/${encodeURIComponent(r.key)}/`;
      if (built && ISSUE_MODULES.has(r.module)) {
        const issues = demoIssues
          .map((i) => {
            const link = `${href}?issue=${encodeURIComponent(i.key)}`;
            return `<li><a href="${link}">${escapeHtml(`${i.key}: ${i.label}`)}</a> · <a href="${link}&amp;theme=dark">dark</a></li>`;
          })
          .join('');
        return `<li>${name}<ul>${issues}</ul></li>`;
      }
      if (built && r.module === 'jira:projectPage') {
        // The project page's sub-pages (manifest `pages`), as Jira would route them.
        const retro = `${href}?route=retro`;
        return `<li><a href="${href}">${name}</a> · <a href="${href}?theme=dark">dark</a><ul><li><a href="${retro}">Retro and trends</a> · <a href="${retro}&amp;theme=dark">dark</a></li></ul></li>`;
      }
      return built
        ? `<li><a href="${href}">${name}</a> · <a href="${href}?theme=dark">dark</a></li>`
        : `<li>${name}: not built (run <code>node static/build.mjs --preview</code>)</li>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Dual Track preview</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:40rem;padding:0 1rem}</style>
</head><body>
<h1>Dual Track preview</h1>
<p>The app's pages, running the real resolvers against an emulated Jira site with the demo
project ${escapeHtml(projectKey)}. Data lives in memory and resets when the server restarts.</p>
<ul>
${rows}
</ul>
</body></html>`;
}

export interface PreviewOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  now?: Date;
}

export async function startPreviewServer(options: PreviewOptions = {}): Promise<PreviewServer> {
  const now = options.now ?? new Date();
  const em = new JiraEmulator().install();
  const demo = seedDemoProject(em, { now });
  const resources = previewResources();
  const contexts = demoContexts(em, resources, demo);
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

  /**
   * The context of a resource. Issue-view resources get the demo issue the page names (or the
   * first demo issue): only a key of an issue in the demo project is accepted, and everything
   * else in the context is the server's own.
   */
  function contextFor(resourceKey: unknown, issueKey: unknown): DemoContext | undefined {
    if (typeof resourceKey !== 'string') return undefined;
    const base = contexts[resourceKey];
    const resource = resources.find((r) => r.key === resourceKey);
    if (!base || !resource || !ISSUE_MODULES.has(resource.module)) return base;
    const key = typeof issueKey === 'string' && issueKey !== '' ? issueKey : demoIssues[0]?.key;
    const issue = key === undefined ? undefined : em.findIssue(key);
    if (!issue || issue.key !== key || issue.projectId !== demo.projectId) return undefined;
    const type = em.issueTypes.get(issue.issueTypeId)?.name ?? '';
    return {
      ...base,
      extension: { ...base.extension, issue: { id: issue.id, key: issue.key, type } },
    };
  }
  const resolvers = allResolvers();

  async function invoke(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (body === undefined) return sendJson(res, 413, { message: 'request over 500 KB' });
    let request: { resource?: unknown; issue?: unknown; functionKey?: unknown; payload?: unknown };
    try {
      request = JSON.parse(body) as typeof request;
    } catch {
      return sendJson(res, 400, { message: 'body is not JSON' });
    }
    const context = contextFor(request.resource, request.issue);
    if (!context) return sendJson(res, 404, { message: 'unknown resource' });
    const key = request.functionKey;
    const fn = isResolverKey(key) ? resolvers[key] : undefined;
    if (!fn) return sendJson(res, 404, { message: `no resolver for ${String(key)}` });
    const result: Result<unknown> = await runResolverInvocation(
      em,
      String(key),
      request.payload,
      () => em.runAs(context.accountId, () => fn({ payload: request.payload, context })),
    );
    return sendJson(res, 200, result);
  }

  async function serveFile(res: ServerResponse, pathname: string): Promise<void> {
    const [first = '', ...rest] = pathname.split('/').filter(Boolean);
    const resource = resources.find((r) => r.key === first);
    if (!resource) return send(res, 404, 'not found', 'text/plain');
    const root = path.join(STATIC_DIR, resource.dir, 'dist-preview');
    const file = path.resolve(root, rest.length === 0 ? 'index.html' : rest.join('/'));
    if (!file.startsWith(root + path.sep)) return send(res, 404, 'not found', 'text/plain');
    try {
      const data = await readFile(file);
      return send(res, 200, data, CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream');
    } catch {
      return send(res, 404, 'not found', 'text/plain');
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://preview.invalid');
    const pathname = decodeURIComponent(url.pathname);
    if (pathname === '/api/invoke' && req.method === 'POST') return invoke(req, res);
    if (pathname === '/api/context' && req.method === 'GET') {
      const context = contextFor(
        url.searchParams.get('resource') ?? '',
        url.searchParams.get('issue'),
      );
      return context ? sendJson(res, 200, context) : sendJson(res, 404, { message: 'unknown' });
    }
    if (req.method !== 'GET') return send(res, 405, 'method not allowed', 'text/plain');
    if (pathname === '/') {
      return send(
        res,
        200,
        indexPage(resources, demo.projectKey, demoIssues),
        'text/html; charset=utf-8',
      );
    }
    const [first, ...rest] = pathname.split('/').filter(Boolean);
    if (first && rest.length === 0 && !pathname.endsWith('/')) {
      res.writeHead(302, { location: `/${first}/${url.search}` });
      res.end();
      return;
    }
    return serveFile(res, pathname);
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
    contexts,
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
