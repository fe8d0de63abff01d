import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ALL_STATUSES, type JiraEmulator } from '../emulator/jira-emulator';
import { FORGE_FIELD_PREFIX, type EmIssue } from '../emulator/model';
import type { PreviewManifest, PreviewPage } from './server';
import { SURFACE_SEGMENTS, surfaceLinks, surfaceView, type SurfaceSite } from './surfaces';

/**
 * The preview's Jira frame: a top bar, a project sidebar (the app's project page and its
 * sub-pages, project settings, Jira admin settings, the workflow rules' screens, custom field
 * editors, demo issues) and an issue view at /browse/KEY, each showing the app's real page in an
 * iframe as Jira does. Server-rendered HTML, styled by frame/frame.css with Atlaskit tokens; its
 * only script (frame/frame.js) follows the bridge shim's `router.open` to an issue view.
 */

const FRAME_DIR = path.join(__dirname, 'frame');
const TOKENS = path.dirname(require.resolve('@atlaskit/tokens/package.json'));

/** The frame's own paths: no resource may be named like their first segment. */
export const FRAME_SEGMENTS: readonly string[] = [
  'project',
  'admin',
  'browse',
  '_frame',
  ...SURFACE_SEGMENTS,
];

/** What the frame shows: the demo site and where the app's pages are. */
export interface FrameSite {
  manifest: PreviewManifest;
  pages: readonly PreviewPage[];
  em: JiraEmulator;
  projectKey: string;
  projectName: string;
  projectId: string;
  demoIssues: ReadonlyArray<{ key: string; label: string }>;
  /** The demo issue a custom field's editor opens on from the sidebar, by field module key. */
  editorIssue: (fieldModuleKey: string) => string;
  /** The dashboard, the board and the Automation actions (dev/preview/surfaces.ts). */
  surfaces: SurfaceSite;
}

export interface FrameResponse {
  status: number;
  body: string | Buffer;
  type: string;
}

type Theme = 'light' | 'dark';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function withQuery(base: string, params: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value) query.set(name, value);
  const text = query.toString();
  if (text === '') return base;
  return `${base}${base.includes('?') ? '&' : '?'}${text}`;
}

/** A frame link, keeping the theme. */
function href(to: string, theme: Theme): string {
  return escapeHtml(withQuery(to, { theme: theme === 'dark' ? 'dark' : undefined }));
}

/** The app page of one module (entry point) in an iframe, as Jira embeds it. */
function appFrame(
  page: PreviewPage,
  params: Record<string, string | undefined>,
  theme: Theme,
  kind: 'page' | 'panel' | 'context',
  title: string,
): string {
  const src = withQuery(page.path, { ...params, theme: theme === 'dark' ? 'dark' : undefined });
  return `<iframe class="jf-app jf-app-${kind}" src="${escapeHtml(src)}" title="${escapeHtml(title)}" data-testid="app-frame-${escapeHtml(page.id)}"></iframe>`;
}

interface NavLink {
  id: string;
  label: string;
  to: string;
  children?: NavLink[];
}

interface NavSection {
  heading: string;
  links: NavLink[];
}

const pageOf = (site: FrameSite, type: string): PreviewPage | undefined =>
  site.pages.find((p) => p.moduleType === type);

/** The project page's sub-pages (manifest `pages`), first one the default. */
function projectRoutes(site: FrameSite): Array<{ title: string; route: string }> {
  const module = site.manifest.modules?.['jira:projectPage']?.[0];
  const pages = (module?.['pages'] ?? []) as Array<{ title?: unknown; route?: unknown }>;
  const routes = pages.flatMap((p) =>
    typeof p.title === 'string' && typeof p.route === 'string'
      ? [{ title: p.title, route: p.route }]
      : [],
  );
  return routes.length > 0 ? routes : [{ title: 'Overview', route: 'overview' }];
}

const moduleTitle = (site: FrameSite, type: string): string => {
  const module = site.manifest.modules?.[type]?.[0];
  return typeof module?.title === 'string' ? module.title : 'Dual Track';
};

/** The workflow rules' configuration screens: every validator with a config resource. */
export function validatorScreens(site: Pick<FrameSite, 'pages'>): PreviewPage[] {
  return site.pages.filter((p) => p.moduleType === 'jira:workflowValidator');
}

const validatorPath = (p: PreviewPage) =>
  `/admin/rules/${encodeURIComponent(p.moduleKey)}/${encodeURIComponent(p.entryPoint ?? '')}`;

