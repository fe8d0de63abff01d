import { adfProblem } from '../adf';
import type { EmRequest, EmResponse, JiraEmulator, RouteGroup } from '../jira-emulator';
import { customFieldProblem, notOnScreen } from '../app-field-values';
import { FORGE_FIELD_PREFIX, type EmIssue } from '../model';
import { issueTypeSite } from './issue-types';
import { searchIndex } from '../search-lag';

/**
 * Writes to issues, as Jira Cloud documents them:
 * - POST /rest/api/3/issue: Browse projects and Create issues on the project; the issue type
 *   must be one the project offers; summary required; description must be an ADF document;
 *   custom fields as dev/emulator/app-field-values.ts checks them (app fields against their
 *   manifest schema). Field problems answer 400 with Jira's `errors: { field: message }`.
 * - GET  /rest/api/3/issueLinkType: the site's link types (a new site has Blocks, Cloners,
 *   Duplicate and Relates; tests may add others such as Implements).
 * - POST /rest/api/3/issueLink: Browse on both issues' projects and Link issues on the project
 *   of the from (outward) issue; an unknown issue, type or missing permission answers 404.
 *   A duplicate link is reported as created and not stored twice.
 * - PUT  /rest/api/3/app/field/{fieldIdOrKey}/value: only the app that declares the field may
 *   write it (a user call, or a field not declared by a Forge app, answers 403); unknown field
 *   404. The value is stored on the issue, so GET issue returns it.
 *
 * The state that is not on EmIssue (link types, links) lives here, per emulator.
 */

export interface EmIssueLinkType {
  id: string;
  name: string;
  inward: string;
  outward: string;
}

export interface EmIssueLink {
  id: string;
  typeId: string;
  inwardIssueId: string;
  outwardIssueId: string;
}

export class IssueLinkSite {
  readonly types = new Map<string, EmIssueLinkType>();
  readonly links: EmIssueLink[] = [];
  private nextTypeId = 10000;
  private nextLinkId = 10000;

  constructor() {
    this.addType({ name: 'Blocks', inward: 'is blocked by', outward: 'blocks' });
    this.addType({ name: 'Cloners', inward: 'is cloned by', outward: 'clones' });
    this.addType({ name: 'Duplicate', inward: 'is duplicated by', outward: 'duplicates' });
    this.addType({ name: 'Relates', inward: 'relates to', outward: 'relates to' });
  }

  addType(t: { name: string; inward: string; outward: string }): EmIssueLinkType {
    const type: EmIssueLinkType = { id: String(this.nextTypeId++), ...t };
    this.types.set(type.id, type);
    return type;
  }

  removeType(name: string): void {
    for (const t of this.types.values()) if (t.name === name) this.types.delete(t.id);
  }

  addLink(typeId: string, inwardIssueId: string, outwardIssueId: string): EmIssueLink {
    const existing = this.links.find(
      (l) =>
        l.typeId === typeId &&
        l.inwardIssueId === inwardIssueId &&
        l.outwardIssueId === outwardIssueId,
    );
    if (existing) return existing;
    const link: EmIssueLink = {
      id: String(this.nextLinkId++),
      typeId,
      inwardIssueId,
      outwardIssueId,
    };
    this.links.push(link);
    return link;
  }

  /**
   * The `issuelinks` field of an issue as GET issue returns it: each link names the other
   * issue, as `inwardIssue` when this issue is the outward one and `outwardIssue` otherwise.
   */
  beanLinks(em: JiraEmulator, issue: EmIssue, viewer?: EmRequest): Array<Record<string, unknown>> {
    const linked = (other: EmIssue) => {
      const bean = em.issueBean(other, ['summary', 'status', 'issuetype']);
      return { id: other.id, key: other.key, self: bean['self'], fields: bean['fields'] };
    };
    const out: Array<Record<string, unknown>> = [];
    for (const l of this.links) {
      const type = this.types.get(l.typeId);
      if (!type || (l.inwardIssueId !== issue.id && l.outwardIssueId !== issue.id)) continue;
      const isOutward = l.outwardIssueId === issue.id;
      const other = em.issues.get(isOutward ? l.inwardIssueId : l.outwardIssueId);
      if (!other || (viewer && !em.canSeeIssue(viewer, other))) continue;
      out.push({
        id: l.id,
        self: `${em.baseUrl}/rest/api/3/issueLink/${l.id}`,
        type: { ...type, self: `${em.baseUrl}/rest/api/3/issueLinkType/${type.id}` },
        [isOutward ? 'inwardIssue' : 'outwardIssue']: linked(other),
      });
    }
    return out;
  }

