import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, gzipSync } from 'node:zlib';
import { expect, type Page, test } from '@playwright/test';
import { imageFrom, legacyArchive } from '../src/testing/sample-image.ts';
import { scratchDir } from '../src/testing/scratch.ts';
import { writeTar } from '../src/testing/tar-writer.ts';
import { holdingRangeServer, keptLayers, settled } from './helpers.ts';

/**
 * A layer's tar: 20 MiB of noise (it does not compress), then a small text file. Places to resume
 * from fall every 8 MiB of the tar; the text lies past the second.
 */
function noiseThen(text: string): Uint8Array {
  return writeTar([
    { name: 'noise', data: new Uint8Array(randomBytes(20 << 20)) },
    { name: 'late.txt', data: text },
  ]);
}

/**
 * Opens `archive`, served as `name`, on two cores, as on the machine this was measured on. The first
 * two reads of the whole blob at `blobAt` (the scan's, then the skimmer's) are served; later ones
 * (the digest check's, which would keep the layer on disk) get their first MiB and then nothing.
 * Once the check is held, opens /late.txt and waits for `text`; gives where the reads made for it
 * began. (The check's own reads from the blob's start may come meanwhile; a read of the file from
 * there would be held, and the text never shown.)
 */
async function lateFileReads(
  page: Page,
  name: string,
  archive: Uint8Array,
  blobAt: number,
  text: string,
  /** Checked once the text is shown, while the check is still held. */
  thenStill?: () => Promise<void>,
  /** Whole reads of the blob served before the check's (the scan's, the skimmer's). */
  served = 2,
): Promise<number[]> {
  await page.addInitScript(() =>
    Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => 2 }),
  );
  let whole = 0;
  const starts: number[] = [];
  const server = await holdingRangeServer(
    archive,
    (start, end) => {
      starts.push(start);
      return start === blobAt && end - start > 1024 && ++whole > served;
    },
    1 << 20,
  );
  try {
    await page.goto(`/#url=${encodeURIComponent(`${server.url}/${name}`)}`);
    expect(await settled(page)).toBe('ready');
    // The check starts once the skimmer is done (at once with none), and is then held.
    await expect(page.locator('[data-verification="running"]')).toBeVisible({ timeout: 20_000 });
    await expect.poll(() => whole).toBeGreaterThan(served);
    const before = starts.length;
    await page.getByRole('searchbox', { name: 'Filter paths' }).fill('/late.txt');
    await page.getByRole('button', { name: 'Next match' }).click();
    await expect(page.getByTestId('text-view')).toContainText(text);
    const reads = starts.slice(before);
    await thenStill?.();
    return reads;
  } finally {
    server.close();
  }
}

test('a file at the end of a large gzip layer opens from a place its scan noted, not by decoding the layer from its start', async ({
  page,
}) => {
  const text = 'found past the last place';
  const tar = noiseThen(text);
  const gz = gzipSync(tar);
  const image = imageFrom([{ command: 'add files', layer: tar }]);
  const archive = Buffer.from(legacyArchive({ ...image, layers: [gz] }));
  const blobAt = archive.indexOf(gz.subarray(0, 64));
  expect(blobAt).toBeGreaterThan(0);
  // No skimmer: the scan noted the places as it decoded, and its read is the only one served
  // before the check's.
  const reads = await lateFileReads(
    page,
    'image.tar',
    archive,
    blobAt,
    text,
    () => expect(page.locator('[data-verification="running"]')).toBeVisible(),
    1,
  );
  // Read from the place 16 MiB into the tar: the blob was asked for from there, not its start.
  expect(reads.some((s) => s > blobAt + (12 << 20) && s < blobAt + gz.length)).toBe(true);
});

/**
 * A layer's tar made by tar itself: 160 MiB of a 1 MiB random block over and over (zstd makes it
 * small, while the decoder's window holds what a wrong place would show), then `text`.
 */
function repeatsThen(dir: string, text: string): Buffer {
  const block = randomBytes(1 << 20);
  writeFileSync(join(dir, 'noise'), Buffer.concat(Array.from({ length: 160 }, () => block)));
  writeFileSync(join(dir, 'late.txt'), text);
  const tar = join(dir, 'layer.tar');
  execFileSync('tar', ['--format=ustar', '-C', dir, '-cf', tar, 'noise', 'late.txt']);
  return readFileSync(tar);
}

/** `bytes` through the zstd command at level 3. */
function zstdOf(dir: string, bytes: Uint8Array): Buffer {
  writeFileSync(join(dir, 'plain'), bytes);
  execFileSync('zstd', ['-q', '-f', '-3', join(dir, 'plain'), '-o', join(dir, 'plain.zst')]);
  return readFileSync(join(dir, 'plain.zst'));
}

test('a file at the end of a large zstd layer opens from a place its scan noted, not by decoding the layer from its start', async ({
  page,
}) => {
  const text = 'found past the last place of the zstd layer';
  const dir = scratchDir('strata-e2e-zstd-');
  const tar = repeatsThen(dir, text);
  const zst = zstdOf(dir, tar);
  const image = imageFrom([{ command: 'add files', layer: tar }]);
  const archive = Buffer.from(legacyArchive({ ...image, layers: [zst] }));
  const blobAt = archive.indexOf(zst.subarray(0, 64));
  expect(blobAt).toBeGreaterThan(0);
  // No skimmer for zstd: the scan's read is the only one served before the check's.
  const reads = await lateFileReads(page, 'image.tar', archive, blobAt, text, undefined, 1);
  // The places fall 70 MB of tar apart: the blob was asked for from the second, not its start.
  expect(reads.some((s) => s > blobAt + zst.length / 2 && s < blobAt + zst.length)).toBe(true);
});

