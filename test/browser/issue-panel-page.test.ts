/**
 * The issue panel as a person sees it: the preview build in Debian's Chromium, served by the
 * local preview (real resolvers, Jira emulator with the demo project), opened on demo issues by
 * `?issue=KEY`. Covers an enabler without a scoped outcome, an idea turning validated when its
 * third interview is added, editing an evidence entry, Promote withheld from a novel idea until
 * its feasibility sign-off, a spike over its timebox, promote to delivery, and a refresh after a
 * change made elsewhere. Checks accessibility with axe-core in both themes and saves
 * docs/screenshots/issue-panel.png.
 */
import {
  choose,
  colorModeOf,
  screenshot,
  seriousAxeViolations,
  textOf as text,
  usePreviewInChromium,
} from './preview-harness';

jest.setTimeout(120_000);

const { server, keyOf, openPanel } = usePreviewInChromium();

describe('issue panel in the local preview (Chromium)', () => {
  it.each(['light', 'dark'] as const)(
    'has no serious accessibility violations in the %s theme',
    async (theme) => {
      const page = await openPanel(keyOf('Reorder from past orders'), theme);
      await expect(colorModeOf(page)).resolves.toBe(theme);
      if (theme === 'light') await screenshot(page, 'issue-panel.png');
      expect(await seriousAxeViolations(page)).toEqual([]);
      await page.close();
    },
  );

  it('shows an enabler without a scoped outcome failing each check, with the fix', async () => {
    const page = await openPanel(keyOf('Enabler: split the session service'));
    await expect(text(page, 'ready-state')).resolves.toBe('Not ready');
    await expect(text(page, 'headline')).resolves.toBe(
      'Not ready for a sprint: 3 of 3 checks fail.',
    );
    await expect(text(page, 'check-successMeasure-fix')).resolves.toBe(
      'Add a success measure (how we will know the outcome was reached) to the Scoped outcome field',
    );
    await expect(text(page, 'check-outcome-fix')).resolves.toMatch(/^Add an outcome statement/);
    await expect(text(page, 'check-bound-fix')).resolves.toMatch(/^Add a bound/);
    await page.close();
  });

  it('turns an idea validated when its third interview is added in the panel', async () => {
    const page = await openPanel(keyOf('Reorder from past orders'));
    await expect(text(page, 'evidence-summary')).resolves.toBe(
      '2 of 3 interviews, 1 of 1 usability test',
    );
    await expect(text(page, 'evidence-state')).resolves.toBe('Not validated yet');
    await page.getByRole('button', { name: 'Add evidence' }).click();
    const form = page.getByTestId('evidence-form');
    await choose(form, 'Type', 'Interview');
    await form.getByLabel('What we learned').fill('Café owner re-orders the same list every week');
    await expect(form.getByLabel('Confirmed the problem').isChecked()).resolves.toBe(true);
    await form.getByRole('button', { name: 'Save evidence' }).click();
    // The third interview validates the idea: the panel says so before it saves.
    const dialog = page.getByRole('dialog', { name: 'Save this evidence?' });
    await expect(dialog.textContent()).resolves.toContain(
      'The idea will change from not validated yet to validated.',
    );
    await dialog.getByRole('button', { name: 'Save anyway' }).click();
    await page
      .getByTestId('evidence-state')
      .getByText('Validated', { exact: true })
      .waitFor({ state: 'visible' });
    await expect(text(page, 'evidence-summary')).resolves.toBe(
      '3 of 3 interviews, 1 of 1 usability test',
    );
    await expect(text(page, 'ready-state')).resolves.toBe('Ready');
    await expect(
      page.getByTestId('evidence-list').getByText('Café owner re-orders').isVisible(),
    ).resolves.toBe(true);
    await expect(
      page.getByRole('button', { name: 'Promote to delivery' }).isVisible(),
    ).resolves.toBe(true);
    await page.close();
  });

  it('edits an evidence entry’s summary in place: the entry shows the new text, the count is unchanged', async () => {
    const page = await openPanel(keyOf('One-page checkout'));
    const summary = await text(page, 'evidence-summary');
    const rows = page.getByTestId('evidence-list').getByRole('listitem');
    const count = await rows.count();
    expect(count).toBeGreaterThan(0);
    await rows.first().getByRole('button', { name: 'Edit' }).click();
    const form = page.getByRole('form', { name: 'Save changes' });
    await form.getByLabel('What we learned').fill('Shoppers abandon at the address step (edited)');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await page
      .getByTestId('evidence-list')
      .getByText('Shoppers abandon at the address step (edited)', { exact: true })
      .waitFor({ state: 'visible' });
    // The form closes once the save has answered (it may trail the list's update by a render).
    await form.waitFor({ state: 'detached', timeout: 5000 });
    await expect(rows.count()).resolves.toBe(count);
    await expect(text(page, 'evidence-summary')).resolves.toBe(summary);
    await page.close();
  });

  it('shows why Promote is not offered on an idea flagged technically novel without a sign-off', async () => {
    const page = await openPanel(keyOf('Saved carts across devices'));
    // The checkbox follows the saved flag, so it changes only once the server has answered.
    const novel = page.getByLabel('Technically novel: engineering must sign off feasibility');
    await novel.click();
    await page.getByTestId('promote-blocked').waitFor({ state: 'visible' });
    await expect(novel.isChecked()).resolves.toBe(true);
    await expect(text(page, 'promote-blocked')).resolves.toContain(
      'It is flagged technically novel and has no "feasible" sign-off from the lead engineer yet.',
    );
    await expect(page.getByRole('button', { name: 'Promote to delivery' }).count()).resolves.toBe(
      0,
    );
    await page.getByRole('button', { name: 'Sign off feasibility' }).click();
    const form = page.getByRole('form', { name: 'Feasibility sign-off' });
    await form.getByLabel('Note').fill('The payment provider supports it');
    await form.getByRole('button', { name: 'Sign off' }).click();
    await page.getByRole('button', { name: 'Promote to delivery' }).waitFor({ state: 'visible' });
    await expect(text(page, 'sign-off')).resolves.toContain('by Mia Member');
    await novel.click();
    await page.getByTestId('sign-off').waitFor({ state: 'detached' });
    await expect(novel.isChecked()).resolves.toBe(false);
    await page.close();
  });

  it('shows a spike over its timebox as days used of days allowed, with the overrun', async () => {
    const page = await openPanel(keyOf('Spike: Postgres logical replication for reporting'));
    await expect(text(page, 'timebox-text')).resolves.toBe('6 of 3 days used');
    await expect(text(page, 'timebox-overrun')).resolves.toBe('Over timebox by 3 days');
    await expect(text(page, 'check-timebox-fix')).resolves.toMatch(/^Over its timebox by 3 days/);
    await page.close();
  });

  it('holds a spike asking for 10 days to the 3-day limit: its clock, its source and its fix', async () => {
    const key = keyOf('Spike: Postgres logical replication for reporting');
    const fieldId = [...server().em.fields.values()].find((f) =>
      f.schema.custom?.endsWith('/static/scoped-outcome'),
    )?.id;
    if (!fieldId) throw new Error('no Scoped outcome field');
    const outcome = server().em.findIssue(key)?.custom.get(fieldId) as Record<string, unknown>;
    server().em.setCustom(key, fieldId, { ...outcome, timeboxDays: 10 });
    try {
      const page = await openPanel(key);
      await expect(text(page, 'timebox-text')).resolves.toBe('6 of 3 days used');
      await expect(text(page, 'timebox-source')).resolves.toContain(
        'the longest spike timebox from the settings (the scoped outcome asks for more)',
      );
      await expect(text(page, 'check-bound-fix')).resolves.toBe(
        "Shorten the spike's timebox to at most 3 days (it is 10)",
      );
      await page.close();
    } finally {
      server().em.setCustom(key, fieldId, outcome);
    }
  });

  it('promotes a validated idea to delivery and shows the new item’s key', async () => {
    const page = await openPanel(keyOf('One-page checkout'));
    await page.getByRole('button', { name: 'Promote to delivery' }).click();
    await page.getByTestId('promote-form').getByRole('button', { name: 'Review' }).click();
    await page.getByRole('button', { name: 'Create 1 item' }).click();
    const result = page.getByTestId('promote-result');
    await result.waitFor({ state: 'visible' });
    const message = (await result.textContent()) ?? '';
    const key = /Created (DT-\d+)/.exec(message)?.[1];
    expect(key).toBeDefined();
    const created = server().em.findIssue(key ?? '');
    expect(created?.summary).toBe('One-page checkout');
    await page
      .getByTestId('promoted-to')
      .getByRole('button', { name: key ?? '' })
      .waitFor({ state: 'visible' });
    await page.close();
  });

  it('refreshes when the issue changed elsewhere and the panel regains focus', async () => {
    const key = keyOf('Enabler: split the session service');
    const page = await openPanel(key);
    await expect(text(page, 'ready-state')).resolves.toBe('Not ready');
    const fieldId = [...server().em.fields.values()].find((f) =>
      f.schema.custom?.endsWith('/static/scoped-outcome'),
    )?.id;
    if (!fieldId) throw new Error('no Scoped outcome field');
    server().em.setCustom(key, fieldId, {
      outcome: 'Session service split into read and write paths behind one API',
      successMeasure: 'p95 session read under 20 ms at peak',
      timeboxDays: 5,
    });
    await page.evaluate(() => {
      const win = globalThis as unknown as {
        dispatchEvent(event: unknown): boolean;
        Event: new (type: string) => unknown;
      };
      win.dispatchEvent(new win.Event('focus'));
    });
    await page.getByTestId('ready-state').getByText('Ready', { exact: true }).waitFor();
    await expect(text(page, 'headline')).resolves.toBe(
      'Ready for a sprint: the scoped outcome is complete.',
    );
    await page.close();
  });
});