  /** Links touching an issue, as "<outward key> <outward description> <inward key>". */
  describe(em: JiraEmulator, issueIdOrKey: string): string[] {
    const issue = em.findIssue(issueIdOrKey);
    if (!issue) return [];
    return this.links
      .filter((l) => l.inwardIssueId === issue.id || l.outwardIssueId === issue.id)
      .map((l) => {
        const type = this.types.get(l.typeId);
        const outward = em.issues.get(l.outwardIssueId)?.key ?? l.outwardIssueId;
        const inward = em.issues.get(l.inwardIssueId)?.key ?? l.inwardIssueId;
        return `${outward} ${type?.outward ?? '?'} ${inward}`;
      });
  }
}

/** Whether the viewer may see the issue a link of `issuelinks` names (the other end). */
export function linkVisible(em: JiraEmulator, viewer: EmRequest, link: unknown): boolean {
  const ends = link as { inwardIssue?: { id?: string }; outwardIssue?: { id?: string } };
  const id = ends.inwardIssue?.id ?? ends.outwardIssue?.id;
  const other = id === undefined ? undefined : em.issues.get(id);
  return other !== undefined && em.canSeeIssue(viewer, other);
}

const sites = new WeakMap<JiraEmulator, IssueLinkSite>();

/** The issue link state of an emulated site (created on first use). */
export function issueLinkSite(em: JiraEmulator): IssueLinkSite {
  let site = sites.get(em);
  if (!site) {
    site = new IssueLinkSite();
    sites.set(em, site);
  }
  return site;
}

/** One accepted PUT /rest/api/3/app/field/{fieldIdOrKey}/value, for tests to inspect. */
export interface EmAppFieldWrite {
  fieldId: string;
  /** The `generateChangelog` query parameter (Jira's default is true). */
  generateChangelog: boolean;
  updates: Array<{ value: unknown; issueIds: string[] }>;
}

const fieldWrites = new WeakMap<JiraEmulator, EmAppFieldWrite[]>();

/** The app field value updates the emulated site accepted, oldest first. */
export function appFieldWrites(em: JiraEmulator): EmAppFieldWrite[] {
  let writes = fieldWrites.get(em);
  if (!writes) {
    writes = [];
    fieldWrites.set(em, writes);
  }
  return writes;
}