test('a file at the end of a zstd-wrapped archive opens from a place its read noted, not by decoding it from its start', async ({
  page,
}) => {
  // `docker save | zstd` of one plain layer.
  const text = 'found past the last place of the zstd archive';
  const dir = scratchDir('strata-e2e-zstd-archive-');
  const layer = repeatsThen(dir, text);
  const archive = zstdOf(dir, legacyArchive(imageFrom([{ command: 'add files', layer }])));
  // The decoder's read is the only one served before the check's.
  const reads = await lateFileReads(page, 'image.tar.zst', archive, 0, text, undefined, 1);
  expect(reads.some((s) => s > archive.length / 2 && s < archive.length)).toBe(true);
});

test("a gzip layer of fixed codes only, where the scan can note no place, is walked by the skimmer, and a file at its end opens from the skimmer's places", async ({
  page,
}) => {
  // Text, through zlib's Z_FIXED strategy: no block has a header a block search can find (random
  // bytes would still be stored blocks, which it finds).
  const text = 'found by the walk from the start';
  const lines = new TextEncoder().encode(
    Array.from({ length: 600_000 }, (_, i) => `line ${i} of a layer that compresses\n`).join(''),
  );
  const tar = writeTar([
    { name: 'lines', data: lines },
    { name: 'late.txt', data: text },
  ]);
  const gz = gzipSync(tar, { strategy: constants.Z_FIXED });
  const image = imageFrom([{ command: 'add files', layer: tar }]);
  const archive = Buffer.from(legacyArchive({ ...image, layers: [gz] }));
  const blobAt = archive.indexOf(gz.subarray(0, 64));
  expect(blobAt).toBeGreaterThan(0);
  // The scan's read and the skimmer's are served, then the check's is held.
  const reads = await lateFileReads(page, 'image.tar', archive, blobAt, text);
  // Read from the skimmer's place 16 MiB into the tar, past the blob's middle.
  expect(reads.some((s) => s > blobAt + gz.length / 2 && s < blobAt + gz.length)).toBe(true);
});

test('the digest check keeps on disk no gzip layer the seek index serves whole, and keeps the others', async ({
  page,
}) => {
  // Two gzip layers: one of 20 MiB (indexed), one of 200 KiB (too small to index: kept).
  const text = 'opened from the index, not from a kept copy';
  const big = noiseThen(text);
  const small = writeTar([{ name: 'small', data: new Uint8Array(randomBytes(200 << 10)) }]);
  const image = imageFrom([
    { command: 'add the big one', layer: big },
    { command: 'add the small one', layer: small },
  ]);
  const file = join(scratchDir('strata-seek-'), 'two-gzip-layers.tar');
  writeFileSync(file, legacyArchive({ ...image, layers: [gzipSync(big), gzipSync(small)] }));
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(file);
  expect(await settled(page)).toBe('ready');
  await expect(page.locator('[data-verification="passed"]')).toBeVisible({ timeout: 30_000 });
  const kept = await keptLayers(page);
  // Only the small layer's tar is on disk.
  expect(kept.map((k) => k.size)).toEqual([small.length]);
  await page.getByRole('searchbox', { name: 'Filter paths' }).fill('/late.txt');
  await page.getByRole('button', { name: 'Next match' }).click();
  await expect(page.getByTestId('text-view')).toContainText(text);
});

test('files halfway through and at the end of a large gzip-wrapped archive open from places its read noted, not by decoding it from its start', async ({
  page,
}) => {
  // `docker save | gzip` of two plain layers, noise then a text each: one member of 128 MiB of tar.
  const layer = (noise: number, i: number, text: string) =>
    writeTar([
      { name: `noise-${i}`, data: new Uint8Array(randomBytes(noise << 20)) },
      { name: `late-${i}.txt`, data: text },
    ]);
  const texts = ['found from the end of the first layer', 'found from the end of the second'];
  const image = imageFrom([
    { command: 'add the first', layer: layer(72, 0, texts[0]!) },
    { command: 'add the second', layer: layer(56, 1, texts[1]!) },
  ]);
  const archive = gzipSync(legacyArchive(image), { level: 1 });
  await page.addInitScript(() =>
    Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => 2 }),
  );
  // The decoder reads the whole file; every later read of it from its start (the digest
  // check's) gets its first MiB and then nothing.
  let whole = 0;
  const starts: number[] = [];
  const server = await holdingRangeServer(
    archive,
    (start, end) => {
      starts.push(start);
      return start === 0 && end - start > 1024 && ++whole > 1;
    },
    1 << 20,
  );
  try {
    await page.goto(`/#url=${encodeURIComponent(`${server.url}/image.tar.gz`)}`);
    expect(await settled(page)).toBe('ready');
    await expect.poll(() => whole).toBeGreaterThan(1);
    // Nothing but the decoder and the check has read the file: no walk looked for places in it.
    expect(starts.filter((s) => s !== 0)).toEqual([]);
    // The second layer's file first, then the first layer's.
    for (const i of [1, 0]) {
      const before = starts.length;
      await page.getByRole('searchbox', { name: 'Filter paths' }).fill(`/late-${i}.txt`);
      // This filter's match, not the last one's ("1 of 1 match" once it was opened).
      await expect(page.locator('.match-count')).toHaveText('1 match');
      await page.getByRole('button', { name: 'Next match' }).click();
      await expect(page.getByTestId('text-view')).toContainText(texts[i]!);
      // Read from a place, not from the file's start: each text lies 56 MiB or more into the
      // stream (the layers' order in the archive goes by their ids), past the first place (32 MiB
      // of output; noise takes as many bytes compressed).
      expect(starts.slice(before).some((s) => s > 30 << 20)).toBe(true);
    }
  } finally {
    server.close();
  }
});
