import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readBytes } from '../testing/fixtures.ts';
import { pathsOf } from '../testing/layers.ts';
import { docker25Archive, imageFrom, legacyArchive } from '../testing/sample-image.ts';
import { writeTar } from '../testing/tar-writer.ts';
import { bytesSource } from './bytes.ts';
import { verifyDigests } from './verify.ts';

/**
 * `docker save | gzip` with small uncompressed layers: whether an outer file is a document or a
 * layer is decided by its path and size, so a layer's first byte (a Nix layer starts with "n",
 * like "null"; "{", "[" and whitespace like JSON) never hides it.
 */
const FIRST_NAMES = ['nix/store/abc-hello', '{odd}', '[weird]', ' space', '\tTab', 'plain/file'];

describe('small uncompressed layers in a gzip-wrapped archive', () => {
  for (const [format, build] of [
    ['docker save before 25', legacyArchive],
    ['docker save 25+ (OCI layout)', docker25Archive],
  ] as const) {
    it.each(FIRST_NAMES)(
      `${format}: a layer whose first entry is "%s" lists every entry`,
      async (name) => {
        const layer = writeTar([
          { name, data: 'first' },
          { name: 'second/entry', data: 'second' },
        ]);
        expect(String.fromCharCode(layer[0]!)).toBe(name[0]);
        const image = imageFrom([{ command: 'COPY . /', layer }]);
        for (const bytes of [build(image), gzipSync(build(image))]) {
          const read = await readBytes(bytes, 4096);
          const blob = read.model.images[0]!.layers[0]!.blobPath!;
          const scan = read.scans.get(blob)!;
          expect(scan.error).toBeUndefined();
          expect(pathsOf(scan.entries)).toEqual([name, 'second/entry']);
          expect(read.model.warnings).toEqual([]);
          // The digest check reads the same bytes the scan read: no mismatch from a wrong offset.
          expect(await verifyDigests(bytesSource(bytes), read.model)).toEqual([]);
        }
      },
    );
  }

  it('whatever the first byte of a small layer, a gzip-wrapped archive lists its entries', async () => {
    for (let byte = 1; byte < 256; byte++) {
      if (byte === 0x2f || byte === 0x2e) continue; // "/" and "." are not names of their own
      const name = `${String.fromCharCode(byte)}name`;
      const layer = writeTar([
        { name, data: 'x' },
        { name: 'second', data: 'y' },
      ]);
      const read = await readBytes(gzipSync(legacyArchive(imageFrom([{ command: 'c', layer }]))));
      const scan = read.scans.get(read.model.images[0]!.layers[0]!.blobPath!)!;
      expect([byte, scan.entries.length, scan.error]).toEqual([byte, 2, undefined]);
    }
  });
});

describe('a file that is not an image says what it seems to be', () => {
  const refusal = async (bytes: Uint8Array) => {
    try {
      await readBytes(bytes);
    } catch (error) {
      return (error as Error).message;
    }
    return 'read';
  };
  const text = (t: string) => new TextEncoder().encode(t.padEnd(600, ' '));
  it.each([
    ['a zip', new Uint8Array([0x50, 0x4b, 3, 4, ...new Uint8Array(600)]), 'This is a zip file'],
    [
      'a web page',
      text('<!DOCTYPE html><html><head><title>Sign in</title>'),
      'This is a web page (HTML)',
    ],
    ['a JSON document', text('[{"Config":"x.json"}]'), 'This is a JSON document'],
    ['a text file', text('hello, this is a README'), 'This is a text file'],
  ])('%s', async (_, bytes, message) => {
    expect(await refusal(bytes)).toContain(message);
  });
});
