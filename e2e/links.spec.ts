import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { scratchDir } from '../src/testing/scratch.ts';
import {
  allowRangesFromAnyOrigin,
  fixture,
  requestedRange,
  sendRange,
  settled,
} from './helpers.ts';

/**
 * A file server on another origin than the app: /range/ sends CORS headers and honours Range,
 * /whole/ sends CORS headers but always the whole file, /closed/ sends no CORS headers, /hidden/
 * honours Range but does not expose Content-Range (so the page cannot read it).
 */
let server: Server;
let base = '';
const seen: string[] = [];

test.beforeAll(async () => {
  server = createServer((req, res) => {
    const [, mode, name] = (req.url ?? '').split('/');
    seen.push(`${req.method} ${req.url} ${req.headers.range ?? ''}`);
    const cors = mode === 'range' || mode === 'whole';
    if (mode === 'hidden') {
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Access-Control-Allow-Headers', 'Range');
    }
    if (cors) allowRangesFromAnyOrigin(res);
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    const bytes = readFileSync(fixture(name ?? ''));
    const range = requestedRange(req, bytes.length);
    if ((mode === 'range' || mode === 'hidden') && range) {
      sendRange(res, bytes, range.start, range.end);
      return;
    }
    res.writeHead(200, { 'Content-Length': bytes.length });
    res.end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
test.afterAll(() => server.close());

const DIVE = 'dive__test-docker-image.tar';
const current = (page: Page) => page.locator('.step[aria-current="step"]');
const details = (page: Page) =>
  page.getByRole('complementary', { name: 'Details' }).locator('.details-path');

test('#url= on a server that honours Range but hides Content-Range downloads the whole file instead', async ({
  page,
}) => {
  seen.length = 0;
  await page.goto(`/#url=${encodeURIComponent(`${base}/hidden/${DIVE}`)}`);
  expect(await settled(page)).toBe('ready');
  await expect(page.getByRole('region', { name: 'Image' })).toContainText('dive-test:latest');
  // The probe, then one plain download of the whole file; never a read of a 1-byte file.
  expect(seen.filter((r) => r.startsWith('GET /hidden/') && r.endsWith(' '))).toHaveLength(1);
  await expect(page.getByText('All 14 layers match their digests.')).toBeVisible();
});

async function selectPath(page: Page, path: string) {
  await page.getByRole('searchbox', { name: 'Filter paths' }).fill(path);
  await expect(page.locator('.match-count')).toHaveText(/^\d+ match(es)?$/);
  await page.getByRole('button', { name: 'Next match' }).click();
  await expect(details(page)).toHaveText(path);
}

test('#url= opens an archive from a server with range requests; a reload comes back to the same view', async ({
  page,
}) => {
  await page.goto(`/#url=${encodeURIComponent(`${base}/range/${DIVE}`)}`);
  expect(await settled(page)).toBe('ready');
  await expect(page.getByRole('region', { name: 'Image' })).toContainText('dive-test:latest');
  await page.locator('.step', { hasText: 'layer 7' }).getByRole('button').first().click();
  await page.getByRole('button', { name: 'Changes in this layer' }).click();
  await selectPath(page, '/root/saved.txt');
  expect(seen.some((r) => r.includes(`/range/${DIVE} bytes=`))).toBe(true);

  await expect(page).toHaveURL(/layer=7/);
  await expect(page).toHaveURL(/mode=changes/);
  await page.reload();
  expect(await settled(page)).toBe('ready');
  await expect(current(page)).toContainText('layer 7');
  await expect(page.getByRole('button', { name: 'Changes in this layer' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await expect(details(page)).toHaveText('/root/saved.txt');

  // The same link in a new browser context shows the same view.
  const other = await page.context().browser()!.newPage();
  await other.goto(page.url());
  expect(await settled(other)).toBe('ready');
  await expect(current(other)).toContainText('layer 7');
  await expect(details(other)).toHaveText('/root/saved.txt');
  await other.close();
});

test('#url= works without range support (the file is downloaded once)', async ({ page }) => {
  await page.goto(`/#url=${encodeURIComponent(`${base}/whole/ggcr__tarball__test_link.tar`)}`);
  expect(await settled(page)).toBe('ready');
  await expect(page.getByRole('combobox', { name: 'Image' }).getByRole('option')).toHaveCount(2);
});

test('a host that refuses cross-origin reads gets a plain explanation', async ({ page }) => {
  await page.goto(`/#url=${encodeURIComponent(`${base}/closed/${DIVE}`)}`);
  expect(await settled(page)).toBe('error');
  await expect(page.getByRole('alert')).toContainText('Access-Control-Allow-Origin');
});

test('an OCI image layout chosen as a folder is read as an OCI archive', async ({ page }) => {
  const dir = scratchDir('strata-oci-');
  execFileSync('tar', ['-xf', fixture('stereoscope__multiplatform_oci_dir.tar'), '-C', dir]);
  const layout =
    readdirSync(dir).length === 1 && !readdirSync(dir).includes('index.json')
      ? join(dir, readdirSync(dir)[0]!)
      : dir;
  await page.goto('/');
  await page.getByTestId('folder-input').setInputFiles(layout);
  expect(await settled(page)).toBe('ready');
  await expect(page.getByRole('combobox', { name: 'Image' }).getByRole('option')).toHaveText([
    /linux\/amd64/,
    /linux\/arm64/,
  ]);
});

test('dropping a local file again restores the view its link describes', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(fixture(DIVE));
  expect(await settled(page)).toBe('ready');
  await page.locator('.step', { hasText: 'layer 9' }).getByRole('button').first().click();
  await selectPath(page, '/root/.saved.txt');
  await expect(page).toHaveURL(/file=dive__test-docker-image\.tar/);
  const link = page.url();
  await page.goto('about:blank');
  await page.goto(link);
  await page.getByTestId('file-input').setInputFiles(fixture(DIVE));
  expect(await settled(page)).toBe('ready');
  await expect(current(page)).toContainText('layer 9');
  await expect(details(page)).toHaveText('/root/.saved.txt');
});

test('after the first visit the app works offline', async ({ page, context }) => {
  await page.goto('/');
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await page.reload(); // now controlled by the service worker
  await page.getByRole('button', { name: 'Open the sample image' }).click();
  expect(await settled(page)).toBe('ready');
  await context.setOffline(true);
  await page.reload();
  await page.getByRole('button', { name: 'Open the sample image' }).click();
  expect(await settled(page)).toBe('ready');
  await expect(page.getByRole('region', { name: 'Image' })).toContainText('investitest:latest');
  await context.setOffline(false);
});

test('the app asks no other host for anything, and its files name no outside resource', async ({
  page,
}) => {
  const origins = new Set<string>();
  page.on('request', (request) => origins.add(new URL(request.url()).origin));
  await page.goto('/');
  await page.getByRole('button', { name: 'Open the sample image' }).click();
  expect(await settled(page)).toBe('ready');
  await page.getByRole('tab', { name: 'Summary' }).click();
  await page.getByRole('tab', { name: 'Archive' }).click();
  expect([...origins].filter((o) => o.startsWith('http'))).toEqual(['http://127.0.0.1:4173']);

  // index.html loads only relative files; the only absolute addresses in the build are XML
  // namespaces and documentation links inside libraries' error messages (sql.js names its pull
  // request on github.com), which are never fetched.
  const dist = join(import.meta.dirname, '..', 'dist');
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  for (const match of html.matchAll(/(?:src|href)="([^"]+)"/g)) expect(match[1]).toMatch(/^\.\//);
  const allowed =
    /^https?:\/\/(www\.w3\.org|react\.dev|reactjs\.org|redux\.js\.org|react-dnd\.github\.io|www\.npmjs\.com|github\.com)\//;
  for (const file of readdirSync(join(dist, 'assets')).filter((f) => f.endsWith('.js'))) {
    const text = readFileSync(join(dist, 'assets', file), 'utf8');
    for (const url of text.match(/https?:\/\/[a-z0-9.-]+\/?/gi) ?? [])
      expect(url, file).toMatch(allowed);
  }
});

test('Back and Forward move between the views, and a local file’s link asks for that file', async ({
  page,
}) => {
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(fixture(DIVE));
  expect(await settled(page)).toBe('ready');
  await page.getByRole('tab', { name: 'Summary' }).click();
  await page.getByRole('tab', { name: 'Archive' }).click();
  await page.goBack();
  await expect(page.getByRole('tab', { name: 'Summary' })).toHaveAttribute('aria-selected', 'true');
  await page.goBack();
  await expect(page.getByRole('tab', { name: 'Files' })).toHaveAttribute('aria-selected', 'true');
  await page.goForward();
  await expect(page.getByRole('tab', { name: 'Summary' })).toHaveAttribute('aria-selected', 'true');

  // The link names the local file: opened fresh, the page asks for it by name and size.
  const link = page.url();
  const fresh = await page.context().newPage();
  await fresh.goto(link);
  await expect(fresh.getByTestId('continue-note')).toContainText(`${DIVE} (1.52 MB)`);
  await fresh.getByTestId('file-input').setInputFiles(fixture(DIVE));
  expect(await settled(fresh)).toBe('ready');
  await expect(fresh.getByRole('tab', { name: 'Summary' })).toHaveAttribute(
    'aria-selected',
    'true',
  );
});

test('a link holds both sides of a comparison of two archives on a server, and the tab', async ({
  page,
}) => {
  const left = `${base}/range/${DIVE}`;
  const right = `${base}/whole/dive__test-oci-gzip-image.tar`;
  await page.goto(
    `/#url=${encodeURIComponent(left)}&tab=compare&compare=${encodeURIComponent(right)}&compareImage=0`,
  );
  expect(await settled(page)).toBe('ready');
  const panel = page.getByRole('tabpanel', { name: 'Compare' });
  await expect(panel.locator('.compare')).toHaveAttribute('data-phase', 'ready');
  await expect(panel.getByTestId('compare-target')).toHaveText('dive__test-oci-gzip-image.tar');
  await expect(panel.getByTestId('config-diff')).toContainText('linux/arm64');
  // The page's own link keeps both addresses.
  await expect
    .poll(() => page.evaluate(() => decodeURIComponent(location.hash)))
    .toContain(`compare=${right}`);
});
