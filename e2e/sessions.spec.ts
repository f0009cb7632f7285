import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { hostileCases, legacyWithLayerBlob, negativeSizeLayer } from '../src/testing/hostile.ts';
import { fixture, settled } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'strata-sessions-'));
const DIVE = fixture('dive__test-docker-image.tar');
const HELLO = fixture('snyk__docker-archives__docker-save__hello-world.tar');

test('Cancel stops a worker stuck in a loop, and the next file opens normally', async ({
  page,
}) => {
  // A layer whose header claims a size of -512: a reader that trusts it loops on the same header.
  // Whatever the worker does, Cancel ends its session.
  const stuck = join(dir, 'stuck.tar');
  writeFileSync(stuck, legacyWithLayerBlob(negativeSizeLayer()));
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(stuck);
  await expect(page.locator('body')).toHaveAttribute('data-state', 'loading');
  await expect(page.locator('.file-name')).toHaveText('stuck.tar');
  await page.getByRole('button', { name: 'Cancel' }).click();
  expect(await settled(page)).toBe('error');
  await expect(page.getByRole('alert')).toContainText('Reading was cancelled');
  await page.getByTestId('file-input').setInputFiles(DIVE);
  expect(await settled(page)).toBe('ready');
  await expect(page.getByRole('region', { name: 'Image' })).toContainText('dive-test:latest');
});

test('two archives opened in quick succession never mix: the last one wins', async ({ page }) => {
  await page.goto('/');
  const input = page.getByTestId('file-input');
  await input.setInputFiles(DIVE);
  await input.setInputFiles(HELLO);
  expect(await settled(page)).toBe('ready');
  await expect(page.locator('.file-name')).toHaveText(
    'snyk__docker-archives__docker-save__hello-world.tar',
  );
  const header = page.getByRole('region', { name: 'Image' });
  await expect(header).toContainText('hello-world');
  await expect(header).not.toContainText('dive-test');
  // The tree is hello-world's: its one file, none of dive's folders.
  const tree = page.getByRole('tree');
  await expect(tree.getByRole('treeitem', { name: /^hello/ })).toBeVisible();
  await expect(tree.getByRole('treeitem', { name: /^bin/ })).toHaveCount(0);
});

test('a layer that fails its digest is named, with the digest it should have had', async ({
  page,
}) => {
  const found = hostileCases().find((c) => c.name === 'config-digest-mismatch')!;
  const path = join(dir, 'mismatch.tar');
  writeFileSync(path, found.bytes());
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(path);
  expect(await settled(page)).toBe('ready');
  const status = page.locator('[data-verification="mismatch"]');
  await expect(status).toContainText('A layer does not match its digest');
  await expect(status).toContainText('layer 0 of bomb:test');
  await expect(status).toContainText(`not to its diff_id sha256:${'0'.repeat(64)}`);
});

test('a well-formed archive says every layer matches its digests', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(HELLO);
  expect(await settled(page)).toBe('ready');
  await expect(page.locator('[data-verification="passed"]')).toHaveText(
    'The layer matches its digests.',
  );
});
