import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { countingSource } from '../../testing/counting-source.ts';
import { writeTar } from '../../testing/tar-writer.ts';
import { bytesSource, concatBytes } from '../bytes.ts';
import { LayerContent, type LayerLocation } from '../content.ts';
import { scanLayer } from '../layer/scan.ts';
import { SeekIndexes, WHOLE_ARCHIVE } from './seek-index.ts';
import { DeflateSkimmer } from './skim.ts';
import { decodedSize, skimSegment, type TailSegment } from './tail.ts';
import { SEEK_EVERY, WindowKeeper } from './windows.ts';

/**
 * `count` files under `dir`: every `noiseEvery`-th one 1 MiB of random bytes (stored blocks), the
 * others lines of text (about `lines` of them).
 */
function layerFiles(count: number, dir: string, noiseEvery: number, lines: number) {
  return Array.from({ length: count }, (_, i) => ({
    name: `${dir}/f${i}`,
    data:
      i % noiseEvery === 0
        ? randomBytes(1 << 20)
        : new TextEncoder().encode(`line ${i} of a layer\n`.repeat(lines + i)),
  }));
}

describe('reading a file deep in a gzip layer from its seek index', () => {
  // Files of text and of random bytes, 40 MB of tar in all.
  const files = layerFiles(40, 'usr/share', 3, 50_000);
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

describe('places found from the end of a gzip layer', () => {
  // 55 MB of tar: text files and random ones; the last file far from the start.
  const files = layerFiles(30, 'opt/app', 4, 100_000);
  const tar = writeTar(files);
  const blob = new Uint8Array(gzipSync(tar));
  const archive = concatBytes([new Uint8Array(700), blob]);
  const at: LayerLocation = {
    blobOffset: 700,
    blobSize: blob.length,
    outer: 'none',
    layer: 'gzip',
  };
  const lastOffset = tar.length - 1024 - Math.ceil(files[29]!.data.length / 512) * 512;

  /** The scan's windows, and the segments from the end as the tail worker finds them. */
  async function fromTheEnd(segment: number) {
    const scan = await scanLayer(bytesSource(blob).read(0), () => bytesSource(blob).read(0), {
      seekWindows: true,
    });
    const windows = scan.seekWindows!;
    const isize = new DataView(blob.buffer, blob.byteOffset + blob.length - 4).getUint32(0, true);
    const size = decodedSize(isize, windows.length, SEEK_EVERY);
    const segments: TailSegment[] = [];
    let stopAt: { bit: number; stored: boolean } | undefined;
    let endOut = size;
    for (let end = blob.length; end > 10; ) {
      const from = Math.max(10, end - segment);
      const found = skimSegment(blob.subarray(from, end), from, stopAt, endOut, SEEK_EVERY);
      if (!found) break;
      segments.push(found);
      stopAt = { bit: found.startBit, stored: found.stored };
      endOut = found.startOut;
      end = Math.ceil(found.startBit / 8) + 8;
    }
    return { windows, size, segments };
  }

  it('give the layer its size from the trailer, and serve a file near the end at once', async () => {
    const { windows, size, segments } = await fromTheEnd(3 << 20);
    expect(size).toBe(tar.length);
    expect(segments.length).toBeGreaterThan(1);
    const indexes = new SeekIndexes();
    indexes.windowsKept('layer', windows, SEEK_EVERY, blob.length);
    indexes.skimming('layer');
    // The skimmer from the start has found one place; the last file is 50 MB further on.
    const forward = new DeflateSkimmer(SEEK_EVERY);
    forward.push(blob.subarray(0, 2 << 20));
    indexes.found('layer', forward.found);
    for (const segment of segments)
      indexes.tailFound('layer', segment.points, segment.startOut, segments[0]!.endBit);
    await indexes.near('layer', lastOffset);
    const place = indexes.placeBefore('layer', lastOffset)!;
    expect(place).toBeGreaterThan(lastOffset - SEEK_EVERY - 258);
    const { source, read } = countingSource(archive);
    const content = new LayerContent(source, 1 << 20, undefined, indexes);
    const body = await content.read(at, 'layer', lastOffset, 0, files[29]!.data.length);
    expect(Buffer.compare(body, files[29]!.data)).toBe(0);
    expect(read()).toBeLessThan(blob.length / 3);
  });

  it('are dropped when the skimmer from the start finds a place otherwise', async () => {
    const { windows, segments } = await fromTheEnd(3 << 20);
    const forward = new DeflateSkimmer(SEEK_EVERY);
    forward.push(blob);
    forward.end();
    const agreeing = new SeekIndexes();
    const differing = new SeekIndexes();
    for (const indexes of [agreeing, differing]) {
      indexes.windowsKept('layer', windows, SEEK_EVERY, blob.length);
      indexes.skimming('layer');
      for (const segment of segments)
        indexes.tailFound('layer', segment.points, segment.startOut, segments[0]!.endBit);
    }
    // The skimmer from the start has got as far as the first place also found from the end.
    const shared = Math.min(...segments.flatMap((s) => s.points.map((p) => p.out)));
    const k = forward.found.findIndex((p) => p.out === shared);
    const own = forward.found.slice(0, k + 1);
    agreeing.found('layer', own);
    differing.found('layer', [...own.slice(0, -1), { ...own[k]!, bit: own[k]!.bit + 1 }]);
    // Found both ways, the same place: the rest found from the end serve; found otherwise, they
    // go, and only the skimmer's own serve.
    const end = forward.found.at(-1)!.out;
    expect(agreeing.placeBefore('layer', lastOffset)).toBe(end);
    expect(differing.placeBefore('layer', lastOffset)).toBe(shared);
  });

  it('make the index whole when the skimmer stops where they begin', async () => {
    const { windows, segments } = await fromTheEnd(3 << 20);
    const indexes = new SeekIndexes();
    indexes.windowsKept('layer', windows, SEEK_EVERY, blob.length);
    indexes.skimming('layer');
    for (const segment of segments)
      indexes.tailFound('layer', segment.points, segment.startOut, segments[0]!.endBit);
    const first = segments.at(-1)!;
    const forward = new DeflateSkimmer(SEEK_EVERY, {
      stopBit: first.startBit,
      stopStored: first.stored,
    });
    forward.push(blob);
    const met = forward.end()!;
    expect(forward.stopped).toBe(true);
    // The walk from the start reaches the first segment with the output the segments gave it.
    expect(met.size).toBe(first.startOut);
    indexes.found('layer', forward.found);
    indexes.joined('layer');
    expect(indexes.wholeIndexes()).toEqual(['layer']);
    const content = new LayerContent(bytesSource(archive), 1 << 20, undefined, indexes);
    for (const i of [29, 3, 17, 26]) {
      const offset =
        tar.length -
        1024 -
        files.slice(i).reduce((n, f) => n + 512 + Math.ceil(f.data.length / 512) * 512, 0) +
        512;
      const body = await content.read(at, 'layer', offset, 0, files[i]!.data.length);
      expect(Buffer.compare(body, files[i]!.data), `file ${i}`).toBe(0);
    }
  });
});

describe('a place taken for another', () => {
  it('is refused when what it decodes to is not what the scan saw there, and the read made again from the start', async () => {
    // One 20 MiB file: a read 17 MiB into it starts at the place 16 MiB in, past its header.
    const data = new Uint8Array(randomBytes(20 << 20));
    const tar = writeTar([{ name: 'big', data }]);
    const blob = new Uint8Array(gzipSync(tar, { level: 1 }));
    const scan = await scanLayer(bytesSource(blob).read(0), () => bytesSource(blob).read(0), {
      seekWindows: true,
    });
    const skimmer = new DeflateSkimmer(SEEK_EVERY);
    skimmer.push(blob);
    const index = skimmer.end()!;
    const at: LayerLocation = {
      blobOffset: 0,
      blobSize: blob.length,
      outer: 'none',
      layer: 'gzip',
    };
    const read = async (indexes: SeekIndexes) => {
      const content = new LayerContent(bytesSource(blob), 1 << 20, undefined, indexes);
      return content.read(at, 'layer', 512, 17 << 20, 1000);
    };
    for (const shift of [0, 100]) {
      const indexes = new SeekIndexes();
      indexes.windowsKept('layer', scan.seekWindows!, SEEK_EVERY, blob.length);
      // Its bits are right, its output is not (as a member's size misread would make it).
      indexes.found(
        'layer',
        index.points.map((p) => ({ ...p, out: p.out + shift })),
      );
      indexes.ended('layer', index.endBit, index.size);
      const body = await read(indexes);
      expect(Buffer.compare(body, data.subarray(17 << 20, (17 << 20) + 1000))).toBe(0);
      // Right, the place serves on; taken for another, it is dropped.
      expect(indexes.placeBefore('layer', 17 << 20) === undefined).toBe(shift !== 0);
    }
  });
});

describe('waiting for the skimmer', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const point = (out: number) => ({
    out,
    bit: 0,
    headerFrom: 0,
    headerTo: 3,
    storedLeft: 0,
    final: false,
  });

  it('a read past the last place waits until the skimmer passes it', async () => {
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
  });

  it('a skimmer silent for a second, or stopped, is no longer waited for', async () => {
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
  });

  it('a read that waits says so once, with how far the walks have come, and when it is over', async () => {
    const indexes = new SeekIndexes();
    const told: unknown[] = [];
    indexes.onWait = (key, offset, reached) => {
      told.push(['waits', key, offset, reached]);
      return () => told.push(['over', key]);
    };
    indexes.skimming('layer');
    indexes.found('layer', [point(SEEK_EVERY)]);
    const wait = indexes.near('layer', 60 << 20);
    await vi.advanceTimersByTimeAsync(500);
    indexes.found('layer', [point(2 * SEEK_EVERY)]);
    await vi.advanceTimersByTimeAsync(0);
    // Nothing came from the end: Infinity there.
    expect(told).toEqual([['waits', 'layer', 60 << 20, { start: SEEK_EVERY, end: Infinity }]]);
    indexes.found('layer', [point(7 * SEEK_EVERY)]);
    await wait;
    expect(told.at(-1)).toEqual(['over', 'layer']);
    expect(told).toHaveLength(2);
    // A read that need not wait says nothing.
    await indexes.near('layer', 7 * SEEK_EVERY + 5);
    expect(told).toHaveLength(2);
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