function fieldEditors(site: FrameSite): PreviewPage[] {
  return site.pages.filter((p) => p.moduleType === 'jira:customField');
}

const fieldName = (site: FrameSite, moduleKey: string): string => {
  const module = site.manifest.modules?.['jira:customField']?.find((m) => m.key === moduleKey);
  return typeof module?.name === 'string' ? module.name : moduleKey;
};

function sidebar(site: FrameSite): NavSection[] {
  const [first, ...rest] = projectRoutes(site);
  const app = moduleTitle(site, 'jira:projectPage');
  const validators = new Map<string, PreviewPage[]>();
  for (const p of validatorScreens(site)) {
    validators.set(p.moduleKey, [...(validators.get(p.moduleKey) ?? []), p]);
  }
  return [
    {
      heading: 'Apps',
      links: [
        {
          id: 'project',
          label: app,
          to: '/',
          children: [
            ...(first ? [{ id: `project:${first.route}`, label: first.title, to: '/' }] : []),
            ...rest.map((r) => ({
              id: `project:${r.route}`,
              label: r.title,
              to: `/project/${encodeURIComponent(r.route)}`,
            })),
          ],
        },
      ],
    },
    {
      heading: 'Project settings',
      links: [
        {
          id: 'settings',
          label: moduleTitle(site, 'jira:projectSettingsPage'),
          to: '/project/settings',
        },
      ],
    },
    {
      heading: 'Jira admin settings',
      links: [
        { id: 'admin', label: `Apps: ${moduleTitle(site, 'jira:adminPage')}`, to: '/admin' },
        ...[...validators.values()].map((screens) => ({
          id: `rule:${screens[0]?.moduleKey ?? ''}`,
          label: `Workflow rule: ${ruleName(site, screens[0]?.moduleKey ?? '')}`,
          to: validatorPath(screens[0] as PreviewPage),
          children: screens.map((p) => ({
            id: `rule:${p.moduleKey}:${p.entryPoint ?? ''}`,
            label: ENTRY_LABELS[p.entryPoint ?? ''] ?? p.entryPoint ?? '',
            to: validatorPath(p),
          })),
        })),
      ],
    },
    { heading: 'Where people already look', links: surfaceLinks(site.surfaces) },
    {
      heading: 'Custom field editors',
      links: fieldEditors(site).map((p) => {
        const key = site.editorIssue(p.moduleKey);
        return {
          id: `field:${key}:${p.moduleKey}`,
          label: `${fieldName(site, p.moduleKey)} on ${key}`,
          to: `/browse/${encodeURIComponent(key)}/field/${encodeURIComponent(p.moduleKey)}`,
        };
      }),
    },
    {
      heading: 'Demo issues',
      links: site.demoIssues.map((i) => ({
        id: `issue:${i.key}`,
        label: `${i.key} ${i.label}`,
        to: `/browse/${encodeURIComponent(i.key)}`,
      })),
    },
  ];
}

const ENTRY_LABELS: Readonly<Record<string, string>> = {
  create: 'Add rule (create)',
  edit: 'Edit rule (edit)',
  view: 'Rule summary (view)',
};

function ruleName(site: FrameSite, moduleKey: string): string {
  const module = site.manifest.modules?.['jira:workflowValidator']?.find(
    (m) => m.key === moduleKey,
  );
  return typeof module?.name === 'string' ? module.name.replace(/^Dual Track: /, '') : moduleKey;
}

function navList(links: readonly NavLink[], current: string, theme: Theme): string {
  const items = links.map((l) => {
    const active = l.id === current ? ' aria-current="page"' : '';
    const children = l.children?.length ? navList(l.children, current, theme) : '';
    return `<li><a href="${href(l.to, theme)}"${active} data-testid="nav-${escapeHtml(l.id)}">${escapeHtml(l.label)}</a>${children}</li>`;
  });
  return `<ul>${items.join('')}</ul>`;
}

interface FrameView {
  title: string;
  /** The sidebar link this view is (its id). */
  current: string;
  breadcrumbs: Array<{ label: string; to?: string }>;
  body: string;
}

