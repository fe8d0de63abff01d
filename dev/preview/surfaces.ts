import type { JiraEmulator } from '../emulator/jira-emulator';
import type { PreviewPage } from './server';

/**
 * The preview's places where people already look, beside the project page: a Jira dashboard
 * with the Dual Track gadget (and its edit view), the board with its "more actions" item, and a
 * page that runs each Automation action as a rule would, on the demo data (docs/automation.md).
 */

type Theme = 'light' | 'dark';

export interface SurfaceView {
  title: string;
  current: string;
  breadcrumbs: Array<{ label: string; to?: string }>;
  body: string;
}

export interface AutomationRun {
  inputs: Record<string, string>;
  answer: unknown;
}

export interface SurfaceSite {
  pages: readonly PreviewPage[];
  em: JiraEmulator;
  projectName: string;
  boardId: number;
  /** The demo inputs each Automation action runs with, by action key. */
  automationInputs: Readonly<Record<string, Record<string, string>>>;
  /** The Automation actions' names and handlers, by action key (manifest `action` modules). */
  automationActions: Readonly<Record<string, { name: string; handlerName: string }>>;
  /** The last run of each action, shown on its page. */
  automationRuns: Map<string, AutomationRun>;
}

export const SURFACE_SEGMENTS: readonly string[] = ['dashboard', 'board', 'automation'];

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const themed = (to: string, theme: Theme) =>
  escapeHtml(theme === 'dark' ? `${to}${to.includes('?') ? '&' : '?'}theme=dark` : to);

function frame(page: PreviewPage, theme: Theme, kind: string, title: string): string {
  const src =
    theme === 'dark' ? `${page.path}${page.path.includes('?') ? '&' : '?'}theme=dark` : page.path;
  return `<iframe class="jf-app jf-app-${kind}" src="${escapeHtml(src)}" title="${escapeHtml(title)}" data-testid="app-frame-${escapeHtml(page.id)}"></iframe>`;
}

const pageOf = (site: SurfaceSite, type: string, entryPoint?: string) =>
  site.pages.find((p) => p.moduleType === type && p.entryPoint === entryPoint);

export interface SurfaceLink {
  id: string;
  label: string;
  to: string;
  children?: SurfaceLink[];
}

/** The sidebar links of these views: each shows an app, but the Automation pages (no UI). */
export function surfaceLinks(site: SurfaceSite): SurfaceLink[] {
  return [
    {
      id: 'dashboard',
      label: 'Dashboard with the Dual Track gadget',
      to: '/dashboard',
      children: [{ id: 'dashboard:edit', label: 'Edit the gadget', to: '/dashboard/edit' }],
    },
    { id: 'board', label: 'Board: more actions, Dual Track', to: '/board/action' },
    ...Object.entries(site.automationActions).map(([key, a]) => ({
      id: `automation:${key}`,
      label: `Automation: ${a.name.replace(/^Dual Track: /, '')}`,
      to: `/automation/${encodeURIComponent(key)}`,
    })),
  ];
}

function dashboardView(site: SurfaceSite, edit: boolean, theme: Theme): SurfaceView | undefined {
  const page = pageOf(site, 'jira:dashboardGadget', edit ? 'edit' : undefined);
  if (!page) return undefined;
  const other = edit
    ? `<a href="${themed('/dashboard', theme)}" data-testid="gadget-done">Back to the dashboard</a>`
    : `<a href="${themed('/dashboard/edit', theme)}" data-testid="gadget-edit">Edit the gadget</a>`;
  return {
    title: edit ? 'Dashboard: edit the Dual Track gadget' : 'Dashboard',
    current: edit ? 'dashboard:edit' : 'dashboard',
    breadcrumbs: [{ label: 'Dashboards' }, { label: 'Teams' }],
    body: `<h1 class="jf-title">Teams</h1><section class="jf-section" aria-labelledby="jf-gadget"><h2 class="jf-section-title" id="jf-gadget">Dual Track roll-up</h2><p class="jf-note">${other}</p>${frame(page, theme, 'page', edit ? 'Dual Track roll-up settings' : 'Dual Track roll-up gadget')}</section>`,
  };
}

