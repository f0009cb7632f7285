import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect, type Page, test } from '@playwright/test';
import { imageFrom, legacyArchive } from '../src/testing/sample-image.ts';
import { scratchDir } from '../src/testing/scratch.ts';
import { writeTar } from '../src/testing/tar-writer.ts';
import {
  allowRangesFromAnyOrigin,
  fixture,
  holdingRangeServer,
  keptLayers,
  requestedRange,
  sendRange,
  settled,
} from './helpers.ts';

const ALPINE_GZIP = fixture('trivy__alpine-310.tar.gz'); // docker save | gzip
const OCI_GZIP = fixture('dive__test-oci-gzip-image.tar');

async function open(page: Page, file: string) {
  await page.getByTestId('file-input').setInputFiles(file);
  expect(await settled(page)).toBe('ready');
  await expect(page.locator('[data-verification="passed"]')).toBeVisible();
}

test('a file of a compressed archive is read from the layer kept on disk: the viewer shows the kept copy', async ({
  page,
}) => {
  await page.goto('/');
  await open(page, ALPINE_GZIP);
  // The scan's copy, and perhaps the digest check's, if it began before the scan's was marked whole.
  const kept = await keptLayers(page);
  expect(kept.length).toBeGreaterThan(0);
  // Alpine 3.10's one layer, decompressed: 5.8 MB of tar.
  for (const copy of kept) expect(copy.size).toBeGreaterThan(5e6);
  // Change the kept copies in place: what the viewer shows is then what was kept, not the archive.
  const change = (copy: { folder: string; file: string }) =>
    page.evaluate(async ({ folder, file }) => {
      const root = await navigator.storage.getDirectory();
      const handle = await (await root.getDirectoryHandle(folder)).getFileHandle(file);
      const text = new TextDecoder('latin1').decode(await (await handle.getFile()).arrayBuffer());
      const at = text.indexOf('NAME="Alpine Linux"');
      if (at < 0) return false;
      const writable = await handle.createWritable({ keepExistingData: true });
      await writable.write({ type: 'write', position: at, data: 'NAME="Alqine Linux"' });
      await writable.close();
      return true;
    }, copy);
  for (const copy of kept) expect(await change(copy)).toBe(true);
  await page.getByRole('searchbox', { name: 'Filter paths' }).fill('/etc/os-release');
  await page.getByRole('button', { name: 'Next match' }).click();
  await expect(page.getByTestId('text-view')).toContainText('NAME="Alqine Linux"');
});

test('a closed archive leaves no kept layers behind', async ({ page }) => {
  await page.goto('/');
  await open(page, OCI_GZIP);
  const first = await keptLayers(page);
  expect(first.length).toBeGreaterThan(0);
  await open(page, ALPINE_GZIP);
  await expect
    .poll(async () => (await keptLayers(page)).filter((k) => k.folder === first[0]!.folder))
    .toEqual([]);
  const now = await keptLayers(page);
  expect(now.length).toBeGreaterThan(0);
  expect(new Set(now.map((k) => k.folder)).size).toBe(1);
});

/**
 * A server that honours Range and answers the first read of a whole file, but holds every later
 * one open without a byte: the digest check's read never ends, nor would a read of a file's
 * content by decompressing the archive from its start.
 */