/** The whole frame document around one view. */
function layout(site: FrameSite, view: FrameView, theme: Theme, selfPath: string): string {
  const nav = sidebar(site)
    .filter((s) => s.links.length > 0)
    .map(
      (s) =>
        `<h2 class="jf-nav-heading">${escapeHtml(s.heading)}</h2>${navList(s.links, view.current, theme)}`,
    )
    .join('');
  const crumbs = view.breadcrumbs
    .map((c) =>
      c.to ? `<a href="${href(c.to, theme)}">${escapeHtml(c.label)}</a>` : escapeHtml(c.label),
    )
    .join(' / ');
  const other: Theme = theme === 'dark' ? 'light' : 'dark';
  const otherHref = escapeHtml(
    withQuery(selfPath, { theme: other === 'dark' ? 'dark' : undefined }),
  );
  return `<!doctype html>
<html lang="en" data-theme="dark:dark light:light shape:shape spacing:spacing typography:typography" data-color-mode="${theme}">
<head><meta charset="utf-8"><title>${escapeHtml(view.title)} - Dual Track preview</title>
<link rel="stylesheet" href="/_frame/tokens.css"><link rel="stylesheet" href="/_frame/frame.css">
<script src="/_frame/frame.js" defer></script></head>
<body>
<a class="jf-skip" href="#main">Skip to content</a>
<header class="jf-topbar" data-testid="frame-topbar">
<a class="jf-logo" href="${href('/', theme)}">Jira</a><span class="jf-site">Dual Track preview, an emulated Jira site</span>
<span class="jf-topbar-end"><a href="${otherHref}" data-testid="frame-theme">${other === 'dark' ? 'Dark' : 'Light'} theme</a><span>Stop the preview with Ctrl+C in its terminal</span></span>
</header>
<div class="jf-layout">
<nav class="jf-sidebar jf-nav" aria-label="Project" data-testid="frame-sidebar">
<div class="jf-project"><span class="jf-project-avatar" aria-hidden="true">${escapeHtml(site.projectKey.slice(0, 2))}</span>
<span><span class="jf-project-name">${escapeHtml(site.projectName)}</span><br><span class="jf-project-type">Software project</span></span></div>
${nav}
</nav>
<main class="jf-main" id="main">
<p class="jf-breadcrumbs">${crumbs}</p>
${view.body}
</main>
</div>
</body></html>`;
}

function projectView(site: FrameSite, route: string, theme: Theme): FrameView | undefined {
  const page = pageOf(site, 'jira:projectPage');
  const routes = projectRoutes(site);
  const found = routes.find((r) => r.route === route);
  if (!page || !found) return undefined;
  const isDefault = routes[0]?.route === route;
  const app = moduleTitle(site, 'jira:projectPage');
  return {
    title: `${app}: ${found.title}`,
    current: `project:${route}`,
    breadcrumbs: [{ label: 'Projects' }, { label: site.projectName, to: '/' }, { label: app }],
    body: `<h1 class="jf-title">${escapeHtml(app)}</h1>${appFrame(page, { route: isDefault ? undefined : route }, theme, 'page', `${app}: ${found.title}`)}`,
  };
}

function singlePageView(
  site: FrameSite,
  type: 'jira:projectSettingsPage' | 'jira:adminPage',
  theme: Theme,
): FrameView | undefined {
  const page = pageOf(site, type);
  if (!page) return undefined;
  const app = moduleTitle(site, type);
  const settings = type === 'jira:adminPage';
  return {
    title: settings ? `Apps: ${app}` : `Project settings: ${app}`,
    current: settings ? 'admin' : 'settings',
    breadcrumbs: settings
      ? [{ label: 'Jira admin settings' }, { label: 'Apps' }]
      : [
          { label: 'Projects' },
          { label: site.projectName, to: '/' },
          { label: 'Project settings' },
        ],
    body: `<h1 class="jf-title">${escapeHtml(app)}</h1>${appFrame(page, {}, theme, 'page', `${app} ${settings ? 'admin settings' : 'project settings'}`)}`,
  };
}

function ruleView(
  site: FrameSite,
  moduleKey: string,
  entryPoint: string,
  theme: Theme,
): FrameView | undefined {
  const page = validatorScreens(site).find(
    (p) => p.moduleKey === moduleKey && p.entryPoint === entryPoint,
  );
  if (!page) return undefined;
  const module = site.manifest.modules?.['jira:workflowValidator']?.find(
    (m) => m.key === moduleKey,
  );
  const name = typeof module?.name === 'string' ? module.name : moduleKey;
  const label = ENTRY_LABELS[entryPoint] ?? entryPoint;
  return {
    title: `Workflow rule: ${name}`,
    current: `rule:${moduleKey}:${entryPoint}`,
    breadcrumbs: [{ label: 'Jira admin settings' }, { label: 'Workflows' }, { label: 'Rules' }],
    body: `<h1 class="jf-title">${escapeHtml(name)}</h1><p class="jf-note">Validator ${escapeHtml(moduleKey)}: ${escapeHtml(label)}, as the workflow editor shows it. Saving in the editor is what the screen's onConfigure returns.</p>${appFrame(page, {}, theme, 'page', `${name}: ${label}`)}`,
  };
}

