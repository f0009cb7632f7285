import { randomBytes } from 'node:crypto';
import { constants, gunzipSync, gzipSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fixtureBytes } from '../../testing/fixtures.ts';
import { bytesSource } from '../bytes.ts';
import { readArchive } from '../read-archive.ts';
import { resumedDeflate, WINDOW } from './resume.ts';
import { type DeflateIndex, DeflateSkimmer } from './skim.ts';

/** Skims `gzip` in pieces of `piece` bytes. */
function skim(gzip: Uint8Array, every: number, piece = 65536): DeflateIndex | undefined {
  const skimmer = new DeflateSkimmer(every);
  for (let at = 0; at < gzip.length; at += piece) skimmer.push(gzip.subarray(at, at + piece));
  return skimmer.end();
}

async function* pieces(bytes: Uint8Array, from: number, to: number, piece: number) {
  for (let at = from; at < to; at += piece) yield bytes.subarray(at, Math.min(to, at + piece));
}

/** Decodes from every place with zlib's own inflater and compares with the whole output. */
async function expectEveryPlaceResumes(gzip: Uint8Array, every: number, piece = 65536) {
  const whole = new Uint8Array(gunzipSync(gzip));
  const index = skim(gzip, every, piece)!;
  expect(index).toBeDefined();
  expect(index.size).toBe(whole.length);
  expect(index.points.length).toBeGreaterThanOrEqual(Math.floor(whole.length / every) - 1);
  for (const point of index.points) {
    // Every place is at or just past its due offset (a match may straddle it).
    expect(point.out % every).toBeLessThan(258);
    const window = whole.subarray(Math.max(0, point.out - WINDOW), point.out);
    const parts: Uint8Array[] = [];
    for await (const part of resumedDeflate(
      point,
      window,
      (from, to) => pieces(gzip, from, to, 7919),
      index.endBit,
    ))
      parts.push(part);
    const decoded = new Uint8Array(inflateRawSync(Buffer.concat(parts)));
    expect(decoded.length - window.length).toBe(whole.length - point.out);
    expect(Buffer.compare(decoded.subarray(window.length), whole.subarray(point.out))).toBe(0);
  }
  return index;
}

/** Text-like data: words repeated with variation, so that matches of every length occur. */
function textLike(length: number, seed = 1): Uint8Array {
  const words = ['layer', 'whiteout', 'opaque', 'usr/lib/', 'sha256:', '\n', ' ', 'etc', '0123'];
  const out = new Uint8Array(length);
  let x = seed;
  for (let at = 0; at < length; ) {
    x = (x * 1103515245 + 12345) >>> 0;
    const word = words[x % words.length]!;
    for (let i = 0; i < word.length && at < length; i++) out[at++] = word.charCodeAt(i);
    if (x % 7 === 0 && at < length) out[at++] = x & 255;
  }
  return out;
}

