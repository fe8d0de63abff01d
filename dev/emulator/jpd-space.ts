import { ALL_STATUSES, type JiraEmulator } from './jira-emulator';
import type { EmIssue, EmIssueType } from './model';
import { ALL_PROJECT_PERMISSIONS, MEMBER_PERMISSIONS } from './model';
import { DEMO_USERS, evidence } from './demo-project';
import { issueTypeSite } from './routes/issue-types';
import { issueLinkSite, type EmIssueLinkType } from './routes/issue-writes';

/**
 * A Jira Product Discovery space as Jira has it (docs/jpd.md): a team-managed project of type
 * `product_discovery` with its own Idea type and JPD's idea statuses, and JPD's delivery link
 * type on the site ("<delivery> implements <idea>"), by the name the site has (`linkName`).
 * The seed (IDEA) has an idea in each stage; two are linked to delivery items of `deliveryKeys`.
 */

export const JPD_LINK_VARIANTS = {
  current: { name: 'Polaris work item link', inward: 'is implemented by', outward: 'implements' },
  previous: { name: 'Polaris issue link', inward: 'is implemented by', outward: 'implements' },
} as const;

export interface JpdSpace {
  projectKey: string;
  projectId: string;
  ideaType: EmIssueType;
  linkType: EmIssueLinkType | undefined;
  keys: { parked: string; discovery: string; ready: string; delivery: string; dropped: string };
}

/** JPD's delivery link type on the site, added once (`variant`), or none. */
export function addJpdLinkType(
  em: JiraEmulator,
  variant: keyof typeof JPD_LINK_VARIANTS | 'none' = 'current',
): EmIssueLinkType | undefined {
  if (variant === 'none') return undefined;
  const site = issueLinkSite(em);
  const wanted = JPD_LINK_VARIANTS[variant];
  return (
    [...site.types.values()].find((t) => t.name === wanted.name) ?? site.addType({ ...wanted })
  );
}

/** Links a delivery item to an idea the way JPD does: "<delivery> implements <idea>". */
export function linkDelivery(
  em: JiraEmulator,
  type: EmIssueLinkType,
  delivery: EmIssue,
  idea: EmIssue,
): void {
  issueLinkSite(em).addLink(type.id, idea.id, delivery.id);
}

export function seedJpdSpace(
  em: JiraEmulator,
  options: {
    key?: string;
    name?: string;
    /** Delivery items (keys) linked to the "delivery" idea and the "ready" one. */
    deliveryKeys?: readonly string[];
    linkVariant?: keyof typeof JPD_LINK_VARIANTS | 'none';
  } = {},
): JpdSpace {
  const key = options.key ?? 'IDEA';
  const project = em.addProject({
    key,
    name: options.name ?? 'Checkout ideas',
    style: 'next-gen',
    typeKey: 'product_discovery',
  });
  em.grant(key, DEMO_USERS.member, MEMBER_PERMISSIONS);
  em.grant(key, DEMO_USERS.admin, ALL_PROJECT_PERMISSIONS);
  const ideaType = issueTypeSite(em).addProjectType(key, { name: 'Idea' });
  const linkType = addJpdLinkType(em, options.linkVariant);
  const idea = (summary: string, status: string): EmIssue =>
    Object.assign(em.addIssue({ projectKey: key, type: ideaType.name, summary, status }), {
      issueTypeId: ideaType.id,
    });
  const parked = idea('Gift cards at checkout', 'Parking lot');
  const discovery = idea('Pay in three instalments', 'Discovery');
  const ready = idea('Save the basket across devices', 'Ready for delivery');
  const delivery = idea('One-page checkout', 'Delivery');
  const dropped = idea('Checkout chatbot', "Won't do");
  const [first, second] = (options.deliveryKeys ?? []).map((k) => em.findIssue(k));
  if (linkType && first) linkDelivery(em, linkType, first, delivery);
  if (linkType && second) linkDelivery(em, linkType, second, ready);
  return {
    projectKey: key,
    projectId: project.id,
    ideaType,
    linkType,
    keys: {
      parked: parked.key,
      discovery: discovery.key,
      ready: ready.key,
      delivery: delivery.key,
      dropped: dropped.key,
    },
  };
}

/**
 * Connects a seeded space to a project as a saved project override would (`jpd.spaceKeys`), for
 * the preview: version 1, by the demo admin.
 */
export function connectJpdSpace(
  em: JiraEmulator,
  project: { key: string; id: string },
  spaceKeys: readonly string[],
  now: Date,
): void {
  em.kvs.seed(`config:project:${project.key}`, {
    version: 1,
    updatedAt: now.toISOString(),
    updatedBy: DEMO_USERS.admin,
    projectId: project.id,
    override: { jpd: { spaceKeys: [...spaceKeys] } },
  });
}

/**
 * A busier space for the bench: `ideas` more open ideas of `space` in JPD's open stages, every
 * third with a Discovery evidence value (`evidenceFieldId`), and every `linkEvery`-th of
 * `deliveries` linked to one of them by JPD's delivery link (the ideas' evidence then counts for
 * the entry criteria as well as on the discovery track).
 */
export function seedJpdBacklog(
  em: JiraEmulator,
  space: JpdSpace,
  options: {
    ideas: number;
    evidenceFieldId: string | undefined;
    deliveries: readonly EmIssue[];
    linkEvery: number;
  },
): EmIssue[] {
  const stages = ['Parking lot', 'Discovery', 'Ready for delivery'] as const;
  const added: EmIssue[] = [];
  for (let i = 0; i < options.ideas; i++) {
    const custom =
      options.evidenceFieldId && i % 3 === 0
        ? {
            [options.evidenceFieldId]: evidence(
              { interviews: 1 + (i % 4), usabilityTests: i % 2 },
              'unvalidated',
              null,
            ),
          }
        : {};
    const idea = em.addIssue({
      projectKey: space.projectKey,
      type: space.ideaType.name,
      summary: `Idea ${i + 1}: a customer problem worth a look, in a realistic length of text`,
      status: stages[i % stages.length],
      custom,
    });
    idea.issueTypeId = space.ideaType.id;
    added.push(idea);
  }
  if (space.linkType) {
    options.deliveries.forEach((delivery, i) => {
      const idea = added[i % Math.max(1, added.length)];
      if (i % options.linkEvery === 0 && idea && space.linkType) {
        linkDelivery(em, space.linkType, delivery, idea);
      }
    });
  }
  return added;
}

/** The space's open ideas (status category not Done): those the project page lists. */
export function openIdeasOf(em: JiraEmulator, space: JpdSpace): number {
  const done = new Set(ALL_STATUSES.filter((s) => s.category === 'done').map((s) => s.id));
  return [...em.issues.values()].filter(
    (i) => i.projectId === space.projectId && !done.has(i.statusId),
  ).length;
}
