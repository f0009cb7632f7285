import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import { mergedAt } from '../src/core/fs/merged.ts';
import { PathVersions } from '../src/core/fs/versions.ts';
import { fixtureBytes, readBytes } from '../src/testing/fixtures.ts';
import { fixture, settled } from './helpers.ts';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function open(page: Page, name: string) {
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(fixture(name));
  expect(await settled(page)).toBe('ready');
}

async function downloadVia(page: Page, button: string): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: button, exact: true }).click(),
  ]);
  return { name: download.suggestedFilename(), bytes: readFileSync(await download.path()) };
}

test("a layer downloaded as tar equals the archive's own layer.tar, byte for byte", async ({
  page,
}) => {
  await open(page, 'dive__test-docker-image.tar');
  const truth = execFileSync('tar', [
    '-xOf',
    fixture('dive__test-docker-image.tar'),
    'cfb35bb5c127d848739be5ca726057e6e2c77b2849f588e7aebb642c0d3d4b7b/layer.tar',
  ]);
  const { name, bytes } = await downloadVia(page, 'as tar');
  expect(name).toBe('dive-test_latest-layer-13.tar');
  expect(sha256(bytes)).toBe(sha256(truth));
});

test('a gzip layer as stored keeps its digest; as tar it is the blob decompressed', async ({
  page,
}) => {
  await open(page, 'ggcr__mutate__whiteout_dir.tar');
  const config = JSON.parse(
    execFileSync('tar', ['-xOf', fixture('ggcr__mutate__whiteout_dir.tar'), 'manifest.json'], {
      encoding: 'utf8',
    }),
  ) as { Layers: string[] }[];
  const blobName = config[0]!.Layers[3]!;
  const stored = await downloadVia(page, 'as stored');
  expect(stored.name).toMatch(/layer-3\.tar\.gz$/);
  expect(`${sha256(stored.bytes)}.tar.gz`).toBe(blobName);
  const tar = await downloadVia(page, 'as tar');
  expect(sha256(tar.bytes)).toBe(sha256(execFileSync('gzip', ['-dc'], { input: stored.bytes })));
});

test('the filesystem downloaded as tar lists the same paths as the final filesystem', async ({
  page,
}) => {
  const read = await readBytes(fixtureBytes('dive__test-docker-image.tar'));
  const image = read.model.images[0]!;
  const history = new PathVersions(image.layers.map((l) => read.scans.get(l.blobPath!)!.entries));
  const top = mergedAt(history, image.layers.length - 1);
  const expected: string[] = [];
  for (let p = 1; p < top.version.length; p++)
    if (top.version[p]! >= 0) expected.push(history.table.path(p));

  await open(page, 'dive__test-docker-image.tar');
  const { bytes } = await downloadVia(page, 'filesystem up to here, as tar');
  const listed = execFileSync('tar', ['-tf', '-'], {
    input: bytes,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  })
    .split('\n')
    .filter(Boolean)
    .map((p) => p.replace(/\/$/, ''));
  expect(listed.sort()).toEqual(expected.sort());
  expect(listed).not.toContain('root/example/somefile3.txt');
});

test('a download of unknown size streams to disk through the service worker, with the same bytes', async ({
  page,
}) => {
  await open(page, 'dive__test-docker-image.tar');
  const { bytes: asBlob } = await downloadVia(page, 'filesystem up to here, as tar');
  // In "changes" mode the size of the filesystem is not known beforehand: it streams.
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.getByRole('button', { name: 'Changes in this layer' }).click();
  // The export's size is left unknown once the changes view is shown: before, it is the merged one's.
  await expect(page.locator('.tree-box[data-mode="changes"]')).toBeVisible();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'filesystem up to here, as tar', exact: true }).click(),
  ]);
  expect(download.url()).toContain('/strata-download/');
  expect(download.suggestedFilename()).toMatch(/filesystem-at-layer-\d+\.tar$/);
  const streamed = readFileSync((await download.path())!);
  expect(streamed.length).toBe(asBlob.length);
  expect(sha256(streamed)).toBe(sha256(asBlob));
});
