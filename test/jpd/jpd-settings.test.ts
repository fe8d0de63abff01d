import { DEMO_USERS, seedDemoProject } from '../../dev/emulator/demo-project';
import { connectJpdSpace, seedJpdSpace } from '../../dev/emulator/jpd-space';
import { DEFAULT_CONFIG } from '../../src/domain/config';
import type { JpdSpacesView } from '../../src/contract/settings-view';
import { useEmulator } from '../helpers/emulator';
import { callResolver, failed, ok } from '../helpers/invoke';

/**
 * Connecting Jira Product Discovery spaces to a project: the picker lists the JPD spaces the admin
 * can browse (not software projects), says what the site has of JPD's link type, and a save
 * refuses a key that is not such a space, a member, and spaces in the global settings.
 */
const ctx = useEmulator();
const now = new Date();

const inProject = (key: string) => {
  const project = ctx.em.projectByKey(key);
  return { extension: { project: { id: project.id, key: project.key } } };
};
const spaces = async (who: string = DEMO_USERS.admin) =>
  ok<JpdSpacesView>(
    await callResolver(ctx.em, 'settings/project/jpd-spaces', who, {}, inProject('DT')),
  );
const connect = (keys: string[], who: string = DEMO_USERS.admin) =>
  callResolver(
    ctx.em,
    'settings/project/save',
    who,
    { override: { jpd: { spaceKeys: keys } }, expectedVersion: 0 },
    inProject('DT'),
  );

describe('the JPD space picker', () => {
  it('lists the JPD spaces the admin can browse and finds the current delivery link type', async () => {
    seedDemoProject(ctx.em, { now });
    seedJpdSpace(ctx.em, { key: 'IDEA' });
    ctx.em.addProject({ key: 'HID', name: 'Hidden ideas', typeKey: 'product_discovery' });
    const view = await spaces();
    expect(view.spaces).toEqual([{ key: 'IDEA', name: 'Checkout ideas' }]);
    expect(view.found.linkType).toEqual({
      name: 'Polaris work item link',
      inward: 'is implemented by',
      outward: 'implements',
    });
    expect(view.found.insightsField).toBeNull();
    const search = ctx.em.jiraCalls().find((c) => c.operationId === 'searchProjects');
    expect(search?.path).toContain('typeKey=product_discovery');
    expect(search?.provider).toBe('user');
  });

  it('finds the link type by its earlier name', async () => {
    seedDemoProject(ctx.em, { now });
    seedJpdSpace(ctx.em, { key: 'IDEA', linkVariant: 'previous' });
    expect((await spaces()).found.linkType?.name).toBe('Polaris issue link');
  });

  it('says when the site has no JPD link type', async () => {
    seedDemoProject(ctx.em, { now });
    seedJpdSpace(ctx.em, { key: 'IDEA', linkVariant: 'none' });
    expect((await spaces()).found.linkType).toBeNull();
  });

  it('is for project admins only', async () => {
    seedDemoProject(ctx.em, { now });
    seedJpdSpace(ctx.em);
    const refused = failed(
      await callResolver(
        ctx.em,
        'settings/project/jpd-spaces',
        DEMO_USERS.member,
        {},
        inProject('DT'),
      ),
    );
    expect(refused.code).toBe('forbidden');
  });
});

describe('saving connected spaces', () => {
  it('keeps a JPD space and refuses a software project, a member and the global settings', async () => {
    seedDemoProject(ctx.em, { now });
    seedJpdSpace(ctx.em);
    ok(await connect(['IDEA']));
    const software = failed(await connect(['DT']));
    expect(software.code).toBe('invalid-input');
    expect(JSON.stringify(software)).toContain('not a Jira Product Discovery space you can browse');
    expect(failed(await connect(['IDEA'], DEMO_USERS.member)).code).toBe('forbidden');
    const global = failed(
      await callResolver(ctx.em, 'settings/global/save', DEMO_USERS.admin, {
        settings: { ...DEFAULT_CONFIG, jpd: { spaceKeys: ['IDEA'] } },
        expectedVersion: 0,
      }),
    );
    expect(global.code).toBe('invalid-input');
  });

  it("the preview's seeded connection reads as a saved override", async () => {
    const demo = seedDemoProject(ctx.em, { now });
    seedJpdSpace(ctx.em);
    connectJpdSpace(ctx.em, { key: 'DT', id: demo.projectId }, ['IDEA'], now);
    const view = ok<{ version: number; override: { jpd?: { spaceKeys: string[] } } }>(
      await callResolver(ctx.em, 'settings/project/get', DEMO_USERS.admin, {}, inProject('DT')),
    );
    expect(view.version).toBe(1);
    expect(view.override.jpd?.spaceKeys).toEqual(['IDEA']);
  });

  it('refuses a key that is not a project key', async () => {
    seedDemoProject(ctx.em, { now });
    const refused = failed(await connect(['IDEA") OR project = "X']));
    expect(refused.code).toBe('invalid-input');
  });
});