let server: Server;
let base = '';
let wholeReads = 0;
test.beforeAll(async () => {
  server = createServer((req, res) => {
    allowRangesFromAnyOrigin(res);
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    const bytes = readFileSync(fixture(decodeURIComponent((req.url ?? '').slice(1))));
    const { start, end } = requestedRange(req, bytes.length) ?? { start: 0, end: bytes.length };
    if (start === 0 && end === bytes.length && ++wholeReads > 1) return; // held
    sendRange(res, bytes, start, end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
test.afterAll(() => server.closeAllConnections());

test('with cores to spare, a file of a compressed archive opens from the layer kept during the scan, without reading the archive again', async ({
  page,
}) => {
  // The keeper runs beside the scan only on a machine with a core to spare (session.ts).
  await page.addInitScript(() =>
    Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => 8 }),
  );
  await page.goto(`/#url=${encodeURIComponent(`${base}/trivy__alpine-310.tar.gz`)}`);
  expect(await settled(page)).toBe('ready');
  // The digest check has asked for the whole file again, and is held.
  await expect.poll(() => wholeReads).toBe(2);
  await expect(page.locator('[data-verification="passed"]')).toHaveCount(0);
  await page.getByRole('searchbox', { name: 'Filter paths' }).fill('/etc/os-release');
  await page.getByRole('button', { name: 'Next match' }).click();
  await expect(page.getByTestId('text-view')).toContainText('NAME="Alpine Linux"');
  expect(wholeReads).toBe(2);
});

test('with cores to spare, the workers that scan compressed layers keep them as they scan', async ({
  page,
}) => {
  await page.addInitScript(() =>
    Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => 8 }),
  );
  // Three gzip layers of 1.5 MB of noise each: too large for the archive's index to hold, so each
  // is scanned by a worker of the pool.
  const noise = () => new Uint8Array(randomBytes(75_000));
  const tars = [0, 1, 2].map((n) =>
    writeTar(Array.from({ length: 20 }, (_, i) => ({ name: `l${n}/f${i}`, data: noise() }))),
  );
  const image = imageFrom(tars.map((layer, i) => ({ command: `step ${i}`, layer })));
  const file = join(scratchDir('strata-kept-'), 'gzip-layers.tar');
  writeFileSync(file, legacyArchive({ ...image, layers: tars.map((t) => gzipSync(t)) }));
  await page.goto('/');
  await open(page, file);
  // Every layer kept by the scan ("scan-…"), whole. (The first layer streams past while the
  // archive's index is read and goes to the keeper; the digest check may begin before the keeper
  // marks it whole and keep it again, as "check-…".)
  const kept = (await keptLayers(page)).filter((k) => k.file.startsWith('scan-'));
  expect(kept.map((k) => k.size).sort()).toEqual(tars.map((t) => t.length).sort());
});

test('a file in the part of a layer the digest check has kept so far opens from there, before the layer is kept whole', async ({
  page,
}) => {
  // Two cores, as on the machine this was measured on: no keeper beside the scan (session.ts).
  await page.addInitScript(() =>
    Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => 2 }),
  );
  // One gzip layer: a small text file, then 6 MiB of noise (it does not compress).
  const text = 'kept before the rest of the layer';
  const tar = writeTar([
    { name: 'early.txt', data: text },
    { name: 'noise', data: new Uint8Array(randomBytes(6 << 20)) },
  ]);
  const gz = gzipSync(tar);
  const image = imageFrom([{ command: 'add files', layer: tar }]);
  const archive = Buffer.from(legacyArchive({ ...image, layers: [gz] }));
  const blobAt = archive.indexOf(gz.subarray(0, 64));
  expect(blobAt).toBeGreaterThan(0);
  // The scan reads the layer's blob; every later read of its data gets its first 3 MiB and then
  // nothing: the digest check keeps the layer that far and waits, as would a read that
  // decompressed it. (The check may begin before the page says the image is shown; a look at the
  // blob's first bytes, to see what it is compressed with, decompresses nothing and is not held.)
  let dataReads = 0;
  let heldReads = 0;
  const layerServer = await holdingRangeServer(
    archive,
    (start, end) => {
      const held = start === blobAt && end - start > 1024 && ++dataReads > 1;
      if (held) heldReads++;
      return held;
    },
    3 << 20,
  );
  try {
    await page.goto(`/#url=${encodeURIComponent(`${layerServer.url}/image.tar`)}`);
    expect(await settled(page)).toBe('ready');
    await expect(page.locator('[data-verification="running"]')).toBeVisible();
    // The check's copy has the noise after the text on disk: more than 1 MiB of the layer written.
    await expect
      .poll(() =>
        page.evaluate(async () => {
          const root = await navigator.storage.getDirectory();
          for await (const [folder, handle] of root.entries()) {
            if (!folder.startsWith('strata-kept-') || handle.kind !== 'directory') continue;
            for await (const [file, fileHandle] of (handle as FileSystemDirectoryHandle).entries())
              if (file.startsWith('check-') && fileHandle.kind === 'file') {
                const bytes = new Uint8Array(
                  await (await (fileHandle as FileSystemFileHandle).getFile())
                    .slice((2 << 20) - 4096, 2 << 20)
                    .arrayBuffer(),
                );
                return bytes.some((b) => b !== 0);
              }
          }
          return false;
        }),
      )
      .toBe(true);
    // The digest check's read of the blob's data.
    const checkReads = heldReads;
    expect(checkReads).toBeGreaterThan(0);
    await page.getByRole('searchbox', { name: 'Filter paths' }).fill('/early.txt');
    await page.getByRole('button', { name: 'Next match' }).click();
    await expect(page.getByTestId('text-view')).toContainText(text);
    // Read from the kept part: the layer's blob was not asked for again.
    expect(heldReads).toBe(checkReads);
    await expect(page.locator('[data-verification="running"]')).toBeVisible();
  } finally {
    layerServer.close();
  }
});
