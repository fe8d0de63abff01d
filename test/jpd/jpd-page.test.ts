import type { CallRecord } from '../../dev/emulator/jira-emulator';
import {
  DEMO_USERS,
  addDemoItem,
  evidence,
  seedDemoProject,
} from '../../dev/emulator/demo-project';
import { connectJpdSpace, seedJpdBacklog, seedJpdSpace } from '../../dev/emulator/jpd-space';
import { setLabels } from '../../dev/emulator/routes/enforcement';
import type { ProjectOverview } from '../../src/contract/project-overview';
import { useEmulator } from '../helpers/emulator';
import { sharedPagesExpire } from '../helpers/shared-page';
import { callResolver, ok } from '../helpers/invoke';

/**
 * A connected Jira Product Discovery space on the project page: its open ideas are discovery
 * items of the page (by stage, from their status and the evidence rule), read in one search as
 * the viewer; a delivery item linked to an idea through JPD's delivery link counts as from that
 * idea for the entry criteria (covered when the idea is validated, waiting on it otherwise).
 */
const ctx = useEmulator();
const now = new Date();

const validated = evidence({ interviews: 3, usabilityTests: 1 }, 'validated', null);

function site(options: { connect?: boolean; validatedIdea?: boolean } = {}) {
  const demo = seedDemoProject(ctx.em, { now });
  const story = addDemoItem(ctx.em, 'DT', now, {
    type: 'Story',
    summary: 'Rewrite the checkout service',
    status: 'To Do',
    points: 5,
  });
  setLabels(ctx.em, story.key, ['architecture']);
  const space = seedJpdSpace(ctx.em, { deliveryKeys: [story.key] });
  if (options.validatedIdea) {
    ctx.em.findIssue(space.keys.delivery)?.custom.set(demo.discoveryEvidence.id, validated);
  }
  if (options.connect ?? true) {
    connectJpdSpace(ctx.em, { key: 'DT', id: demo.projectId }, [space.projectKey], now);
  }
  return { demo, story, space };
}

const overview = async (who: string = DEMO_USERS.member) => {
  const project = ctx.em.projectByKey('DT');
  return ok<ProjectOverview>(
    await callResolver(
      ctx.em,
      'project/overview',
      who,
      {},
      {
        extension: { project: { id: project.id, key: project.key } },
      },
    ),
  );
};
const keysOf = (items: ReadonlyArray<{ key: string }>) => items.map((i) => i.key);
const ideaSearches = () =>
  ctx.em
    .jiraCalls()
    .filter((c) => c.operationId === 'searchAndReconsileIssuesUsingJqlPost')
    .filter((c) => JSON.stringify(c.body).includes('IDEA'));

describe('ideas of a connected JPD space on the discovery track', () => {
  it('shows the open ideas by stage, read in one search as the viewer', async () => {
    const { space } = site({ validatedIdea: true });
    ctx.em.resetCalls();
    const page = await overview();
    expect(keysOf(page.discovery.new)).toContain(space.keys.parked);
    expect(keysOf(page.discovery.validating)).toEqual(
      expect.arrayContaining([space.keys.discovery, space.keys.ready]),
    );
    expect(keysOf(page.discovery.validated)).toContain(space.keys.delivery);
    const all = Object.values(page.discovery)
      .flat()
      .map((i) => i.key);
    expect(all).not.toContain(space.keys.dropped);
    const searches = ideaSearches();
    expect(searches).toHaveLength(1);
    expect(searches[0]?.provider).toBe('user');
    // Which connected spaces the viewer can browse: one project search.
    expect(ctx.em.jiraCalls().filter((c) => c.operationId === 'searchProjects')).toHaveLength(1);
  });

  it('reads no space when none is connected', async () => {
    site({ connect: false });
    ctx.em.resetCalls();
    const page = await overview();
    expect(
      Object.values(page.discovery)
        .flat()
        .some((i) => i.key.startsWith('IDEA-')),
    ).toBe(false);
    expect(ideaSearches()).toHaveLength(0);
    expect(ctx.em.jiraCalls().filter((c) => c.operationId === 'searchProjects')).toHaveLength(0);
  });

  it('reads a space of two thousand ideas in parallel parts, every idea once', async () => {
    const { space } = site();
    const added = seedJpdBacklog(ctx.em, space, {
      ideas: 2000,
      evidenceFieldId: undefined,
      deliveries: [],
      linkEvery: 1,
    });
    // Quiet ideas are counted, not read (ideas-count.ts): on a site that does not take their
    // count, the space is read whole, in parts.
    ctx.em.refusedJql = /"Discovery evidence"/;
    const before = (await overview()).totals.openItems;
    // The first load remembers the board's Rank field; later loads may read in parts.
    sharedPagesExpire(ctx.em, 'DT');
    ctx.em.resetCalls();
    const page = await overview();
    expect(page.totals.openItems).toBe(before);
    const shown = Object.values(page.discovery)
      .flat()
      .filter((i) => i.key.startsWith('IDEA-'));
    expect(shown.length).toBeGreaterThan(0);
    const parts = ideaSearches().filter((c) => JSON.stringify(c.body).includes('id >='));
    expect(parts.length).toBeGreaterThan(1);
    expect(ideaSearches().every((c) => c.provider === 'user')).toBe(true);
    // Every idea counted once: the open items are the project's and the space's open ideas.
    const withoutSpace = before - added.length;
    ctx.em.revoke('IDEA', DEMO_USERS.member);
    sharedPagesExpire(ctx.em, 'DT');
    expect((await overview()).totals.openItems).toBe(withoutSpace - 4);
  });

  it('a viewer who cannot browse the space sees none of its ideas', async () => {
    site();
    ctx.em.revoke('IDEA', DEMO_USERS.member);
    const page = await overview();
    expect(
      Object.values(page.discovery)
        .flat()
        .some((i) => i.key.startsWith('IDEA-')),
    ).toBe(false);
  });
});

