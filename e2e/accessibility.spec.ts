import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { fixture, settled } from './helpers.ts';

/**
 * axe (through @axe-core/playwright, which runs it over the DevTools protocol and so works under
 * the app's Content-Security-Policy) on every main screen, in both colour schemes: no violation
 * of serious or critical impact.
 */
async function serious(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.nodes.map((n) => `${n.target.join(' ')} ${n.any[0]?.message ?? ''}`).join(' | ')}`,
    );
}

async function open(page: Page) {
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(fixture('dive__test-docker-image.tar'));
  expect(await settled(page)).toBe('ready');
}

for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`${colorScheme} scheme`, () => {
    test.use({ colorScheme });

    test('the landing page has no serious accessibility violation', async ({ page }) => {
      await page.goto('/');
      expect(await serious(page)).toEqual([]);
    });

    test('Files, with a file open in the viewer, has none', async ({ page }) => {
      await open(page);
      await page.getByRole('searchbox', { name: 'Filter paths' }).fill('/etc/group');
      await page.getByRole('button', { name: 'Next match' }).click();
      await expect(page.getByRole('region', { name: 'File content' })).toBeVisible();
      expect(await serious(page)).toEqual([]);
    });

    for (const tab of ['Summary', 'Archive', 'Size map', 'Dockerfile', 'Packages', 'Compare']) {
      test(`${tab} has none`, async ({ page }) => {
        await open(page);
        await page.getByRole('tab', { name: tab }).click();
        await expect(page.getByRole('tabpanel', { name: tab })).toBeVisible();
        expect(await serious(page)).toEqual([]);
      });
    }
  });
}
