import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { countingSource } from '../testing/counting-source.ts';
import { writeTar } from '../testing/tar-writer.ts';
import { bytesSource, concatBytes } from './bytes.ts';
import { LayerContent, type LayerLocation } from './content.ts';

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