describe('deflate places to resume from', () => {
  it('resume from every place of dynamic Huffman blocks (zlib levels 1, 6 and 9)', async () => {
    // Every bit position within a byte is met, so every run of empty blocks is decoded.
    const residues = new Set<number>();
    for (const [level, seed] of [
      [6, 1],
      [1, 2],
      [9, 3],
      [6, 4],
    ] as const) {
      const gzip = new Uint8Array(gzipSync(textLike(1_500_000, seed), { level }));
      const index = await expectEveryPlaceResumes(gzip, 7_001);
      for (const p of index.points) residues.add((p.bit - (p.headerTo - p.headerFrom)) % 8);
    }
    expect(residues.size).toBe(8);
  });

  it('resume from every place of fixed Huffman blocks (Z_FIXED)', async () => {
    const gzip = gzipSync(textLike(1_000_000, 7), { strategy: constants.Z_FIXED });
    await expectEveryPlaceResumes(new Uint8Array(gzip), 50_000);
  });

  it('resume from places inside stored blocks (level 0, and incompressible data)', async () => {
    await expectEveryPlaceResumes(
      new Uint8Array(gzipSync(textLike(500_000), { level: 0 })),
      30_001,
    );
    const mixed = Buffer.concat([randomBytes(300_000), textLike(300_000), randomBytes(200_000)]);
    await expectEveryPlaceResumes(new Uint8Array(gzipSync(mixed)), 40_000);
  });

  it('the same places whatever the pieces the blob comes in', async () => {
    const gzip = new Uint8Array(gzipSync(textLike(400_000, 3)));
    const whole = skim(gzip, 20_000, 1 << 20);
    for (const piece of [1, 3, 512, 4099]) expect(skim(gzip, 20_000, piece)).toEqual(whole);
    await expectEveryPlaceResumes(gzip, 20_000, 13);
  });

  it('places past 256 MiB of compressed data, whose bit offsets pass 2^31', async () => {
    const gzip = new Uint8Array(gzipSync(textLike(300_000, 5)));
    const whole = new Uint8Array(gunzipSync(gzip));
    const index = skim(gzip, 25_000)!;
    // The same member as if it lay 600 MiB into a blob: only the offsets change.
    const far = 600 << 20;
    const moved = (bit: number) => (bit < 0 ? bit : bit + far * 8);
    for (const point of index.points) {
      const window = whole.subarray(Math.max(0, point.out - WINDOW), point.out);
      const parts: Uint8Array[] = [];
      const shifted = {
        ...point,
        bit: moved(point.bit),
        headerFrom: moved(point.headerFrom),
        headerTo: moved(point.headerTo),
      };
      for await (const part of resumedDeflate(
        shifted,
        window,
        (from, to) => pieces(gzip, from - far, to - far, 4096),
        moved(index.endBit),
      ))
        parts.push(part);
      const decoded = new Uint8Array(inflateRawSync(Buffer.concat(parts)));
      expect(Buffer.compare(decoded.subarray(window.length), whole.subarray(point.out))).toBe(0);
    }
  });

  it('a member with a file name and comment in its header (FNAME, FCOMMENT, FEXTRA)', async () => {
    const plain = new Uint8Array(gzipSync(textLike(200_000)));
    const extra = Uint8Array.of(4, 0, 1, 2, 3, 4);
    const name = new TextEncoder().encode('layer.tar\0a comment\0');
    const gzip = new Uint8Array(plain.length + extra.length + name.length);
    gzip.set(plain.subarray(0, 10));
    gzip[3] = 4 | 8 | 16;
    gzip.set(extra, 10);
    gzip.set(name, 10 + extra.length);
    gzip.set(plain.subarray(10), 10 + extra.length + name.length);
    await expectEveryPlaceResumes(gzip, 25_000);
  });

  it('no index for two members, a cut stream or damaged data', () => {
    const one = new Uint8Array(gzipSync(textLike(100_000)));
    const two = new Uint8Array(one.length * 2);
    two.set(one);
    two.set(one, one.length);
    expect(() => skim(two, 10_000)).toThrow(/more than one gzip member/);
    // Also when the second member comes in a piece of its own.
    const pieces = new DeflateSkimmer(10_000);
    pieces.push(one);
    expect(() => pieces.push(one)).toThrow(/more than one gzip member/);
    expect(skim(one.subarray(0, one.length - 100), 10_000)).toBeUndefined();
    // Damage shows as an error or as a size other than the member's (checked against the scan's).
    const damaged = one.slice();
    damaged.fill(0xff, 1000, 1100);
    let size: number | undefined;
    try {
      size = skim(damaged, 10_000)?.size;
    } catch {
      size = undefined;
    }
    expect(size).not.toBe(100_000);
  });

  it('damaged data of every kind ends the walk, with places or with an error, never in a loop', () => {
    const good = new Uint8Array(gzipSync(textLike(200_000, 9)));
    let x = 7;
    const random = () => {
      x = (x * 1103515245 + 12345) >>> 0;
      return x;
    };
    let ended = 0;
    for (let round = 0; round < 300; round++) {
      const bad = good.slice();
      for (let n = 1 + (random() % 8); n > 0; n--)
        bad[10 + (random() % (bad.length - 10))] = random() & 255;
      try {
        skim(bad, 10_000, 1 + (random() % 5000));
      } catch {
        // a clear error is one of the two endings
      }
      ended++;
    }
    expect(ended).toBe(300);
  });

  it('resume from every place of the real gzip layers of an OCI image (dive fixture)', async () => {
    const read = await readArchive(bytesSource(fixtureBytes('dive__test-oci-gzip-image.tar')));
    let layers = 0;
    for (const entry of read.index.entries) {
      const body = read.index.body(entry.path);
      if (body?.[0] !== 0x1f || body[1] !== 0x8b) continue;
      await expectEveryPlaceResumes(body, 4096);
      layers++;
    }
    expect(layers).toBeGreaterThan(0);
  });
});