describe('a connected space’s ideas read with the whole sets once a load found every space', () => {
  const ownIdeaSearches = () =>
    ideaSearches().filter((c) => JSON.stringify(c.body).includes('"jql":"project in (\\"IDEA'));
  const spaceLookups = () => ctx.em.jiraCalls().filter((c) => c.operationId === 'searchProjects');
  const ideaKeys = (page: ProjectOverview) =>
    Object.values(page.discovery)
      .flat()
      .map((i) => i.key)
      .filter((k) => k.startsWith('IDEA-'));

  it('a later load asks for no space and no search of its own: the same ideas, the same signals', async () => {
    site();
    const first = await overview();
    expect(spaceLookups()).toHaveLength(1);
    expect(ownIdeaSearches()).toHaveLength(1);
    sharedPagesExpire(ctx.em, 'DT');
    ctx.em.resetCalls();
    const later = await overview();
    expect(spaceLookups()).toEqual([]);
    expect(ownIdeaSearches()).toEqual([]);
    expect(ideaSearches().length).toBeGreaterThan(0);
    expect(ideaKeys(later)).toEqual(ideaKeys(first));
    expect(ideaKeys(later).length).toBeGreaterThan(0);
    expect(later.discovery).toEqual(first.discovery);
    expect(later.signals).toEqual(first.signals);
    // The linked idea's evidence comes with it: no fetch of it.
    expect(ctx.em.jiraCalls().filter((c) => c.operationId === 'bulkFetchIssues')).toEqual([]);
    // The ideas' issue type is the space's, not one the project lacks: nothing is forgotten.
    sharedPagesExpire(ctx.em, 'DT');
    ctx.em.resetCalls();
    await overview();
    expect(spaceLookups()).toEqual([]);
    expect(ctx.em.jiraCalls().filter((c) => c.operationId === 'getIssueTypesForProject')).toEqual(
      [],
    );
  });

  it('a viewer who may no longer browse the space: the joint search is refused, the page reads apart and shows none of its ideas', async () => {
    site();
    await overview();
    ctx.em.revoke('IDEA', DEMO_USERS.member);
    sharedPagesExpire(ctx.em, 'DT');
    ctx.em.resetCalls();
    const page = await overview();
    // Refused: the shared page's two counts of the space (its audience) and the joint search.
    const refused = () => ctx.em.jiraCalls().filter((c) => c.status === 400);
    const searches = (calls: CallRecord[]) =>
      calls.filter((c) => c.operationId === 'searchAndReconsileIssuesUsingJqlPost');
    expect(refused().map((c) => c.operationId)).toEqual([
      'countIssues',
      'countIssues',
      'searchAndReconsileIssuesUsingJqlPost',
    ]);
    expect(spaceLookups()).toHaveLength(1);
    expect(ideaKeys(page)).toEqual([]);
    expect(page.totals.openItems).toBeGreaterThan(0);
    // Not every space was found: the next load reads apart from the start, no search refused.
    sharedPagesExpire(ctx.em, 'DT');
    ctx.em.resetCalls();
    await overview();
    expect(searches(refused())).toEqual([]);
  });
});

describe('delivery linked to an idea through JPD', () => {
  it('waits on the linked idea while it is not validated', async () => {
    const { story, space } = site();
    const flagged = (await overview()).signals.needsDiscovery.items.find(
      (i) => i.key === story.key,
    );
    expect(flagged?.state).toBe('waiting');
    expect(flagged?.waitingOn).toContain(space.keys.delivery);
  });

  it('counts as from a validated idea once the idea is validated', async () => {
    const { story } = site({ validatedIdea: true });
    const page = await overview();
    expect(keysOf(page.signals.needsDiscovery.items)).not.toContain(story.key);
  });
});