function boardView(site: SurfaceSite, action: boolean, theme: Theme): SurfaceView | undefined {
  const page = pageOf(site, 'jira:boardAction');
  if (!page) return undefined;
  const sprint = [...site.em.sprints.values()].find(
    (s) => s.boardId === site.boardId && s.state === 'active',
  );
  const body = action
    ? `<p class="jf-note">Opened from the board's more actions menu, as Jira shows it in a dialog. <a href="${themed('/board', theme)}">Back to the board</a></p>${frame(page, theme, 'page', 'Dual Track: sprint readiness')}`
    : `<p class="jf-note">${escapeHtml(sprint ? `Active sprint: ${sprint.name}.` : 'No active sprint.')}</p><nav aria-label="More actions"><ul><li><a href="${themed('/board/action', theme)}" data-testid="board-action">Dual Track: sprint readiness</a></li></ul></nav>`;
  return {
    title: action ? 'Board: Dual Track sprint readiness' : 'Board',
    current: 'board',
    breadcrumbs: [{ label: 'Projects' }, { label: site.projectName, to: '/' }, { label: 'Board' }],
    body: `<h1 class="jf-title">${escapeHtml(site.projectName)} board</h1>${body}`,
  };
}

function automationView(site: SurfaceSite, key: string, theme: Theme): SurfaceView | undefined {
  const action = site.automationActions[key];
  const inputs = site.automationInputs[key];
  if (!action || !inputs) return undefined;
  const run = site.automationRuns.get(key);
  const rows = Object.entries(inputs)
    .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`)
    .join('');
  const answer = run
    ? `<h2 class="jf-section-title">What the rule got back</h2><pre class="jf-answer" data-testid="automation-answer">${escapeHtml(JSON.stringify(run.answer, null, 2))}</pre>`
    : '<p class="jf-note">Not run yet.</p>';
  return {
    title: `Automation: ${action.name}`,
    current: `automation:${key}`,
    breadcrumbs: [{ label: 'Project settings' }, { label: 'Automation' }],
    body: `<h1 class="jf-title">${escapeHtml(action.name)}</h1><p class="jf-note">A rule's action with these inputs (smart values rendered), run as the demo member, the rule actor.</p><dl class="jf-fields">${rows}</dl><p><a href="${themed(`/automation/${encodeURIComponent(key)}?run=1`, theme)}" data-testid="automation-run">Run the action</a></p>${answer}`,
  };
}

/** The view of a surface path, or undefined when the path is not one of these. */
export function surfaceView(
  site: SurfaceSite,
  segments: readonly string[],
  theme: Theme,
): SurfaceView | undefined {
  const [first, second, ...rest] = segments;
  if (rest.length > 0) return undefined;
  if (first === 'dashboard') {
    return second === undefined || second === 'edit'
      ? dashboardView(site, second === 'edit', theme)
      : undefined;
  }
  if (first === 'board') {
    return second === undefined || second === 'action'
      ? boardView(site, second === 'action', theme)
      : undefined;
  }
  if (first === 'automation' && second) return automationView(site, second, theme);
  return undefined;
}

/**
 * Runs one Automation action as a rule does: the exported handler with the demo inputs and
 * Forge's context naming the rule actor, one invocation as that user; the answer is kept for the
 * action's page.
 */
export async function runAutomationAction(
  site: SurfaceSite,
  key: string,
  actor: string,
  entryPoints: Record<string, unknown>,
): Promise<void> {
  const action = site.automationActions[key];
  const inputs = site.automationInputs[key];
  const handler = action ? entryPoints[action.handlerName] : undefined;
  if (!action || !inputs || typeof handler !== 'function') return;
  const run = handler as (payload: unknown, context: unknown) => Promise<unknown>;
  const answer = await site.em.invocations.run('automation', action.handlerName, () =>
    site.em.runAs(actor, () => run(inputs, { principal: { accountId: actor } })),
  );
  site.automationRuns.set(key, { inputs, answer });
}
