import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import {
  archiveOfLayers,
  BASE_ENV,
  BASE_LAYERS,
  DERIVED_ENV,
  DERIVED_LAYERS,
} from '../src/testing/compare-pair.ts';
import { scratchDir } from '../src/testing/scratch.ts';
import { fixture, settled } from './helpers.ts';

const dir = scratchDir('strata-compare-');
const BASE = join(dir, 'app-base.tar');
const NEXT = join(dir, 'app-next.tar');
writeFileSync(BASE, archiveOfLayers(BASE_LAYERS, BASE_ENV, 'app:base'));
writeFileSync(NEXT, archiveOfLayers(DERIVED_LAYERS, DERIVED_ENV, 'app:next'));

async function open(page: Page, file: string) {
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(file);
  expect(await settled(page)).toBe('ready');
  await page.getByRole('tab', { name: 'Compare' }).click();
}

test('a second archive compared: shared base, env change, and a changed file’s diff', async ({
  page,
}) => {
  await open(page, BASE);
  await page.getByTestId('compare-input').setInputFiles(NEXT);
  const panel = page.getByRole('tabpanel', { name: 'Compare' });
  await expect(panel.locator('.compare')).toHaveAttribute('data-phase', 'ready');
  await expect(panel.getByTestId('compare-left')).toHaveText('app:base');
  await expect(panel.getByTestId('compare-right')).toHaveText('app:next');
  await expect(panel.getByRole('heading', { name: /first 2 layers are shared/ })).toBeVisible();
  const layers = panel.getByTestId('compare-layers').locator('tbody tr');
  await expect(layers).toHaveCount(3);
  await expect(layers.nth(0)).toHaveAttribute('data-shared', 'true');
  await expect(layers.nth(2)).toHaveAttribute('data-shared', 'false');

  const config = panel.getByTestId('config-diff');
  await expect(config.locator('tr[data-env="changed"]')).toContainText(/MODE\s*slow\s*fast/);
  await expect(config.locator('tr[data-env="added"]')).toContainText('NEW');

  await expect(panel.getByTestId('compare-counts')).toHaveText(
    'Files: 1 added · 2 removed · 5 changed',
  );
  await panel.locator('[data-path="/app/config.txt"]').click();
  const diff = panel.getByTestId('compare-path').getByTestId('diff-view');
  await expect(diff).toContainText('- mode=slow');
  await expect(diff).toContainText('+ mode=fast');
  // The link remembers the tab (a local file cannot be fetched again, so only the tab).
  await expect.poll(() => page.evaluate(() => location.hash)).toContain('tab=compare');
});

test('the filter leaves matching differences and their folders', async ({ page }) => {
  await open(page, BASE);
  await page.getByTestId('compare-input').setInputFiles(NEXT);
  const panel = page.getByRole('tabpanel', { name: 'Compare' });
  await panel.getByRole('searchbox', { name: 'Filter the differences' }).fill('mtab');
  await expect(panel.locator('.tree-row')).toHaveCount(2);
  await expect(panel.locator('[data-path="/etc/mtab"]')).toContainText('changed (link)');
});

test('an image compared with itself says identical', async ({ page }) => {
  await open(page, NEXT);
  await page.getByTestId('compare-input').setInputFiles(NEXT);
  const panel = page.getByRole('tabpanel', { name: 'Compare' });
  await expect(panel.getByTestId('compare-identical')).toBeVisible();
  await expect(panel.getByText('No file differs.')).toBeVisible();
});

test('two platforms of one archive compared, and the comparison kept in the link', async ({
  page,
}) => {
  await open(page, fixture('stereoscope__multiplatform_oci_dir.tar'));
  const panel = page.getByRole('tabpanel', { name: 'Compare' });
  await panel.getByRole('button', { name: 'Compare', exact: true }).click();
  await expect(panel.locator('.compare')).toHaveAttribute('data-phase', 'ready');
  await expect(panel.getByTestId('config-diff')).toContainText('linux/arm64');
  await expect(panel.getByRole('heading', { name: /no shared base/ })).toBeVisible();
  await expect.poll(() => page.evaluate(() => location.hash)).toContain('compareImage=1');
});

test('a file that is not an image, given to compare, says so and offers another choice', async ({
  page,
}) => {
  await open(page, BASE);
  await page.getByTestId('compare-input').setInputFiles(fixture('dive__not-an-image.tar'));
  const panel = page.getByRole('tabpanel', { name: 'Compare' });
  await expect(panel.locator('.compare')).toHaveAttribute('data-phase', 'failed');
  await expect(panel.getByRole('alert')).toContainText('not-an-image.tar');
  await expect(panel.getByRole('button', { name: 'Compare with…' })).toBeVisible();
  // The open image is untouched.
  expect(await page.evaluate(() => document.body.dataset.state)).toBe('ready');
});
