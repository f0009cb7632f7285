import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { countingSource } from '../../testing/counting-source.ts';
import { writeTar } from '../../testing/tar-writer.ts';
import { bytesSource, concatBytes } from '../bytes.ts';
import { LayerContent, type LayerLocation } from '../content.ts';
import { scanLayer } from '../layer/scan.ts';
import { SeekIndexes, WHOLE_ARCHIVE } from './seek-index.ts';
import { DeflateSkimmer } from './skim.ts';
import { SEEK_EVERY, WindowKeeper } from './windows.ts';

describe('reading a file deep in a gzip layer from its seek index', () => {
  // Files of text and of random bytes (stored blocks), 40 MB of tar in all.
  const files = Array.from({ length: 40 }, (_, i) => ({
    name: `usr/share/f${i}`,
    data:
      i % 3 === 0
        ? randomBytes(1 << 20)
        : new TextEncoder().encode(`line ${i} of a layer\n`.repeat(50_000 + i)),
  }));
  const tar = writeTar(files);
  const blob = new Uint8Array(gzipSync(tar));
  // The blob sits in an archive, after 1,000 bytes of something else.
  const archive = concatBytes([new Uint8Array(1000), blob, new Uint8Array(5000)]);
  const at: LayerLocation = {
    blobOffset: 1000,
    blobSize: blob.length,
    outer: 'none',
    layer: 'gzip',
  };

  /** Each file's body offset in the tar, found by walking the headers the writer made. */
  const offsets: number[] = [];
  for (let at = 0, i = 0; i < files.length; i++) {
    offsets.push(at + 512 + (files[i]!.name.length > 100 ? 1024 : 0));
    at += 512 + Math.ceil(files[i]!.data.length / 512) * 512;
  }

  /** Where each place lies in the blob, by its output offset. */
  const placeBytes = new Map<number, number>();

  async function indexed(): Promise<SeekIndexes> {
    const scan = await scanLayer(bytesSource(blob).read(0), () => bytesSource(blob).read(0), {
      seekWindows: true,
    });
    expect(scan.seekWindows?.length).toBe(Math.floor((tar.length - 258) / SEEK_EVERY));
    const skimmer = new DeflateSkimmer(SEEK_EVERY);
    skimmer.push(blob);
    const index = skimmer.end()!;
    const indexes = new SeekIndexes();
    indexes.windowsKept('layer', scan.seekWindows!, SEEK_EVERY, blob.length);
    indexes.found('layer', index.points);
    indexes.ended('layer', index.endBit, index.size);
    for (const p of index.points) placeBytes.set(p.out, p.bit >> 3);
    return indexes;
  }

  it('every file reads the same as the tar holds, and one near the end reads little', async () => {
    const indexes = await indexed();
    for (const i of [39, 0, 20, 38, 5, 33]) {
      const { source, read } = countingSource(archive);
      const content = new LayerContent(source, 1 << 20, undefined, indexes);
      const body = await content.read(at, 'layer', offsets[i]!, 0, files[i]!.data.length);
      expect(Buffer.compare(body, files[i]!.data)).toBe(0);
      // From the place before the file's header, not from the layer's start.
      const place = indexes.placeBefore('layer', offsets[i]! - 512);
      const placeByte = place === undefined ? 0 : placeBytes.get(place)!;
      expect(read()).toBeLessThanOrEqual(blob.length - placeByte + (64 << 10));
      if (i === 39) expect(placeByte).toBeGreaterThan(blob.length / 2);
    }
  });

  it('files read one after another in any order, from places and from where the last read stopped', async () => {
    const content = new LayerContent(bytesSource(archive), 1 << 20, undefined, await indexed());
    for (const i of [39, 37, 38, 10, 39, 2, 25, 26, 30]) {
      const body = await content.read(at, 'layer', offsets[i]!, 0, files[i]!.data.length);
      expect(Buffer.compare(body, files[i]!.data), `file ${i}`).toBe(0);
    }
  });

  it('places still being found: a file past the last one is decoded from the last one', async () => {
    const all = await indexed();
    const scan = await scanLayer(bytesSource(blob).read(0), () => bytesSource(blob).read(0), {
      seekWindows: true,
    });
    const skimmer = new DeflateSkimmer(SEEK_EVERY);
    skimmer.push(blob.subarray(0, blob.length >> 1));
    const partial = new SeekIndexes();
    partial.windowsKept('layer', scan.seekWindows!, SEEK_EVERY, blob.length);
    partial.found('layer', skimmer.found);
    expect(skimmer.found.length).toBeGreaterThan(0);
    expect(skimmer.found.length).toBeLessThan(scan.seekWindows!.length);
    const content = new LayerContent(bytesSource(archive), 1 << 20, undefined, partial);
    const body = await content.read(at, 'layer', offsets[39]!, 0, files[39]!.data.length);
    expect(Buffer.compare(body, files[39]!.data)).toBe(0);
    expect(all.placeBefore('layer', offsets[39]!)).toBeGreaterThan(
      partial.placeBefore('layer', offsets[39]!)!,
    );
  });

  it('a place that does not decode is dropped and the file read from the start', async () => {
    const indexes = await indexed();
    // Damaged windows: what a read from a place gives is then wrong or fails; a wrong window
    // cannot be told here, so the places' bits are damaged instead, which fails to decode.
    const broken = new SeekIndexes();
    const scan = await scanLayer(bytesSource(blob).read(0), () => bytesSource(blob).read(0), {
      seekWindows: true,
    });
    broken.windowsKept('layer', scan.seekWindows!, SEEK_EVERY, blob.length);
    const skimmer = new DeflateSkimmer(SEEK_EVERY);
    skimmer.push(blob);
    skimmer.end();
    broken.found(
      'layer',
      skimmer.found.map((p) => ({ ...p, bit: p.bit + 3 })),
    );
    const content = new LayerContent(bytesSource(archive), 1 << 20, undefined, broken);
    const body = await content.read(at, 'layer', offsets[39]!, 0, files[39]!.data.length);
    expect(Buffer.compare(body, files[39]!.data)).toBe(0);
    expect(broken.placeBefore('layer', offsets[39]!)).toBeUndefined();
    expect(indexes.placeBefore('layer', offsets[39]!)).toBeDefined();
  });
});