/** A custom field's value as the issue view shows it (a short text; objects field by field). */
function fieldText(value: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  if (typeof value === 'string') return value;
  if (typeof value !== 'object') return JSON.stringify(value);
  return Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' · ');
}

function issueFields(site: FrameSite, issue: EmIssue, theme: Theme): string {
  const type = site.em.issueTypes.get(issue.issueTypeId)?.name ?? '';
  const status = ALL_STATUSES.find((s) => s.id === issue.statusId);
  const editors = new Set(fieldEditors(site).map((p) => p.moduleKey));
  const custom = (site.manifest.modules?.['jira:customField'] ?? []).map((m) => {
    const field = [...site.em.fields.values()].find(
      (f) => f.schema.custom === `${FORGE_FIELD_PREFIX}${m.key}`,
    );
    const text = field ? fieldText(issue.custom.get(field.id)) : '';
    const shown = text ? escapeHtml(text) : '<span class="jf-empty">None</span>';
    const edit = editors.has(m.key)
      ? `<a class="jf-edit" href="${href(`/browse/${encodeURIComponent(issue.key)}/field/${encodeURIComponent(m.key)}`, theme)}" data-testid="edit-${escapeHtml(m.key)}">Edit ${escapeHtml(fieldName(site, m.key))}</a>`
      : '';
    return `<dt>${escapeHtml(fieldName(site, m.key))}</dt><dd data-testid="field-${escapeHtml(m.key)}">${shown}${edit}</dd>`;
  });
  return `<section class="jf-section" aria-labelledby="jf-details"><h2 class="jf-section-title" id="jf-details">Details</h2><dl class="jf-fields">
<dt>Type</dt><dd data-testid="field-type">${escapeHtml(type)}</dd>
<dt>Status</dt><dd><span class="jf-status jf-status-${status?.category ?? 'new'}" data-testid="field-status">${escapeHtml(status?.name ?? '')}</span></dd>
${custom.join('\n')}</dl></section>`;
}

function issueView(site: FrameSite, key: string, theme: Theme): FrameView | undefined {
  const issue = site.em.findIssue(key);
  if (!issue || issue.key !== key || issue.projectId !== site.projectId) return undefined;
  const panel = pageOf(site, 'jira:issuePanel');
  const context = pageOf(site, 'jira:issueContext');
  const side = [
    context
      ? `<section class="jf-section" aria-labelledby="jf-context"><h2 class="jf-section-title" id="jf-context">${escapeHtml(contextLabel(site))}</h2>${appFrame(context, { issue: key }, theme, 'context', `${contextLabel(site)} for ${key}`)}</section>`
      : '',
    panel
      ? `<section class="jf-section" aria-labelledby="jf-panel"><h2 class="jf-section-title" id="jf-panel">${escapeHtml(moduleTitle(site, 'jira:issuePanel'))}</h2>${appFrame(panel, { issue: key }, theme, 'panel', `${moduleTitle(site, 'jira:issuePanel')} issue panel for ${key}`)}</section>`
      : '',
  ];
  return {
    title: `${key} ${issue.summary}`,
    current: `issue:${key}`,
    breadcrumbs: [
      { label: 'Projects' },
      { label: site.projectName, to: '/' },
      { label: key, to: `/browse/${encodeURIComponent(key)}` },
    ],
    body: `<h1 class="jf-title" data-testid="issue-summary">${escapeHtml(issue.summary)}</h1><div class="jf-issue" data-testid="issue-view"><div>${issueFields(site, issue, theme)}</div><div>${side.join('')}</div></div>`,
  };
}

function contextLabel(site: FrameSite): string {
  const module = site.manifest.modules?.['jira:issueContext']?.[0];
  return typeof module?.['label'] === 'string'
    ? module['label']
    : moduleTitle(site, 'jira:issueContext');
}

