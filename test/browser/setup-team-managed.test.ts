/**
 * Setting up a team-managed project on the project settings page, in the preview build in
 * Chromium (real `setup/status` and `setup/run` resolvers, Jira emulator): Jira does not let
 * apps add issue types there, so the page offers the project's own types to map to tracks, runs
 * setup with the mapping and shows each step; with axe-core.
 */
import { MEMBER_PERMISSIONS } from '../../dev/emulator/model';
import { issueTypeSite } from '../../dev/emulator/routes/issue-types';
import { KEYS } from '../../src/storage/key-families';
import { seriousAxeViolations, usePreviewInChromium } from './preview-harness';

jest.setTimeout(120_000);

const { server, browser } = usePreviewInChromium();

it('maps a team-managed project’s own types to tracks, runs setup and lists its steps', async () => {
  const { em, contexts } = server();
  const context = contexts['project-settings'];
  if (!context) throw new Error('the preview has no project settings context');
  const project = em.addProject({ key: 'TMB', name: 'Team Mobile', style: 'next-gen' });
  const site = issueTypeSite(em);
  for (const name of ['Story', 'Bug', 'Idea']) site.addProjectType('TMB', { name });
  em.grant('TMB', context.accountId, [...MEMBER_PERMISSIONS, 'ADMINISTER_PROJECTS']);
  const before = context.extension['project'];
  context.extension['project'] = { id: project.id, key: 'TMB', type: 'software' };
  const page = await browser().newPage({ viewport: { width: 1280, height: 1000 } });
  try {
    await page.goto(new URL('project-settings/', server().url).href);
    // Before any setup, the status answers; "Choose issue type tracks" asks setup, which
    // refuses without a mapping and lists the project's types, each with a first guess.
    await page.getByRole('button', { name: 'Choose issue type tracks' }).click();
    const form = page.getByRole('form', { name: 'Issue type tracks' });
    await form.waitFor({ state: 'visible' });
    const text = (await form.textContent()) ?? '';
    for (const name of ['Story', 'Bug', 'Idea']) expect(text).toContain(name);
    expect(await seriousAxeViolations(page)).toEqual([]);

    await form.getByRole('button', { name: 'Save the mapping and set up' }).click();
    await page.getByText('Dual Track is set up for this project').waitFor({ state: 'visible' });
    const steps = page.getByRole('table', { name: 'Setup steps' });
    await expect(steps.textContent()).resolves.toContain('Record the track of each type');
    const mapping = em.kvs.peek(KEYS.trackMapping('TMB')) as {
      types: { name: string; track: string }[];
    };
    expect(mapping.types.map((t) => `${t.name}:${t.track}`).sort()).toEqual([
      'Bug:delivery',
      'Idea:discovery',
      'Story:delivery',
    ]);
    // The submit button's label fades back in after its loading state: axe would see it mid-fade.
    const label = form.getByText('Save the mapping and set up');
    const opacity = () =>
      label.evaluate(
        (e: unknown) =>
          (
            globalThis as unknown as { getComputedStyle(e: unknown): { opacity: string } }
          ).getComputedStyle(e).opacity,
      );
    for (let i = 0; i < 40 && (await opacity()) !== '1'; i++) await page.waitForTimeout(50);
    await expect(opacity()).resolves.toBe('1');
    expect(await seriousAxeViolations(page)).toEqual([]);
  } finally {
    context.extension['project'] = before;
    await page.close();
  }
});
