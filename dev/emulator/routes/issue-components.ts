import type { JiraEmulator } from '../jira-emulator';

/**
 * Project components and the components set on issues, as Jira keeps them: a component belongs
 * to one project and has a name unique within it; an issue's `components` field lists
 * `{ self, id, name }` of its project's components. No component endpoint is emulated (the app
 * calls none): seeds set them with `addComponent` / `setComponents`, and the JQL clause
 * `component in (…)` searches them (routes/search.ts).
 */

export interface EmComponent {
  id: string;
  projectId: string;
  name: string;
}

class ComponentSite {
  readonly components = new Map<string, EmComponent>();
  /** Issue id → component ids. */
  readonly onIssue = new Map<string, string[]>();
  private nextId = 10000;

  add(projectId: string, name: string): EmComponent {
    const existing = [...this.components.values()].find(
      (c) => c.projectId === projectId && c.name.toLowerCase() === name.toLowerCase(),
    );
    if (existing) return existing;
    const component: EmComponent = { id: String(this.nextId++), projectId, name };
    this.components.set(component.id, component);
    return component;
  }
}

const sites = new WeakMap<JiraEmulator, ComponentSite>();

function siteOf(em: JiraEmulator): ComponentSite {
  let site = sites.get(em);
  if (!site) {
    site = new ComponentSite();
    sites.set(em, site);
  }
  return site;
}

/** Adds a component to a project (or returns the one of that name). */
export function addComponent(em: JiraEmulator, projectKey: string, name: string): EmComponent {
  return siteOf(em).add(em.projectByKey(projectKey).id, name);
}

/** Sets an issue's components by name, adding missing ones to its project. */
export function setComponents(em: JiraEmulator, issueKey: string, names: readonly string[]): void {
  const issue = em.findIssue(issueKey);
  if (!issue) throw new Error(`Emulator: no issue ${issueKey}`);
  const site = siteOf(em);
  site.onIssue.set(
    issue.id,
    names.map((n) => site.add(issue.projectId, n).id),
  );
}

/** The components of an issue. */
export function componentsOf(em: JiraEmulator, issueId: string): EmComponent[] {
  const site = siteOf(em);
  return (site.onIssue.get(issueId) ?? [])
    .map((id) => site.components.get(id))
    .filter((c): c is EmComponent => c !== undefined);
}

/** Every component of the given projects. */
export function componentsIn(em: JiraEmulator, projectIds: ReadonlySet<string>): EmComponent[] {
  return [...siteOf(em).components.values()].filter((c) => projectIds.has(c.projectId));
}

/** The `components` field of an issue as Jira returns it. */
export function componentsBean(em: JiraEmulator, issueId: string): Array<Record<string, string>> {
  return componentsOf(em, issueId).map((c) => ({
    self: `${em.baseUrl}/rest/api/3/component/${c.id}`,
    id: c.id,
    name: c.name,
  }));
}
