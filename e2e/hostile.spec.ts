import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { hostileCases, legacyWithLayerBlob, zstdBomb } from '../src/testing/hostile.ts';
import { scratchDir } from '../src/testing/scratch.ts';
import { settled } from './helpers.ts';

const dir = scratchDir('strata-hostile-');
function caseFile(name: string): string {
  const found = hostileCases().find((c) => c.name === name);
  if (!found) throw new Error(`no case ${name}`);
  const path = join(dir, `${name}.tar`);
  writeFileSync(path, found.bytes());
  return path;
}

async function open(page: Page, path: string): Promise<string> {
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(path);
  return settled(page);
}

test('a truncated archive says where it ends', async ({ page }) => {
  expect(await open(page, caseFile('truncated-in-a-layer'))).toBe('error');
  await expect(page.getByRole('alert')).toContainText('The file ends in the middle of');
  await expect(page.getByRole('alert')).toContainText('at byte');
});

test('random bytes and a damaged header are refused in words', async ({ page }) => {
  expect(await open(page, caseFile('random-bytes'))).toBe('error');
  await expect(page.getByRole('alert')).toContainText('not a tar archive');
  expect(await open(page, caseFile('bad-checksum-later-header'))).toBe('error');
  await expect(page.getByRole('alert')).toContainText('checksum');
});

test('a zstd bomb is stopped with a warning, and the image still opens', async ({ page }) => {
  // 40 KB that claim 1.3 GB: one tar header, then RLE blocks of zeros. It is decoded in the
  // worker; no timing is asserted here (a shared machine may be slow), only the outcome.
  const path = join(dir, 'zstd-bomb.tar');
  writeFileSync(path, legacyWithLayerBlob(zstdBomb(10_000)));
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(path);
  expect(await settled(page)).toBe('ready');
  await page.locator('.warnings summary').click();
  await expect(page.locator('.warnings')).toContainText('decompression bomb');
});

test('control characters, HTML and right-to-left overrides in names are shown, not obeyed', async ({
  page,
}) => {
  expect(await open(page, caseFile('names-control-html-rtl-invalid-utf8'))).toBe('ready');
  const names = page.getByRole('tree', { name: 'Files' }).locator('.tree-name');
  await expect(names.filter({ hasText: 'evil\\u202Egnp.exe' })).toHaveCount(1);
  await expect(names.filter({ hasText: 'bell\\x07and\\x1b[31mred' })).toHaveCount(1);
  await expect(names.filter({ hasText: '<img src=x onerror=alert(1)>' })).toHaveCount(1);
});

test('Cancel stops a read that is under way, and says so', async ({ page }) => {
  // A zstd bomb takes the worker a while to work through: long enough to press Cancel.
  const path = join(dir, 'slow.tar');
  writeFileSync(path, legacyWithLayerBlob(zstdBomb(60_000)));
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(path);
  await page.getByRole('button', { name: 'Cancel' }).click();
  expect(await settled(page)).toBe('error');
  await expect(page.getByRole('alert')).toContainText('Reading was cancelled');
});
