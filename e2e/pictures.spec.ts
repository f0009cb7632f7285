import { execFileSync } from 'node:child_process';
import { expect, type Page, test } from '@playwright/test';
import { fixture, settled } from './helpers.ts';

const DIVE = fixture('dive__test-docker-image.tar');

async function open(page: Page, tab: string) {
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(DIVE);
  expect(await settled(page)).toBe('ready');
  await page.getByRole('tab', { name: tab }).click();
}

/** Every file rectangle drawn, with its path, bytes, layer, area and colour. */
async function cells(page: Page) {
  return page.locator('.size-map-svg rect[data-kind="file"]').evaluateAll((rects) =>
    rects.map((r) => ({
      path: r.getAttribute('data-path') ?? '',
      bytes: Number(r.getAttribute('data-bytes')),
      layer: Number(r.getAttribute('data-layer')),
      area: Number(r.getAttribute('width')) * Number(r.getAttribute('height')),
      fill: getComputedStyle(r).fill,
    })),
  );
}

test('the size map: the largest rectangle is the largest file, areas follow bytes, hardlinks count once', async ({
  page,
}) => {
  await open(page, 'Size map');
  const map = page.getByRole('region', { name: 'Size map' });
  // busybox: /bin/[ holds the data, its 390-odd hardlinks add nothing (du counts it once), so
  // the whole map is 1.19 MB, not the 424 MB that counting every link would give.
  await expect(map).toContainText('1.19 MB at this layer');
  const drawn = await cells(page);
  const largest = drawn.reduce((a, b) => (b.area > a.area ? b : a));
  expect(largest.path).toBe('/bin/[');
  expect(largest.bytes).toBe(Math.max(...drawn.map((c) => c.bytes)));
  const svg = await page.locator('.size-map-svg').boundingBox();
  const total = drawn.reduce((n, c) => n + c.bytes, 0);
  const rest = await page
    .locator('.size-map-svg rect[data-kind="rest"]')
    .evaluateAll((rects) => rects.reduce((n, r) => n + Number(r.getAttribute('data-bytes')), 0));
  // Area over the whole map is bytes over the whole filesystem (no padding distorts it).
  const share = largest.area / (svg!.width * svg!.height);
  expect(share).toBeCloseTo(largest.bytes / (total + rest), 2);
});

