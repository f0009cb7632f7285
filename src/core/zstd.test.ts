import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureBytes } from '../testing/fixtures.ts';
import { zstdFrame } from '../testing/hostile.ts';
import { pathsOf } from '../testing/layers.ts';
import { scratchDir } from '../testing/scratch.ts';
import { writeTar } from '../testing/tar-writer.ts';
import { bytesSource, concatBytes } from './bytes.ts';
import { scanLayer } from './layer/scan.ts';
import { type ZstdPlace, zstdDecode } from './zstd.ts';

/** The zstd layer blob of dive's OCI zstd fixture: the tar body that starts with zstd's magic. */
function realZstdLayer(): Uint8Array {
  const archive = fixtureBytes('dive__test-oci-zstd-image.tar');
  for (let at = 0; at + 1024 <= archive.length; at += 512) {
    const body = archive.subarray(at + 512);
    if (body[0] === 0x28 && body[1] === 0xb5 && body[2] === 0x2f && body[3] === 0xfd) {
      const size = Number.parseInt(
        new TextDecoder().decode(archive.subarray(at + 124, at + 136)).replace(/\0.*$/, ''),
        8,
      );
      return body.subarray(0, size);
    }
  }
  throw new Error('no zstd layer in the fixture');
}

async function decodeAll(blob: Uint8Array, chunkSize: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const part of zstdDecode(bytesSource(blob, chunkSize).read(0))) parts.push(part);
  return concatBytes(parts);
}

/** `file` through the zstd command, with `args`. */
function zstdOf(file: string, ...args: string[]): Uint8Array {
  return new Uint8Array(execFileSync('zstd', ['-q', '-c', ...args, file], { maxBuffer: 1 << 28 }));
}

/** `blob` decoded whole in chunks of `chunkSize`, places taken as `taking` says. */
async function decodedTaking(
  blob: Uint8Array,
  chunkSize: number,
  taking: { every: number; budget: number; spacing?: number },
): Promise<{ whole: Uint8Array; places: ZstdPlace[] }> {
  const places: ZstdPlace[] = [];
  const parts: Uint8Array[] = [];
  for await (const part of zstdDecode(bytesSource(blob, chunkSize).read(0), {
    places: { ...taking, found: (p) => places.push(p) },
  }))
    parts.push(part);
  return { whole: concatBytes(parts), places };
}

/** What a decode of `blob` resumed at `place`, in a new instance, gives. */
async function resumedAt(blob: Uint8Array, place: ZstdPlace): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const part of zstdDecode(bytesSource(blob, 65_536).read(place.input), {
    from: place,
  }))
    parts.push(part);
  return concatBytes(parts);
}

