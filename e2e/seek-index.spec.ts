import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { imageFrom, legacyArchive } from '../src/testing/sample-image.ts';
import { scratchDir } from '../src/testing/scratch.ts';
import { writeTar } from '../src/testing/tar-writer.ts';
import {
  allowRangesFromAnyOrigin,
  keptLayers,
  requestedRange,
  sendRange,
  settled,
} from './helpers.ts';

test('a file at the end of a large gzip layer opens from the seek index, not by decoding the layer from its start', async ({
  page,
}) => {
  // Two cores, as on the machine this was measured on.
  await page.addInitScript(() =>
    Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => 2 }),
  );
  // One gzip layer: 20 MiB of noise (it does not compress), then a small text file. Places to
  // resume from fall every 8 MiB of the tar; the text lies past the second.
  const text = 'found past the last place';
  const tar = writeTar([
    { name: 'noise', data: new Uint8Array(randomBytes(20 << 20)) },
    { name: 'late.txt', data: text },
  ]);
  const gz = gzipSync(tar);
  const image = imageFrom([{ command: 'add files', layer: tar }]);
  const archive = Buffer.from(legacyArchive({ ...image, layers: [gz] }));
  const blobAt = archive.indexOf(gz.subarray(0, 64));
  expect(blobAt).toBeGreaterThan(0);
  // The first two reads of the whole blob (the scan's, then the skimmer's) are served; later ones
  // (the digest check, which would keep the layer on disk) are held.
  let shown = false;
  let fromStart = 0;
  const starts: number[] = [];
  const server = createServer((req, res) => {
    allowRangesFromAnyOrigin(res);
    // Every read reaches the server (the browser's cache would answer a range it has seen).
    res.setHeader('Cache-Control', 'no-store');
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    const { start, end } = requestedRange(req, archive.length) ?? {
      start: 0,
      end: archive.length,
    };
    if (shown) starts.push(start);
    if (start !== blobAt || end - start <= 1024 || ++fromStart <= 2)
      return sendRange(res, archive, start, end);
    res.writeHead(206, {
      'Content-Range': `bytes ${start}-${end - 1}/${archive.length}`,
      'Content-Length': end - start,
    });
    res.write(archive.subarray(start, start + (1 << 20))); // and no more
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    await page.goto(`/#url=${encodeURIComponent(`http://127.0.0.1:${port}/image.tar`)}`);
    expect(await settled(page)).toBe('ready');
    shown = true;
    // The check starts once the skimmer is done, and is then held.
    await expect(page.locator('[data-verification="running"]')).toBeVisible({ timeout: 20_000 });
    await expect.poll(() => fromStart).toBeGreaterThan(2);
    const before = starts.length;
    await page.getByRole('searchbox', { name: 'Filter paths' }).fill('/late.txt');
    await page.getByRole('button', { name: 'Next match' }).click();
    await expect(page.getByTestId('text-view')).toContainText(text);
    // Read from the place 16 MiB into the tar: the blob was asked for from there, not its start.
    const reads = starts.slice(before);
    // (The check's own reads from the blob's start may come meanwhile; a read of the file from
    // there would be held, and the text never shown.)
    expect(reads.some((s) => s > blobAt + (12 << 20) && s < blobAt + gz.length)).toBe(true);
    await expect(page.locator('[data-verification="running"]')).toBeVisible();
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test("a file at the end of a gzip-wrapped archive opens from the archive's seek index, not by decoding it from its start", async ({
  page,
}) => {
  await page.addInitScript(() =>
    Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => 2 }),
  );
  // `docker save | gzip` of one plain layer: 20 MiB of noise, then a small text file.
  const text = 'found past the last place of the archive';
  const tar = writeTar([
    { name: 'noise', data: new Uint8Array(randomBytes(20 << 20)) },
    { name: 'late.txt', data: text },
  ]);
  const archive = gzipSync(legacyArchive(imageFrom([{ command: 'add files', layer: tar }])));
  // The first two reads of the whole file (the scan's, then the skimmer's) are served; later
  // ones (the digest check's) get their first MiB and then nothing.
  let whole = 0;
  const starts: number[] = [];
  const server = createServer((req, res) => {
    allowRangesFromAnyOrigin(res);
    res.setHeader('Cache-Control', 'no-store');
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    const { start, end } = requestedRange(req, archive.length) ?? {
      start: 0,
      end: archive.length,
    };
    starts.push(start);
    if (start !== 0 || end - start <= 1024 || ++whole <= 2)
      return sendRange(res, archive, start, end);
    res.writeHead(206, {
      'Content-Range': `bytes ${start}-${end - 1}/${archive.length}`,
      'Content-Length': end - start,
    });
    res.write(archive.subarray(start, start + (1 << 20)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    await page.goto(`/#url=${encodeURIComponent(`http://127.0.0.1:${port}/image.tar.gz`)}`);
    expect(await settled(page)).toBe('ready');
    await expect(page.locator('[data-verification="running"]')).toBeVisible({ timeout: 20_000 });
    await expect.poll(() => whole).toBeGreaterThan(2);
    const before = starts.length;
    await page.getByRole('searchbox', { name: 'Filter paths' }).fill('/late.txt');
    await page.getByRole('button', { name: 'Next match' }).click();
    await expect(page.getByTestId('text-view')).toContainText(text);
    // Read from a place 16 MiB into the archive's stream, not from the file's start.
    const reads = starts.slice(before);
    expect(reads.some((s) => s > 12 << 20)).toBe(true);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test('the digest check keeps on disk no gzip layer the seek index serves whole, and keeps the others', async ({
  page,
}) => {
  // Two gzip layers: one of 20 MiB (indexed), one of 200 KiB (too small to index: kept).
  const text = 'opened from the index, not from a kept copy';
  const big = writeTar([
    { name: 'noise', data: new Uint8Array(randomBytes(20 << 20)) },
    { name: 'late.txt', data: text },
  ]);
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
