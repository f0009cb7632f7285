import { expect, type Page, test } from '@playwright/test';
import { fixture, settled } from './helpers.ts';

/** The two window sizes every screen is made for. */
const SIZES = [
  { width: 1400, height: 900 },
  { width: 800, height: 900 },
];

async function open(page: Page) {
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(fixture('dive__test-docker-image.tar'));
  expect(await settled(page)).toBe('ready');
}

for (const size of SIZES) {
  test.describe(`${size.width}x${size.height}`, () => {
    test.use({ viewport: size });

    test('a file chosen through the filter shows its content inside the window', async ({
      page,
    }) => {
      await open(page);
      await page.getByRole('searchbox', { name: 'Filter paths' }).fill('/etc/group');
      await page.getByRole('button', { name: 'Next match' }).click();
      const firstLine = page.getByRole('region', { name: 'File content' }).locator('li').first();
      await expect(firstLine).toHaveText('root:x:0:');
      await expect(firstLine).toBeInViewport();
      await expect(page.getByRole('complementary', { name: 'Details' })).toBeVisible();
    });

    for (const tab of [
      'Files',
      'Summary',
      'Size map',
      'Archive',
      'Dockerfile',
      'Packages',
      'Compare',
    ]) {
      test(`${tab} fits the window's width`, async ({ page }) => {
        await open(page);
        await page.getByRole('tab', { name: tab }).click();
        await expect(page.getByRole('tabpanel', { name: tab })).toBeVisible();
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        expect(overflow).toBeLessThanOrEqual(0);
      });
    }
  });
}
