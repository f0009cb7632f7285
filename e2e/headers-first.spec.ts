import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { sameSizeRewrites } from '../src/testing/large-files.ts';
import { settled } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'strata-headers-'));
const IMAGE = join(dir, 'same-size.tar');
writeFileSync(IMAGE, sameSizeRewrites());

test('large bodies skipped at first are checked afterwards, and the changes they decide are right', async ({
  page,
}) => {
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(IMAGE);
  expect(await settled(page)).toBe('ready');
  // The second pass reads the two same-size rewrites (four bodies), then the figures are asked again.
  await expect(page.locator('.verification[data-checking]')).toHaveCount(0);
  expect(await page.evaluate(() => document.body.dataset.checking)).toBe('done');
  const history = page.getByRole('complementary', { name: 'Details' });
  await page.getByRole('searchbox', { name: 'Filter paths' }).fill('/data/rewritten.bin');
  await expect(page.locator('.tree-box')).toHaveAttribute('data-filtered', '/data/rewritten.bin');
  await page.getByRole('button', { name: 'Next match' }).click();
  await expect(history).toContainText(/layer 1\s+modified/);
  await page.getByRole('searchbox', { name: 'Filter paths' }).fill('/data/same.bin');
  await expect(page.locator('.tree-box')).toHaveAttribute('data-filtered', '/data/same.bin');
  await page.getByRole('button', { name: 'Next match' }).click();
  await expect(history).toContainText(/layer 1\s+permissions or owner changed/);
});
