/**
 * Engineers in early and safe evidence edits in the issue panel, as a person sees them in the
 * preview (Chromium, real resolvers, emulated demo site): an idea of high Entry triage
 * uncertainty is technically novel without the flag and the panel says why and who may sign off;
 * removing evidence asks in a modal dialog that names the validation change (Cancel or Escape
 * keep the entry), and Undo puts the entry back; the project settings page shows the lead engineer setting. Axe in both themes.
 */
import {
  colorModeOf,
  seriousAxeViolations,
  textOf as text,
  usePreviewInChromium,
} from './preview-harness';

jest.setTimeout(120_000);

const { keyOf, openPanel } = usePreviewInChromium();

describe('engineers in early (issue panel)', () => {
  it('shows an idea of high uncertainty as technically novel, why, and who may sign off', async () => {
    const page = await openPanel(keyOf('One-page checkout'));
    await expect(text(page, 'feasibility-because')).resolves.toBe(
      'Technically novel: it has high Entry triage uncertainty',
    );
    await expect(text(page, 'feasibility-leads')).resolves.toContain(
      'No lead engineers are named in the project settings',
    );
    await expect(
      page.getByLabel('Technically novel: engineering must sign off feasibility').isChecked(),
    ).resolves.toBe(false);
    await expect(text(page, 'sign-off')).resolves.toContain('Feasible');
    await page.close();
  });
});

describe('safe evidence edits (issue panel)', () => {
  it.each(['light', 'dark'] as const)(
    'asks before removing evidence, names the validation change, and undoes it (%s theme)',
    async (theme) => {
      const page = await openPanel(keyOf('Saved carts across devices'), theme);
      await expect(colorModeOf(page)).resolves.toBe(theme);
      await expect(text(page, 'evidence-state')).resolves.toBe('Validated');
      const rows = page.getByTestId('evidence-list').getByRole('listitem');
      const count = await rows.count();
      // Two usability tests where one is needed: removing one keeps the idea validated.
      const usability = rows.filter({ hasText: 'Usability test' });
      await expect(usability.count()).resolves.toBe(2);
      await usability.first().getByRole('button', { name: 'Remove' }).click();
      const dialog = page.getByRole('dialog', { name: 'Remove this evidence?' });
      await dialog.waitFor({ state: 'visible' });
      expect(await seriousAxeViolations(page)).toEqual([]);
      const says = await dialog.textContent();
      // The evidence's date in the reader's locale ("Dec 1, 2026"), not ISO.
      expect(says).toMatch(
        /^Remove this evidence\?Remove the usability test of [A-Z0-9][^?]*\d{4}\?/,
      );
      expect(says).not.toMatch(/\d{4}-\d\d-\d\d/);
      expect(says).toContain('The idea’s validation state stays as it is.');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'detached' });
      await expect(rows.count()).resolves.toBe(count);
      // Escape cancels too, and focus goes back to the button that asked.
      const remove = usability.first().getByRole('button', { name: 'Remove' });
      await remove.click();
      await dialog.waitFor({ state: 'visible' });
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      await expect(rows.count()).resolves.toBe(count);
      const focused = (el: unknown) =>
        (el as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement === el;
      await expect(remove.evaluate(focused)).resolves.toBe(true);

      await usability.first().getByRole('button', { name: 'Remove' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
      await page.getByTestId('evidence-undo').waitFor({ state: 'visible' });
      await expect(rows.count()).resolves.toBe(count - 1);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await page.getByTestId('evidence-undo').getByRole('button', { name: 'Undo' }).click();
      await page.getByTestId('evidence-undo').waitFor({ state: 'detached' });
      await expect(rows.count()).resolves.toBe(count);
      await expect(text(page, 'evidence-state')).resolves.toBe('Validated');
      await page.close();
    },
  );

  it('says when a removal un-validates the idea, and Undo validates it again', async () => {
    const page = await openPanel(keyOf('One-page checkout'));
    const usability = page
      .getByTestId('evidence-list')
      .getByRole('listitem')
      .filter({ hasText: 'Usability test' });
    await usability.first().getByRole('button', { name: 'Remove' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove this evidence?' });
    await expect(dialog.textContent()).resolves.toContain(
      'The idea will change from validated to not validated yet.',
    );
    await dialog.getByRole('button', { name: 'Remove' }).click();
    await page
      .getByTestId('evidence-state')
      .getByText('Not validated yet', { exact: true })
      .waitFor({ state: 'visible' });
    await page.getByTestId('evidence-undo').getByRole('button', { name: 'Undo' }).click();
    await page
      .getByTestId('evidence-state')
      .getByText('Validated', { exact: true })
      .waitFor({ state: 'visible' });
    await page.close();
  });
});