function fieldEditorView(
  site: FrameSite,
  key: string,
  moduleKey: string,
  theme: Theme,
): FrameView | undefined {
  const issue = site.em.findIssue(key);
  const page = fieldEditors(site).find((p) => p.moduleKey === moduleKey);
  if (!issue || issue.key !== key || issue.projectId !== site.projectId || !page) return undefined;
  const name = fieldName(site, moduleKey);
  return {
    title: `${key}: edit ${name}`,
    current: `field:${key}:${moduleKey}`,
    breadcrumbs: [
      { label: 'Projects' },
      { label: site.projectName, to: '/' },
      { label: key, to: `/browse/${encodeURIComponent(key)}` },
      { label: `Edit ${name}` },
    ],
    body: `<h1 class="jf-title">${escapeHtml(issue.summary)}</h1><p class="jf-note">Editing the ${escapeHtml(name)} field of ${escapeHtml(key)}, as the issue view's field editor.</p>${appFrame(page, { issue: key }, theme, 'page', `${name} editor for ${key}`)}`,
  };
}

/** The view a frame path shows, or undefined when the path is not one of the frame's. */
function viewOf(site: FrameSite, segments: readonly string[], theme: Theme): FrameView | undefined {
  const [first, second, third, fourth, ...rest] = segments;
  if (rest.length > 0) return undefined;
  if (first === undefined) return projectView(site, projectRoutes(site)[0]?.route ?? '', theme);
  if (first === 'project' && second === 'settings' && !third) {
    return singlePageView(site, 'jira:projectSettingsPage', theme);
  }
  if (first === 'project' && second && !third) return projectView(site, second, theme);
  if (first === 'admin' && !second) return singlePageView(site, 'jira:adminPage', theme);
  if (first === 'admin' && second === 'rules' && third && fourth) {
    return ruleView(site, third, fourth, theme);
  }
  if (first === 'browse' && second && !third) return issueView(site, second, theme);
  if (first === 'browse' && second && third === 'field' && fourth) {
    return fieldEditorView(site, second, fourth, theme);
  }
  if (first && SURFACE_SEGMENTS.includes(first)) return surfaceView(site.surfaces, segments, theme);
  return undefined;
}

/** The frame's style sheet of Atlaskit's theme CSS: both colour modes, spacing, type, shape. */
function tokensCss(): string {
  const themes = [
    'atlassian-light',
    'atlassian-dark',
    'atlassian-spacing',
    'atlassian-typography',
    'atlassian-shape',
  ];
  return themes
    .map((name) => {
      // The theme CSS is a generated module of @atlaskit/tokens, named at run time.
      const file = path.join(TOKENS, 'dist', 'cjs', 'artifacts', 'themes', `${name}.js`);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const css = (require(file) as { default: unknown }).default;
      if (typeof css !== 'string') throw new Error(`@atlaskit/tokens has no theme CSS ${name}`);
      return css;
    })
    .join('\n');
}

let tokensCache: string | undefined;

const ASSETS: Readonly<Record<string, { type: string; read: () => string }>> = {
  'tokens.css': { type: 'text/css; charset=utf-8', read: () => (tokensCache ??= tokensCss()) },
  'frame.css': {
    type: 'text/css; charset=utf-8',
    read: () => readFileSync(path.join(FRAME_DIR, 'frame.css'), 'utf8'),
  },
  'frame.js': {
    type: 'text/javascript; charset=utf-8',
    read: () => readFileSync(path.join(FRAME_DIR, 'frame.js'), 'utf8'),
  },
};

/**
 * The frame's answer to a GET, or undefined when the path is not the frame's (the server then
 * serves the app's resources). `html: true` marks a document, which the server sends under CSP.
 */
export function frameResponse(
  site: FrameSite,
  pathname: string,
  search: URLSearchParams,
): (FrameResponse & { html: boolean }) | undefined {
  const segments = pathname.split('/').filter(Boolean);
  if (segments[0] === '_frame') {
    const asset = segments.length === 2 ? ASSETS[segments[1] ?? ''] : undefined;
    return asset
      ? { status: 200, body: asset.read(), type: asset.type, html: false }
      : { status: 404, body: 'not found', type: 'text/plain', html: false };
  }
  if (segments.length > 0 && !FRAME_SEGMENTS.includes(segments[0] ?? '')) return undefined;
  const theme: Theme = search.get('theme') === 'dark' ? 'dark' : 'light';
  const view = viewOf(site, segments, theme);
  if (!view) {
    return {
      status: 404,
      body: `no such page in the preview: ${pathname} (see the sidebar at /)`,
      type: 'text/plain; charset=utf-8',
      html: false,
    };
  }
  return {
    status: 200,
    body: layout(site, view, theme, pathname),
    type: 'text/html; charset=utf-8',
    html: true,
  };
}