function errors(status: number, messages: string[], fieldErrors: Record<string, string> = {}) {
  return { status, body: { errorMessages: messages, errors: fieldErrors } };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `{ id }` or `{ key }` reference in a request body. */
function refOf(v: unknown): { id?: string; key?: string } {
  if (!isRecord(v)) return {};
  return {
    ...(typeof v['id'] === 'string' ? { id: v['id'] } : {}),
    ...(typeof v['key'] === 'string' ? { key: v['key'] } : {}),
  };
}

const SETTABLE = new Set(['project', 'issuetype', 'summary', 'description']);

function createIssue(em: JiraEmulator, req: EmRequest): EmResponse {
  const body = isRecord(req.body) ? req.body : {};
  const fields = isRecord(body['fields']) ? body['fields'] : {};
  const projectRef = refOf(fields['project']);
  const project = [...em.projects.values()].find(
    (p) => p.id === projectRef.id || p.key === projectRef.key,
  );
  if (!project || !em.can(req, project.id, 'BROWSE_PROJECTS')) {
    return errors(400, [], { project: 'Specify a valid project ID or key' });
  }
  if (!em.can(req, project.id, 'CREATE_ISSUES')) {
    return errors(400, [], {
      project: 'You do not have permission to create issues in this project.',
    });
  }
  const fieldErrors: Record<string, string> = {};
  const typeRef = refOf(fields['issuetype']);
  const offered = issueTypeSite(em).typesOf(project);
  const type = offered.find((t) => t.id === typeRef.id);
  if (!typeRef.id) fieldErrors['issuetype'] = 'Specify an issue type';
  else if (!type || type.subtask) fieldErrors['issuetype'] = 'Specify a valid issue type';
  const summary = fields['summary'];
  if (typeof summary !== 'string' || summary.trim().length === 0) {
    fieldErrors['summary'] = 'You must specify a summary of the issue.';
  } else if (summary.length > 255) {
    fieldErrors['summary'] = 'Summary must be less than 255 characters.';
  }
  const description = fields['description'];
  const descriptionProblem =
    description === undefined || description === null ? undefined : adfProblem(description);
  if (descriptionProblem !== undefined) {
    fieldErrors['description'] =
      `Operation value must be an Atlassian Document (see the Atlassian Document Format): ${descriptionProblem}.`;
  }
  const custom = new Map<string, unknown>();
  for (const [name, value] of Object.entries(fields)) {
    if (SETTABLE.has(name)) continue;
    const field = em.fields.get(name);
    if (!field || !field.custom) {
      fieldErrors[name] = notOnScreen(name);
      continue;
    }
    const problem = customFieldProblem(em, field, value);
    if (problem) fieldErrors[name] = problem;
    else if (value !== null) custom.set(name, structuredClone(value));
  }
  if (Object.keys(fieldErrors).length > 0 || !type || typeof summary !== 'string') {
    return errors(400, [], fieldErrors);
  }
  project.issueCounter += 1;
  const now = new Date().toISOString();
  const issue: EmIssue = {
    id: String(em.nextNumericId()),
    key: `${project.key}-${project.issueCounter}`,
    projectId: project.id,
    issueTypeId: type.id,
    statusId: '10000',
    summary: summary.trim(),
    custom,
    ...(isRecord(description) ? { description: structuredClone(description) } : {}),
    created: now,
    updated: now,
  };
  em.issues.set(issue.id, issue);
  searchIndex(em).created(issue);
  return {
    status: 201,
    body: { id: issue.id, key: issue.key, self: `${em.baseUrl}/rest/api/3/issue/${issue.id}` },
  };
}

function getLinkTypes(em: JiraEmulator): EmResponse {
  const site = issueLinkSite(em);
  return {
    status: 200,
    body: {
      issueLinkTypes: [...site.types.values()].map((t) => ({
        id: t.id,
        name: t.name,
        inward: t.inward,
        outward: t.outward,
        self: `${em.baseUrl}/rest/api/3/issueLinkType/${t.id}`,
      })),
    },
  };
}

function linkIssues(em: JiraEmulator, req: EmRequest): EmResponse {
  const site = issueLinkSite(em);
  const body = isRecord(req.body) ? req.body : {};
  const typeRef = refOf(body['type']);
  const typeName = isRecord(body['type']) ? body['type']['name'] : undefined;
  const type = [...site.types.values()].find(
    (t) => t.id === typeRef.id || (typeof typeName === 'string' && t.name === typeName),
  );
  if (!type) return errors(404, ['No issue link type with name or id found.']);
  const find = (v: unknown) => {
    const ref = refOf(v);
    const issue = em.findIssue(ref.id ?? ref.key ?? '');
    return issue && em.canSeeIssue(req, issue) ? issue : undefined;
  };
  const inward = find(body['inwardIssue']);
  const outward = find(body['outwardIssue']);
  if (!inward || !outward) {
    return errors(404, ['Issue does not exist or you do not have permission to see it.']);
  }
  if (!em.can(req, outward.projectId, 'LINK_ISSUES')) {
    return errors(404, ['You do not have the permission to link issues.']);
  }
  searchIndex(em).beforeWrite(inward);
  searchIndex(em).beforeWrite(outward);
  site.addLink(type.id, inward.id, outward.id);
  return { status: 201 };
}

function updateAppFieldValue(em: JiraEmulator, req: EmRequest): EmResponse {
  const idOrKey = req.op.pathParams['fieldIdOrKey'] ?? '';
  const field = [...em.fields.values()].find((f) => f.id === idOrKey || f.key === idOrKey);
  if (!field) return errors(404, [`The custom field was not found: ${idOrKey}`]);
  if (req.provider !== 'app' || !(field.schema.custom ?? '').startsWith(FORGE_FIELD_PREFIX)) {
    return errors(403, ['Only the app that provided the field can update its values.']);
  }
  const updates =
    isRecord(req.body) && Array.isArray(req.body['updates']) ? req.body['updates'] : [];
  const planned: Array<{ issue: EmIssue; value: unknown }> = [];
  const accepted: EmAppFieldWrite['updates'] = [];
  for (const update of updates) {
    if (!isRecord(update) || !Array.isArray(update['issueIds'])) continue;
    for (const id of update['issueIds']) {
      const issue = em.issues.get(String(id));
      if (!issue) return errors(400, [`Issue ${String(id)} does not exist.`]);
      planned.push({ issue, value: update['value'] });
    }
    accepted.push({ value: update['value'], issueIds: update['issueIds'].map(String) });
  }
  appFieldWrites(em).push({
    fieldId: field.id,
    generateChangelog: req.query.get('generateChangelog') !== 'false',
    updates: accepted,
  });
  for (const { issue, value } of planned) {
    searchIndex(em).beforeWrite(issue);
    if (value === null) issue.custom.delete(field.id);
    else issue.custom.set(field.id, structuredClone(value));
    issue.updated = new Date().toISOString();
  }
  return { status: 204 };
}

export const issueWriteRoutes: RouteGroup = (em) => ({
  createIssue: (req) => createIssue(em, req),
  getIssueLinkTypes: () => getLinkTypes(em),
  linkIssues: (req) => linkIssues(em, req),
  updateCustomFieldValue: (req) => updateAppFieldValue(em, req),
});
