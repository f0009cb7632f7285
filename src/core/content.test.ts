import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { countingSource } from '../testing/counting-source.ts';
import { imageFrom, legacyArchive } from '../testing/sample-image.ts';
import { scratchDir } from '../testing/scratch.ts';
import { writeTar } from '../testing/tar-writer.ts';
import { bytesSource, concatBytes } from './bytes.ts';
import { LayerContent, type LayerLocation } from './content.ts';
import { SeekIndexes, WHOLE_ARCHIVE } from './deflate/seek-index.ts';
import { scanLayer } from './layer/scan.ts';
import { readArchive } from './read-archive.ts';
import { PLACES_EVERY } from './zstd.ts';

describe('file content of a compressed layer', () => {
  // Random bytes do not compress: the gzip blob is as large as the file, 8 MiB.
  const body = randomBytes(8 << 20);
  const tar = writeTar([
    { name: 'small', data: 'first' },
    { name: 'big', data: body },
  ]);
  const blob = gzipSync(tar);
  const at: LayerLocation = { blobOffset: 0, blobSize: blob.length, outer: 'none', layer: 'gzip' };
  // 'small': header and one padded block; then the header of 'big', then its body.
  const dataOffset = 3 * 512;
  const page = 256 << 10;

  it('paging through a large file decompresses the layer once, not from its start for each page', async () => {
    expect(
      Buffer.from(tar.subarray(dataOffset, dataOffset + 16)).equals(body.subarray(0, 16)),
    ).toBe(true);
    const { source, read } = countingSource(blob);
    // Layers this large are not held in memory here: every read streams.
    const content = new LayerContent(source, 1 << 20);
    const pages: Uint8Array[] = [];
    for (let start = 0; start < body.length; start += page)
      pages.push(await content.read(at, 'layer', dataOffset, start, page));
    expect(Buffer.from(concatBytes(pages)).equals(body)).toBe(true);
    expect(read()).toBeLessThan(blob.length * 1.1);
  });

  it('going back to an earlier page starts again and still gives the right bytes', async () => {
    const content = new LayerContent(bytesSource(blob), 1 << 20);
    const late = await content.read(at, 'layer', dataOffset, 6 << 20, 16);
    const early = await content.read(at, 'layer', dataOffset, 1 << 20, 16);
    expect(Buffer.from(late).equals(body.subarray(6 << 20, (6 << 20) + 16))).toBe(true);
    expect(Buffer.from(early).equals(body.subarray(1 << 20, (1 << 20) + 16))).toBe(true);
  });

  it('a cancelled read rejects, and the next read still works', async () => {
    const content = new LayerContent(bytesSource(blob), 1 << 20);
    const stop = new AbortController();
    const cancelled = content.read(at, 'layer', dataOffset, 7 << 20, 16, stop.signal);
    stop.abort();
    await expect(cancelled).rejects.toThrow();
    const again = await content.read(at, 'layer', dataOffset, 7 << 20, 16);
    expect(Buffer.from(again).equals(body.subarray(7 << 20, (7 << 20) + 16))).toBe(true);
  });
});

describe('file content of a large zstd layer', () => {
  // 160 MB of tar, made by tar and zstd themselves: a 1 MiB random block over and over (zstd
  // finds the repeats, so the blob is small, while its window holds bytes a wrong place would
  // show), then a last file.
  const dir = scratchDir('strata-zstd-layer-');
  const block = randomBytes(1 << 20);
  writeFileSync(join(dir, 'big'), Buffer.concat(Array.from({ length: 160 }, () => block)));
  writeFileSync(join(dir, 'last'), 'the last file\n');
  execFileSync('tar', ['--format=ustar', '-C', dir, '-cf', join(dir, 'layer.tar'), 'big', 'last']);
  execFileSync('zstd', ['-q', '-3', join(dir, 'layer.tar'), '-o', join(dir, 'layer.tar.zst')]);
  const blob = new Uint8Array(readFileSync(join(dir, 'layer.tar.zst')));
  const at: LayerLocation = { blobOffset: 0, blobSize: blob.length, outer: 'none', layer: 'zstd' };

  it('is read from the place its scan noted before the file, not from the layer start', async () => {
    const scan = await scanLayer(bytesSource(blob).read(0), undefined, { seekWindows: true });
    const places = scan.zstdPlaces ?? [];
    // One every 64 MiB of output or more (a place of ~3 MB is worth 70 MB of output).
    expect(places.length).toBe(2);
    expect(places[0]!.output).toBeGreaterThanOrEqual(PLACES_EVERY);
    expect(places[1]!.output - places[0]!.output).toBeGreaterThanOrEqual(PLACES_EVERY);
    const last = scan.entries.get(1);
    expect(last.path).toBe('last');
    const seek = new SeekIndexes();
    seek.zstdKept('layer', places, blob.length);
    // Served whole: the digest check need not keep it on disk.
    expect(seek.wholeIndexes()).toEqual(['layer']);
    const { source, read } = countingSource(blob);
    const content = new LayerContent(source, 1 << 20, undefined, seek);
    const bytes = await content.read(at, 'layer', last.dataOffset, 0, last.size);
    expect(new TextDecoder().decode(bytes)).toBe('the last file\n');
    // Only the blob from the last place on was read.
    expect(read()).toBeLessThanOrEqual(blob.length - places[1]!.input);
    // A page of the big file before the first place: decoded from the start, the same bytes.
    const page = await new LayerContent(bytesSource(blob), 1 << 20, undefined, seek).read(
      at,
      'layer',
      512,
      (100 << 20) + 12345,
      4096,
    );
    const offset = ((100 << 20) + 12345) % (1 << 20);
    expect(Buffer.from(page).equals(block.subarray(offset, offset + 4096))).toBe(true);
  });

  it('of a zstd-wrapped archive is read from the place its read noted before the file', async () => {
    // `docker save | zstd` of an image made of that layer, uncompressed.
    const tar = readFileSync(join(dir, 'layer.tar'));
    const archive = legacyArchive(imageFrom([{ command: 'add files', layer: tar }]));
    writeFileSync(join(dir, 'image.tar'), archive);
    execFileSync('zstd', ['-q', '-3', join(dir, 'image.tar'), '-o', join(dir, 'image.tar.zst')]);
    const wrapped = new Uint8Array(readFileSync(join(dir, 'image.tar.zst')));
    const read = await readArchive(bytesSource(wrapped), { seekWindows: true });
    const places = read.outerPlaces ?? [];
    expect(places.length).toBe(2);
    const blob = read.index.entries.find(
      (e) => e.path === read.model.images[0]!.layers[0]!.blobPath,
    )!;
    const scan = read.scans.get(blob.path)!;
    const last = scan.entries.get(1);
    const seek = new SeekIndexes();
    seek.zstdKept(WHOLE_ARCHIVE, places, wrapped.length);
    const { source, read: bytesRead } = countingSource(wrapped);
    const content = new LayerContent(source, 1 << 20, undefined, seek);
    const at: LayerLocation = {
      blobOffset: blob.dataOffset,
      blobSize: blob.size,
      outer: 'zstd',
      layer: 'none',
    };
    const bytes = await content.read(at, blob.path, last.dataOffset, 0, last.size);
    expect(new TextDecoder().decode(bytes)).toBe('the last file\n');
    expect(bytesRead()).toBeLessThanOrEqual(wrapped.length - places[1]!.input);
  });
});