test('the size map colours each file by the layer that wrote it, zooms into folders and opens files', async ({
  page,
}) => {
  await open(page, 'Size map');
  const drawn = await cells(page);
  const somefile = drawn.find((c) => c.path === '/somefile.txt')!;
  expect(somefile.layer).toBe(1);
  const legend = page.getByRole('list', { name: 'Colours' }).getByRole('listitem');
  const swatch = await legend
    .and(page.locator('[data-layer="1"]'))
    .locator('.map-swatch')
    .evaluate((s) => getComputedStyle(s).backgroundColor);
  expect(somefile.fill).toBe(swatch);
  // Zoom into /root, then open one of its files in the Files tab.
  await page
    .getByRole('navigation', { name: 'Zoom into' })
    .getByRole('button', { name: /^root\// })
    .click();
  await expect(page.getByRole('navigation', { name: 'Size map folder' })).toContainText('root');
  await page.locator('.size-map-svg rect[data-path="/root/saved.txt"]').click();
  await expect(page.getByRole('tab', { name: 'Files' })).toHaveAttribute('aria-selected', 'true');
  await expect(
    page.getByRole('complementary', { name: 'Details' }).locator('.details-path'),
  ).toHaveText('/root/saved.txt');
});

test('the Dockerfile tab rebuilds the recipe in order, each step linked to its layer', async ({
  page,
}) => {
  await open(page, 'Dockerfile');
  const lines = page.getByRole('region', { name: 'Dockerfile' }).locator('.instruction');
  await expect(lines).toHaveCount(15);
  await expect(lines.nth(4)).toHaveText('RUN cp /somefile.txt /root/example/somefile1.txt');
  await expect(lines.nth(14)).toHaveText('RUN chmod +x /root/saved.txt');
  await page
    .getByRole('region', { name: 'Dockerfile' })
    .getByRole('button', { name: 'layer 9', exact: true })
    .click();
  await expect(page.locator('.step[aria-current="step"]')).toContainText('rm -rf /root/example/');
});

test('layer sizes at a glance: one bar per layer on one scale, wasted bytes in Summary', async ({
  page,
}) => {
  // Each layer's size as GNU tar lists it: the sum of its entries' sizes.
  const manifest = JSON.parse(
    execFileSync('tar', ['-xOf', DIVE, 'manifest.json'], { encoding: 'utf8' }),
  );
  const sizeOf = (layer: string) =>
    execFileSync('tar', ['-tvf', '-'], {
      input: execFileSync('tar', ['-xOf', DIVE, layer], { maxBuffer: 64 << 20 }),
      encoding: 'utf8',
    })
      .split('\n')
      .filter(Boolean)
      .reduce((n, line) => n + Number(line.split(/\s+/)[2]), 0);
  const sizes = (manifest[0].Layers as string[]).map(sizeOf);
  await open(page, 'Summary');
  const chart = page.getByRole('list', { name: 'Layer sizes' }).getByRole('listitem');
  await expect(chart).toHaveCount(14);
  await expect(chart.nth(0)).toHaveAttribute('data-bytes', String(sizes[0]));
  await expect(chart.nth(3)).toContainText('6.41 kB wasted');
  const bars = page.locator('.timeline .layer-bar');
  await expect(bars).toHaveCount(14);
  const widths = await bars.evaluateAll((all) =>
    all.map((b) => (b.firstElementChild as HTMLElement).getBoundingClientRect().width),
  );
  expect(widths[0]).toBe(Math.max(...widths));
  expect(widths[1]! / widths[0]!).toBeCloseTo(sizes[1]! / sizes[0]!, 2);
});

test('the tab title names the image, plurals read right, and the current step stays in view', async ({
  page,
}) => {
  await page.goto('/');
  await page
    .getByTestId('file-input')
    .setInputFiles(fixture('snyk__docker-archives__docker-save__hello-world.tar'));
  expect(await settled(page)).toBe('ready');
  await expect(page).toHaveTitle('hello-world:latest · Strata');
  await expect(page.getByRole('navigation', { name: 'History and layers' })).toContainText(
    '2 steps · 1 layer',
  );
  await page.getByTestId('file-input').setInputFiles(DIVE);
  expect(await settled(page)).toBe('ready');
  // dive's image opens at its last layer, far down the timeline: it is scrolled into view.
  await expect(page.locator('.step[aria-current="step"]')).toBeInViewport();
  await page.keyboard.press('[');
  await page.keyboard.press('[');
  await expect(page.locator('.step[aria-current="step"]')).toContainText('layer 11');
  await expect(page.locator('.step[aria-current="step"]')).toBeInViewport();
});

test("the tree is headed by its layer's command, and a file's history names each layer's command", async ({
  page,
}) => {
  await open(page, 'Files');
  await expect(page.locator('.current-layer')).toContainText(
    'Filesystem up to layer 13 RUN chmod +x /root/saved.txt',
  );
  await page.keyboard.press('[');
  await expect(page.locator('.current-layer')).toContainText(
    'layer 12 RUN cp /root/saved.txt /root/.data/saved.again2.txt',
  );
  await page.getByRole('searchbox', { name: 'Filter paths' }).fill('/root/saved.txt');
  await page.getByRole('button', { name: 'Next match' }).click();
  const history = page.getByRole('complementary', { name: 'Details' }).locator('.path-history');
  await expect(history).toContainText('RUN mv /root/example/somefile3.txt /root/saved.txt');
});

test('the view tabs follow the WAI-ARIA pattern: one tab stop, arrow keys, Home and End', async ({
  page,
}) => {
  await open(page, 'Files');
  const tabs = page.getByRole('tablist', { name: 'Views' });
  await tabs.getByRole('tab', { name: 'Files' }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(tabs.getByRole('tab', { name: 'Summary' })).toBeFocused();
  await expect(tabs.getByRole('tab', { name: 'Summary' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tabpanel', { name: 'Summary' })).toBeVisible();
  await page.keyboard.press('End');
  await expect(tabs.getByRole('tab', { name: 'Compare' })).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(tabs.getByRole('tab', { name: 'Files' })).toHaveAttribute('aria-selected', 'true');
  await expect(tabs.locator('[tabindex="0"]')).toHaveCount(1);
});
