import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { hostileCases } from '../src/testing/hostile.ts';
import { imageFrom, legacyArchive } from '../src/testing/sample-image.ts';
import { scratchDir } from '../src/testing/scratch.ts';
import { writeTar } from '../src/testing/tar-writer.ts';
import { fixture, settled } from './helpers.ts';

const dir = scratchDir('strata-sessions-');
const DIVE = fixture('dive__test-docker-image.tar');
const HELLO = fixture('snyk__docker-archives__docker-save__hello-world.tar');

/**
 * A server that answers the probe but never finishes any other read: the archive worker waits
 * forever, however long the test runs. Only ending its session gets the page back.
 */
let server: Server;
let base = '';
test.beforeAll(async () => {
  server = createServer((req, res) => {
    const bytes = readFileSync(DIVE);
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Headers', 'Range');
    res.setHeader('Access-Control-Expose-Headers', 'Content-Range, Content-Length');
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    const start = Number(range?.[1] ?? 0);
    const end = Math.min(Number(range?.[2] ?? bytes.length - 1) + 1, bytes.length);
    res.writeHead(206, {
      'Content-Range': `bytes ${start}-${end - 1}/${bytes.length}`,
      'Content-Length': end - start,
    });
    if (end - start === 1) return void res.end(bytes.subarray(start, end));
    res.write(bytes.subarray(start, start + 1024)); // and then nothing more, ever
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
test.afterAll(() => server.closeAllConnections());

test('Cancel ends a read that would never finish, and the next file opens normally', async ({
  page,
}) => {
  await page.goto(`/#url=${encodeURIComponent(`${base}/stalled.tar`)}`);
  await expect(page.locator('body')).toHaveAttribute('data-state', 'loading');
  await expect(page.locator('.file-name')).toHaveText('stalled.tar');
  await page.getByRole('button', { name: 'Cancel' }).click();
  expect(await settled(page)).toBe('error');
  await expect(page.getByRole('alert')).toContainText('Reading was cancelled');
  await expect(page.getByRole('button', { name: 'Reopen stalled.tar' })).toBeVisible();
  await page.getByTestId('file-input').setInputFiles(DIVE);
  expect(await settled(page)).toBe('ready');
  await expect(page.locator('.file-name')).toHaveText('dive__test-docker-image.tar');
  await expect(page.getByRole('region', { name: 'Image' })).toContainText('dive-test:latest');
});

test('a file chosen while another is loading replaces it at once', async ({ page }) => {
  await page.goto(`/#url=${encodeURIComponent(`${base}/stalled.tar`)}`);
  await expect(page.locator('body')).toHaveAttribute('data-state', 'loading');
  await page.getByTestId('file-input').setInputFiles(HELLO);
  expect(await settled(page)).toBe('ready');
  await expect(page.getByRole('region', { name: 'Image' })).toContainText('hello-world');
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

test('each layer that fails its digest is named in layer order, whichever checker hashed it', async ({
  page,
}) => {
  // Four layers of different sizes: with a checker per core they are shared out by bytes
  // (40+10 and 30+20 KB on two cores), so layers 1 and 3 are hashed by different checkers.
  const layer = (name: string, kb: number, fill: string) =>
    writeTar([{ name, data: fill.repeat(kb * 1024) }]);
  const image = imageFrom(
    [40, 30, 20, 10].map((kb, i) => ({ command: `step ${i}`, layer: layer(`f${i}`, kb, 'a') })),
  );
  // The same sizes, other bytes: the scan reads them as usual, their digests no longer hold.
  image.layers[1] = layer('f1', 30, 'b');
  image.layers[3] = layer('f3', 10, 'b');
  const path = join(dir, 'two-tampered.tar');
  writeFileSync(path, legacyArchive(image, 'tampered:test'));
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(path);
  expect(await settled(page)).toBe('ready');
  const status = page.locator('[data-verification="mismatch"]');
  await expect(status).toContainText('2 digest checks failed');
  const items = status.locator('li');
  await expect(items).toHaveCount(2);
  await expect(items.nth(0)).toContainText('layer 1 of tampered:test');
  await expect(items.nth(1)).toContainText('layer 3 of tampered:test');
});

test('an archive of many layers says that all of them match, counted across checkers', async ({
  page,
}) => {
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(DIVE);
  expect(await settled(page)).toBe('ready');
  await expect(page.locator('[data-verification="passed"]')).toHaveText(
    'All 14 layers match their digests.',
  );
});
