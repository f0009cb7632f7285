import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { imageFrom, legacyArchive } from '../src/testing/sample-image.ts';
import { scratchDir } from '../src/testing/scratch.ts';
import { writeTar } from '../src/testing/tar-writer.ts';
import { fixture, settled } from './helpers.ts';

const DIVE = fixture('dive__test-docker-image.tar');

/** The bytes GNU tar extracts for `path` from the dive fixture's layer `layerFile`. */
function gnuTarExtract(layerFile: string, path: string): Buffer {
  const layer = execFileSync('tar', ['-xOf', DIVE, layerFile], { maxBuffer: 64 << 20 });
  const dir = scratchDir('strata-layer-');
  writeFileSync(join(dir, 'layer.tar'), layer);
  return execFileSync('tar', ['-xOf', join(dir, 'layer.tar'), path], { maxBuffer: 64 << 20 });
}

const DATA_LAYER = 'aad36d0b05e71c7e6d4dfe0ca9ed6be89e2e0d8995dafe83438299a314e91071/layer.tar';

async function open(page: Page, file: string) {
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(file);
  expect(await settled(page)).toBe('ready');
}

async function reveal(page: Page, path: string) {
  await page.getByRole('searchbox', { name: 'Filter paths' }).fill(path);
  await expect(page.locator('.match-count')).toHaveText(/^\d+ match(es)?$/);
  await page.getByRole('button', { name: 'Next match' }).click();
  await page.getByRole('button', { name: 'Previous match' }).click();
  await expect(
    page.getByRole('complementary', { name: 'Details' }).locator('.details-path'),
  ).toHaveText(path);
}

test('a text file from a real image opens as text with line numbers', async ({ page }) => {
  const truth = gnuTarExtract(DATA_LAYER, 'root/.data/tag.sh').toString('utf8');
  await open(page, DIVE);
  await reveal(page, '/root/.data/tag.sh');
  const text = page.getByTestId('text-view');
  const lines = truth.replace(/\n$/, '').split('\n');
  await expect(text.locator('li')).toHaveCount(lines.length);
  await expect(text.locator('li').first()).toHaveText(lines[0]!);
  await expect(text.locator('li').last()).toHaveText(lines.at(-1)!);
});

test('a binary opens as a hex dump', async ({ page }) => {
  await open(page, DIVE);
  await reveal(page, '/bin/[');
  await expect(page.getByTestId('hex-view')).toContainText('00000000  7f 45 4c 46');
  // A page at a time: 64 KiB, then "Show more" adds the next.
  await expect(page.getByTestId('hex-view')).toContainText('0000fff0  ');
  await expect(page.getByTestId('hex-view')).not.toContainText('00010000  ');
  await page.getByRole('button', { name: /^Show more/ }).click();
  await expect(page.getByTestId('hex-view')).toContainText('00010000  ');
});

test("a downloaded file's bytes equal what GNU tar extracts", async ({ page }) => {
  const truth = createHash('sha256')
    .update(gnuTarExtract(DATA_LAYER, 'root/.data/test.sh'))
    .digest('hex');
  await open(page, DIVE);
  await reveal(page, '/root/.data/test.sh');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download file' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('test.sh');
  const saved = readFileSync(await download.path());
  expect(createHash('sha256').update(saved).digest('hex')).toBe(truth);
});

test('the diff of a file changed between two layers', async ({ page }) => {
  const dir = scratchDir('strata-diff-');
  const file = join(dir, 'motd.tar');
  const image = imageFrom([
    {
      command: 'echo first > /etc/motd',
      layer: writeTar([
        { name: 'etc/', kind: 'dir' },
        { name: 'etc/motd', data: 'welcome\nto the first\nimage\n' },
      ]),
    },
    {
      command: 'echo second > /etc/motd',
      layer: writeTar([{ name: 'etc/motd', data: 'welcome\nto the second\nimage\n' }]),
    },
  ]);
  writeFileSync(file, legacyArchive(image, 'motd:test'));
  await open(page, file);
  await reveal(page, '/etc/motd');
  await page.getByRole('button', { name: 'Compare' }).click();
  const diff = page.getByTestId('diff-view');
  await expect(diff.locator('.diff-removed')).toHaveText('- to the first');
  await expect(diff.locator('.diff-added')).toHaveText('+ to the second');
  await expect(diff).toContainText('  welcome');
});

test('comparing a chmod: the previous version against this layer, identical content, the mode change', async ({
  page,
}) => {
  await open(page, DIVE);
  // dive's layer 13 is `chmod +x /root/saved.txt`; the file was written by layer 7.
  await reveal(page, '/root/saved.txt');
  await expect(page.getByRole('combobox', { name: 'Older version' })).toHaveValue('7');
  await expect(page.getByRole('combobox', { name: 'Newer version' })).toHaveValue('13');
  await expect(page.getByTestId('metadata-changes')).toHaveText('mode 0644 → 0755');
  await page.getByRole('button', { name: 'Compare' }).click();
  await expect(page.getByTestId('diff-identical')).toHaveText('Identical content.');
});

test('names and contents from an image are text: HTML is shown, never run; SVG only as an image', async ({
  page,
}) => {
  const dir = scratchDir('strata-hostile-');
  const file = join(dir, 'hostile.tar');
  const svg =
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>window.pwned = 1</script><rect width="10" height="10"/></svg>';
  const image = imageFrom([
    {
      command: 'COPY . /',
      layer: writeTar([
        { name: '<img src=x onerror="window.pwned=2">', data: '<script>window.pwned = 3</script>' },
        { name: 'logo.svg', data: svg },
      ]),
    },
  ]);
  writeFileSync(file, legacyArchive(image, 'hostile:test'));
  await open(page, file);
  await reveal(page, '/<img src=x onerror="window.pwned=2">');
  await expect(page.getByTestId('text-view')).toHaveText('<script>window.pwned = 3</script>');
  await reveal(page, '/logo.svg');
  await expect(
    page.getByRole('region', { name: 'File content' }).locator('img.image-content'),
  ).toBeVisible();
  expect(
    await page.evaluate(() => (window as unknown as { pwned?: number }).pwned),
  ).toBeUndefined();
});