describe('waiting for the skimmer', () => {
  const point = (out: number) => ({
    out,
    bit: 0,
    headerFrom: 0,
    headerTo: 3,
    storedLeft: 0,
    final: false,
  });

  it('a read past the last place waits until the skimmer passes it', async () => {
    vi.useFakeTimers();
    try {
      const indexes = new SeekIndexes();
      indexes.skimming('layer');
      let waited = false;
      const wait = indexes.near('layer', 30 << 20).then(() => {
        waited = true;
      });
      for (let j = 1; j <= 3; j++) {
        await vi.advanceTimersByTimeAsync(500);
        expect(waited).toBe(false);
        indexes.found('layer', [point(j * SEEK_EVERY)]);
      }
      // The third place (24 MiB) is within SEEK_EVERY of 30 MiB: the read goes on from there.
      await vi.advanceTimersByTimeAsync(0);
      await wait;
      expect(waited).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a skimmer silent for a second, or stopped, is no longer waited for', async () => {
    vi.useFakeTimers();
    try {
      const indexes = new SeekIndexes();
      indexes.skimming('quiet');
      indexes.skimming('stopped');
      let quiet = false;
      let stopped = false;
      void indexes.near('quiet', 100 << 20).then(() => {
        quiet = true;
      });
      void indexes.near('stopped', 100 << 20).then(() => {
        stopped = true;
      });
      await vi.advanceTimersByTimeAsync(900);
      expect([quiet, stopped]).toEqual([false, false]);
      indexes.ended('stopped', 800, 0);
      await vi.advanceTimersByTimeAsync(0);
      expect([quiet, stopped]).toEqual([false, true]);
      await vi.advanceTimersByTimeAsync(150);
      expect(quiet).toBe(true);
      // A layer no skimmer is on is not waited for at all.
      await new SeekIndexes().near('other', 1 << 30);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('reading a file of a gzip-wrapped archive from its seek index', () => {
  it('files deep in `docker save | gzip` read the same as the archive holds, from places near them', async () => {
    const files = Array.from({ length: 24 }, (_, i) => ({
      name: `f${i}`,
      data: i % 2 ? randomBytes(1 << 20) : new TextEncoder().encode(`${i} `.repeat(400_000)),
    }));
    const inner = writeTar(files);
    // The archive holds one layer blob, a plain tar, right after its header.
    const outer = writeTar([{ name: 'layer.tar', data: inner }]);
    const gzip = new Uint8Array(gzipSync(outer));
    const windows = new WindowKeeper();
    windows.see(new Uint8Array(gunzipSync(gzip)));
    const skimmer = new DeflateSkimmer(SEEK_EVERY);
    skimmer.push(gzip);
    const index = skimmer.end()!;
    const indexes = new SeekIndexes();
    indexes.windowsKept(WHOLE_ARCHIVE, windows.windows, SEEK_EVERY, gzip.length);
    indexes.found(WHOLE_ARCHIVE, index.points);
    indexes.ended(WHOLE_ARCHIVE, index.endBit, index.size);
    const at: LayerLocation = {
      blobOffset: 512,
      blobSize: inner.length,
      outer: 'gzip',
      layer: 'none',
    };
    let offset = 0;
    const offsets = files.map((f) => {
      const at = offset + 512;
      offset = at + Math.ceil(f.data.length / 512) * 512;
      return at;
    });
    for (const i of [23, 3, 17, 22]) {
      const { source, read } = countingSource(gzip);
      const content = new LayerContent(source, 1 << 20, undefined, indexes);
      const body = await content.read(at, 'layer.tar', offsets[i]!, 0, files[i]!.data.length);
      expect(Buffer.compare(body, files[i]!.data), `file ${i}`).toBe(0);
      // The last file lies past the third place (24 MiB in): far less than the archive is read.
      if (i === 23) expect(read()).toBeLessThan(gzip.length / 2);
    }
  });
});