describe('zstd through WebAssembly', () => {
  it('decodes a real layer to the same tar whatever the input chunk size', async () => {
    const blob = realZstdLayer();
    const whole = await decodeAll(blob, 1 << 20);
    const small = await decodeAll(blob, 7);
    expect(small).toEqual(whole);
    const scan = await scanLayer(bytesSource(whole).read(0), undefined);
    expect(scan.error).toBeUndefined();
    expect(scan.entries.length).toBeGreaterThan(0);
    expect(pathsOf(scan.entries)).toEqual(['README.md']);
  });

  it('reads frames one after another, skipping a skippable frame (zstd:chunked layers)', async () => {
    const first = writeTar([{ name: 'a', data: 'first frame' }]).subarray(0, 1024);
    const second = writeTar([{ name: 'b', data: 'second frame' }]);
    // RFC 8878 §3.1.2: magic 0x184D2A5? and a 4-byte length, then that many bytes to skip.
    const skippable = new Uint8Array([0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3]);
    const blob = concatBytes([zstdFrame(first, 0), skippable, zstdFrame(second, 0)]);
    expect(await decodeAll(blob, 5)).toEqual(concatBytes([first, second]));
  });

  it('damaged data ends with a clear error, not an endless loop', async () => {
    const blob = realZstdLayer().slice();
    for (let at = 64; at < blob.length - 64; at += 97) blob[at] = blob[at]! ^ 0x5a;
    await expect(decodeAll(blob, 4096)).rejects.toMatchObject({ code: 'bad-compression' });
  });

  it('a cut layer ends with an error', async () => {
    const blob = realZstdLayer();
    await expect(decodeAll(blob.subarray(0, blob.length >> 1), 4096)).rejects.toMatchObject({
      code: 'bad-compression',
    });
  });

  it('goes on from any place it noted, in a new instance, to the same bytes', async () => {
    // 9 MB of a tar that compresses about as layers do, by the zstd command: its default
    // window (2 MiB at level 3), an 8 MiB one as Go's encoder uses, and three frames in a row.
    let seed = 7;
    const word = () => {
      // xorshift32: words that repeat about as a text's do, not in a short cycle.
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return ((seed >>> 0) % 5000).toString(36);
    };
    const files = Array.from({ length: 3000 }, (_, i) => ({
      name: `usr/share/file-${i}`,
      data: Array.from({ length: 300 + (i % 700) }, word).join(' '),
    }));
    const tar = writeTar(files);
    const dir = scratchDir('strata-zstd-');
    const plain = join(dir, 'layer.tar');
    writeFileSync(plain, tar);
    const third = tar.length / 3;
    writeFileSync(join(dir, 'a'), tar.subarray(0, third));
    writeFileSync(join(dir, 'b'), tar.subarray(third));
    const frames = concatBytes([zstdOf(join(dir, 'a'), '-1'), zstdOf(join(dir, 'b'), '-9')]);
    for (const blob of [zstdOf(plain, '-3'), zstdOf(plain, '-3', '--zstd=wlog=23'), frames]) {
      const taking = { every: 1 << 20, budget: 1 << 30, spacing: 0 };
      const { whole, places } = await decodedTaking(blob, 30_000, taking);
      expect(Buffer.compare(whole, tar)).toBe(0);
      expect(places.length).toBeGreaterThan(6);
      for (const place of places)
        expect(Buffer.compare(await resumedAt(blob, place), whole.subarray(place.output))).toBe(0);
    }
  });

  it('spaces its places by their size, and takes none past its budget', async () => {
    // 40 MiB of a 1 MiB random block over and over, with zstd's largest common window (8 MiB):
    // each place holds about 9 MB, so at one 24th of the output it skips, one every 221 MB.
    const block = randomBytes(1 << 20);
    const dir = scratchDir('strata-zstd-');
    const plain = join(dir, 'repeats');
    writeFileSync(plain, Buffer.concat(Array.from({ length: 40 }, () => block)));
    const blob = zstdOf(plain, '-3', '--zstd=wlog=23');
    const placesOf = async (every: number, budget: number) =>
      (await decodedTaking(blob, 65_536, { every, budget })).places;
    const spaced = await placesOf(1 << 20, 1 << 30);
    // The first comes after `every`; the next would be 24 places' worth of output further on.
    expect(spaced.length).toBe(1);
    expect(spaced[0]!.memory.length).toBeGreaterThan(8 << 20);
    // With a budget smaller than a place, none is taken.
    expect(await placesOf(1 << 20, 1 << 20)).toEqual([]);
  });

  it('goes on from a place whose window is larger than the memory a new instance has', async () => {
    // `zstd --long=25`: a 32 MiB window, which grows the decoder's memory past its first 16 MiB.
    // Random bytes, so that each chunk of the blob gives about as much output.
    const dir = scratchDir('strata-zstd-');
    const plain = join(dir, 'long');
    const data = randomBytes(40 << 20);
    writeFileSync(plain, data);
    const blob = zstdOf(plain, '--long=25');
    const taking = { every: 8 << 20, budget: 1 << 30, spacing: 0 };
    const { places } = await decodedTaking(blob, 65_536, taking);
    expect(places.length).toBeGreaterThan(2);
    // The decoder's memory had grown past the 16 MiB a new instance starts with.
    expect(places[0]!.memory.length).toBeGreaterThan(32 << 20);
    for (const place of places)
      expect(Buffer.compare(await resumedAt(blob, place), data.subarray(place.output))).toBe(0);
  });
});
