import { randomBytes } from 'node:crypto';
import { constants, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../bytes.ts';
import { gunzipNoting, type NotedPlace } from './noted-places.ts';

/**
 * Node's DecompressionStream hands its output over later than a browser's, so where the places
 * fall is checked in Chromium (e2e/seek-index.spec.ts); here, what the decoding gives and does.
 */

/** 24 MiB of lines of text and random runs (dynamic and stored blocks). */
const plain = concatBytes(
  Array.from({ length: 24 }, (_, i) =>
    i % 4 === 0
      ? new Uint8Array(randomBytes(1 << 20))
      : new TextEncoder().encode(`line ${i} of a layer, some text\n`.repeat(34_000)),
  ),
);
const gz = new Uint8Array(gzipSync(plain));

async function* inChunks(bytes: Uint8Array, size: number) {
  for (let at = 0; at < bytes.length; at += size) yield bytes.slice(at, at + size);
}

async function decoded(chunks: AsyncIterable<Uint8Array>, places: NotedPlace[], lost: number[]) {
  const out: Uint8Array[] = [];
  for await (const chunk of gunzipNoting(chunks, {
    every: 2 << 20,
    found: (place) => places.push(place),
    lost: () => lost.push(places.length),
  }))
    out.push(chunk);
  return concatBytes(out);
}

describe('decoding gzip while noting places', () => {
  it('gives every byte once, whatever the input chunks, while it holds input back to look for places', async () => {
    for (const size of [1000, 64 << 10, 1 << 20, 3 << 20]) {
      const places: NotedPlace[] = [];
      const out = await decoded(inChunks(gz, size), places, []);
      expect(out.length).toBe(plain.length);
      expect(Buffer.compare(out, plain)).toBe(0);
      // A place about every 2 MiB of output, in order, each with its window.
      expect(places.length).toBeGreaterThanOrEqual(8);
      for (let i = 1; i < places.length; i++)
        expect(places[i]!.point.out).toBeGreaterThan(places[i - 1]!.point.out);
      for (const place of places) expect(place.before.length).toBe(32768);
    }
  });

  it('says its places are lost when the data is not one sound member, and fails as the decoder does', async () => {
    const lost: number[] = [];
    const junk = concatBytes([gz, new Uint8Array(randomBytes(4096))]);
    await expect(decoded(inChunks(junk, 64 << 10), [], lost)).rejects.toThrow();
    expect(lost.length).toBe(1);
  });

  it('gives its places up in data where it finds no block (fixed codes only), and still gives every byte', async () => {
    const lines = Array.from({ length: 2_000_000 }, (_, i) => `line ${i} of a layer\n`);
    const text = new TextEncoder().encode(lines.join(''));
    const fixed = new Uint8Array(gzipSync(text, { strategy: constants.Z_FIXED }));
    const lost: number[] = [];
    const out = await decoded(inChunks(fixed, 64 << 10), [], lost);
    expect(Buffer.compare(out, text)).toBe(0);
    expect(lost.length).toBe(1);
  });
});
