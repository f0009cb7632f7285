import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fixtureBytes } from '../../testing/fixtures.ts';
import { bytesSource } from '../bytes.ts';
import { readArchive } from '../read-archive.ts';
import { findBlockStart } from './find-block.ts';
import { type DeflatePoint, DeflateSkimmer } from './skim.ts';
import { decodedSize, skimSegment } from './tail.ts';

/**
 * Letters with copies of earlier runs, about as compressible as text: many literals and matches,
 * so zlib makes a block every few kilobytes of output.
 */
function textLike(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  const next = () => {
    // xorshift32: an LCG's low bits repeat too soon, and zlib would find the repeats.
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  for (let at = 0; at < length; ) {
    const r = next();
    if (r % 6 === 0 && at > 40_000) {
      const from = at - 1 - (next() % 30_000);
      for (let n = 4 + (next() % 9); n > 0 && at < length; n--) out[at++] = out[from + n]!;
    } else out[at++] = 97 + (r % 26);
  }
  return out;
}

/** The walk from the start: its places, and where every block starts. */
function forward(gzip: Uint8Array, every: number) {
  const skimmer = new DeflateSkimmer(every, { blockStarts: true });
  skimmer.push(gzip);
  const index = skimmer.end()!;
  const starts = new Set<number>();
  for (let i = 0; i < skimmer.blockStarts!.length; i += 2) starts.add(skimmer.blockStarts![i]!);
  return { index, starts };
}

/**
 * Whether `bit` starts a block of `gzip`: one of `starts`, or the three zero bits of a stored
 * block's header found before the real ones, which lead to the same byte and so decode the same.
 */
function startsBlock(gzip: Uint8Array, starts: Set<number>, bit: number): boolean {
  if (starts.has(bit)) return true;
  const first = ((gzip[bit >> 3]! | (gzip[(bit >> 3) + 1]! << 8)) >> (bit & 7)) & 7;
  const aligned = (b: number) => Math.ceil((b + 3) / 8);
  return first === 0 && [...starts].some((s) => aligned(s) === aligned(bit) && s > bit);
}

/** The segments from the end backwards, `segment` bytes each, as the tail skimmer walks them. */
function fromTheEnd(gzip: Uint8Array, size: number, every: number, segment: number) {
  const points: DeflatePoint[] = [];
  const startBits: number[] = [];
  let stopAt: { bit: number; stored: boolean } | undefined;
  let endOut = size;
  let segEnd = gzip.length;
  while (segEnd > 10) {
    const segFrom = Math.max(10, segEnd - segment);
    const found = skimSegment(gzip.subarray(segFrom, segEnd), segFrom, stopAt, endOut, every);
    if (!found) break;
    points.unshift(...found.points);
    startBits.push(found.startBit);
    stopAt = { bit: found.startBit, stored: found.stored };
    endOut = found.startOut;
    segEnd = Math.ceil(found.startBit / 8) + 8;
  }
  return { points, startBits, reached: endOut };
}

describe('places found from the end of a gzip member', () => {
  it('are the very places the walk from the start finds (zlib levels 1, 6 and 9)', () => {
    for (const [level, seed] of [
      [6, 1],
      [1, 2],
      [9, 3],
    ] as const) {
      const data = textLike(3_000_000, seed);
      const gzip = new Uint8Array(gzipSync(data, { level }));
      const every = 20_011;
      const { index, starts } = forward(gzip, every);
      const tail = fromTheEnd(gzip, data.length, every, 150_000);
      // Every segment starts where a block does, and the segments reach far back.
      for (const bit of tail.startBits) expect(startsBlock(gzip, starts, bit)).toBe(true);
      expect(tail.reached).toBeLessThan(data.length / 4);
      const byOut = new Map(index.points.map((p) => [p.out, p]));
      expect(tail.points.length).toBeGreaterThan(0.6 * index.points.length);
      for (const point of tail.points) expect(point).toEqual(byOut.get(point.out));
    }
  });

  it('find the stored blocks of data that does not compress', () => {
    const data = Buffer.concat([randomBytes(400_000), Buffer.from(textLike(400_000, 5))]);
    const gzip = new Uint8Array(gzipSync(data, { level: 6 }));
    const every = 30_011;
    const { index } = forward(gzip, every);
    const tail = fromTheEnd(gzip, data.length, every, 100_000);
    const byOut = new Map(index.points.map((p) => [p.out, p]));
    expect(tail.points.some((p) => p.headerFrom < 0)).toBe(true);
    for (const point of tail.points) expect(point).toEqual(byOut.get(point.out));
  });

  it('are those of real gzip layers made by other tools', async () => {
    let checked = 0;
    for (const name of [
      'snyk__containerd-archives__alpine.tar',
      'snyk__docker-archives__skopeo-copy__node-removed.tar',
    ]) {
      const bytes = await fixtureBytes(name);
      const read = await readArchive(bytesSource(bytes));
      for (const entry of read.index.entries) {
        const blob = bytes.subarray(entry.dataOffset, entry.dataOffset + entry.size);
        if (blob[0] !== 0x1f || blob[1] !== 0x8b || blob.length < 500_000) continue;
        const size = gunzipSync(blob).length;
        const every = 65_521;
        const { index, starts } = forward(blob, every);
        const tail = fromTheEnd(blob, size, every, 120_000);
        for (const bit of tail.startBits) expect(startsBlock(blob, starts, bit)).toBe(true);
        expect(tail.reached).toBeLessThan(size / 3);
        const byOut = new Map(index.points.map((p) => [p.out, p]));
        for (const point of tail.points) expect(point).toEqual(byOut.get(point.out));
        checked += tail.points.length;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('find only real block starts, wherever the search begins', () => {
    const gzip = new Uint8Array(gzipSync(textLike(2_000_000, 9), { level: 6 }));
    const { starts } = forward(gzip, 1 << 30);
    let found = 0;
    for (let from = 100; from < gzip.length * 8 - 200_000; from += 77_777) {
      const bit = findBlockStart(gzip, from, from + 400_000);
      if (bit < 0) continue;
      expect(startsBlock(gzip, starts, bit)).toBe(true);
      // And the first one after `from`: no real start was passed over.
      for (const start of starts) if (start >= from && start < bit) expect.fail(`passed ${start}`);
      found++;
    }
    expect(found).toBeGreaterThan(10);
  });

  it('find nothing in bytes that are not deflate data', () => {
    const noise = new Uint8Array(randomBytes(300_000));
    expect(findBlockStart(noise, 0, noise.length * 8)).toBe(-1);
  });

  it('take the size beyond 4 GiB from the trailer and the windows kept', () => {
    const every = 8 << 20;
    for (const size of [20_000_000, 2 ** 32 + 12_345, 3 * 2 ** 32 - 5, 9 * 2 ** 32 + every * 3]) {
      const kept = Math.floor((size - 258) / every);
      expect(decodedSize(size % 2 ** 32, kept, every)).toBe(size);
    }
  });
});
