import { gzipSync } from 'node:zlib';
import { concatBytes } from '../core/bytes.ts';
import { imageFrom, legacyArchive, sampleImage } from './sample-image.ts';
import { type TarInput, writeTar } from './tar-writer.ts';

/**
 * The corpus of broken and hostile archives: each case is bytes and what must come of them.
 * `refused`: reading stops with a StrataError (a message, a code); `warned`: the image loads with
 * at least one warning of the given code; `loads`: it loads (hostile content, handled).
 * Generated, never stored: tests make them at run time, `npm run make-hostile` writes them out.
 */
export interface HostileCase {
  name: string;
  bytes: () => Uint8Array;
  expect: { refused: string } | { warned: string } | { loads: true };
}

const image = (layers: TarInput[][], commands?: string[]) =>
  legacyArchive(
    imageFrom(
      layers.map((entries, i) => ({
        command: commands?.[i] ?? `step ${i}`,
        layer: writeTar(entries),
      })),
    ),
    'hostile:test',
  );

/** The sample archive with `manifest.json` replaced by `text`. */
function withManifest(text: string | Uint8Array): Uint8Array {
  const sample = sampleImage();
  const layers = sample.layers.map((layer, i) => ({ name: `l${i}/layer.tar`, data: layer }));
  return writeTar([
    ...layers,
    { name: `${sample.imageId}.json`, data: sample.config },
    { name: 'manifest.json', data: text },
  ]);
}

/**
 * A zstd frame that expands without end: one raw block holding a tar header for a huge file, then
 * RLE blocks of zeros (RFC 8878 §3.1.1.2: Block_Type 1 repeats one byte Block_Size times).
 */
export function zstdBomb(blocks: number): Uint8Array {
  const header = writeTar([{ name: 'zeros', data: '', sizeField: blocks * 131072 }]).subarray(
    0,
    512,
  );
  return zstdFrame(header, blocks);
}

/**
 * A zstd frame of `raw` stored as is (raw blocks of up to 128 KiB), then `zeroBlocks` RLE blocks
 * of 128 KiB of zeros each: a few bytes each, however many gigabytes they claim.
 */
export function zstdFrame(raw: Uint8Array, zeroBlocks: number): Uint8Array {
  const parts: number[] = [0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38]; // magic, no checksum, 128 KiB window
  const blockHeader = (last: boolean, type: number, size: number) => {
    const v = (last ? 1 : 0) | (type << 1) | (size << 3);
    parts.push(v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff);
  };
  for (let at = 0; at < raw.length; at += 131072) {
    const piece = raw.subarray(at, at + 131072);
    blockHeader(zeroBlocks === 0 && at + 131072 >= raw.length, 0, piece.length);
    parts.push(...piece);
  }
  for (let i = 0; i < zeroBlocks; i++) {
    blockHeader(i === zeroBlocks - 1, 1, 131072);
    parts.push(0);
  }
  return Uint8Array.from(parts);
}

/** A layer blob that is a gzip bomb: a tar of one file of `bytes` zeros. */
export function gzipBomb(bytes: number): Uint8Array {
  const head = writeTar([{ name: 'zeros', data: '', sizeField: bytes }]).subarray(0, 512);
  return gzipSync(concatBytes([head, new Uint8Array(bytes), new Uint8Array(1024)]), { level: 9 });
}

/** Offsets of every header in a tar, and the middle of every body. */
export function structuralPoints(tar: Uint8Array): number[] {
  const points: number[] = [];
  for (let at = 0; at + 512 <= tar.length; ) {
    const block = tar.subarray(at, at + 512);
    if (block.every((b) => b === 0)) break;
    const size = Number.parseInt(
      new TextDecoder().decode(block.subarray(124, 136)).replace(/\0.*$/, '').trim() || '0',
      8,
    );
    points.push(at, at + 100, at + 511);
    if (size > 0) points.push(at + 512 + Math.floor(size / 2));
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return points;
}

/** A one-layer archive around any layer blob (a bomb, a damaged layer), with a made-up diff_id. */
export const legacyWithLayerBlob = (blob: Uint8Array, diffId = `sha256:${'0'.repeat(64)}`) => {
  const config = new TextEncoder().encode(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: [diffId] },
      history: [{ created_by: 'bomb' }],
    }),
  );
  return writeTar([
    { name: 'layer/layer.tar', data: blob },
    { name: 'config.json', data: config },
    {
      name: 'manifest.json',
      data: JSON.stringify([
        { Config: 'config.json', RepoTags: ['bomb:test'], Layers: ['layer/layer.tar'] },
      ]),
    },
  ]);
};

export function hostileCases(scale: 'test' | 'full' = 'test'): HostileCase[] {
  const sample = legacyArchive();
  const random = () => {
    let seed = 1234567;
    return new Uint8Array(65536).map(() => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed >>> 24;
    });
  };
  const deep = Array.from({ length: 10_000 }, (_, i) => `d${i % 10}`).join('/');
  const manyEntries = scale === 'full' ? 1_000_000 : 50_000;
  return [
    { name: 'empty', bytes: () => new Uint8Array(0), expect: { refused: 'empty' } },
    { name: 'random-bytes', bytes: random, expect: { refused: 'not-tar' } },
    { name: 'random-gzip', bytes: () => gzipSync(random()), expect: { refused: 'not-tar' } },
    {
      name: 'xz-outside',
      bytes: () => Uint8Array.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0, 1, 2]),
      expect: { refused: 'unsupported-compression' },
    },
    {
      name: 'bad-checksum-first-header',
      bytes: () => flip(sample, 10),
      expect: { refused: 'not-tar' },
    },
    {
      name: 'bad-checksum-later-header',
      bytes: () => flip(sample, structuralPoints(sample)[12]! + 3),
      expect: { refused: 'bad-checksum' },
    },
    {
      name: 'truncated-in-manifest',
      bytes: () =>
        sample.subarray(
          0,
          new TextDecoder('latin1').decode(sample).indexOf('manifest.json\0') + 512 + 100,
        ),
      expect: { refused: 'truncated' },
    },
    {
      name: 'truncated-in-a-layer',
      bytes: () => sample.subarray(0, 6000),
      expect: { refused: 'truncated' },
    },
    {
      name: 'truncated-in-a-header',
      bytes: () => sample.subarray(0, 2048 + 300),
      expect: { refused: 'truncated' },
    },
    {
      name: 'manifest-null',
      bytes: () => withManifest('null'),
      expect: { refused: 'bad-manifest' },
    },
    {
      name: 'manifest-wrong-types',
      bytes: () => withManifest('[{"Config": 5, "Layers": "x", "RepoTags": {}}]'),
      expect: { refused: 'not-an-image' },
    },
    {
      name: 'manifest-deeply-nested',
      bytes: () => withManifest(`${'['.repeat(200_000)}${']'.repeat(200_000)}`),
      expect: { refused: 'not-an-image' },
    },
    {
      name: 'manifest-huge',
      bytes: () => withManifest(`[${' '.repeat(20 << 20)}]`),
      expect: { refused: 'bad-manifest' },
    },
    {
      name: 'manifest-not-json',
      bytes: () => withManifest('{this is not json'),
      expect: { refused: 'bad-json' },
    },
    {
      name: 'missing-blob',
      bytes: () => {
        const s = sampleImage();
        return writeTar([
          { name: `${s.imageId}.json`, data: s.config },
          {
            name: 'manifest.json',
            data: JSON.stringify([
              {
                Config: `${s.imageId}.json`,
                RepoTags: ['x:y'],
                Layers: ['gone/layer.tar', 'gone2/layer.tar', 'gone3/layer.tar', 'gone4/layer.tar'],
              },
            ]),
          },
        ]);
      },
      expect: { warned: 'missing-blob' },
    },
    {
      name: 'config-digest-mismatch',
      bytes: () => legacyWithLayerBlob(writeTar([{ name: 'a', data: 'x' }])),
      expect: { warned: 'digest-mismatch' },
    },
    {
      name: 'same-layer-twice',
      bytes: () => {
        const layer = writeTar([{ name: 'a', data: 'x' }]);
        return legacyArchive(
          imageFrom([
            { command: 'one', layer },
            { command: 'again', layer },
          ]),
          'twice:test',
        );
      },
      expect: { loads: true },
    },
    {
      name: 'negative-size-in-a-layer',
      bytes: () => legacyWithLayerBlob(negativeSizeLayer()),
      expect: { warned: 'bad-header' },
    },
    {
      name: 'pax-size-not-decimal',
      bytes: () =>
        legacyWithLayerBlob(
          writeTar([
            { name: 'f', data: 'hello', pax: { size: '0x1f' } },
            { name: 'after', data: 'x' },
          ]),
        ),
      expect: { warned: 'bad-header' },
    },
    {
      name: 'zero-block-then-header',
      bytes: () =>
        legacyWithLayerBlob(
          concatBytes([
            writeTar([{ name: 'a', data: 'x' }]).subarray(0, 1024),
            new Uint8Array(512),
            writeTar([{ name: 'hidden', data: 'y' }]),
          ]),
        ),
      expect: { warned: 'bad-header' },
    },
    {
      // Found by the structure-aware fuzzer: a sparse header with no data at the top level.
      name: 'sparse-outer-entry',
      bytes: () => {
        // A folder entry (no data) turned into a sparse file claiming one byte.
        const folder = writeTar([{ name: 'extra/', kind: 'dir' }]).subarray(0, 512);
        folder[156] = 'S'.charCodeAt(0);
        folder.set(new TextEncoder().encode('00000000001\0'), 483);
        fixChecksum(folder, 0);
        return concatBytes([folder, legacyWithLayerBlob(writeTar([{ name: 'a', data: 'x' }]))]);
      },
      expect: { warned: 'bad-header' },
    },
    {
      name: 'gzip-bomb-layer',
      bytes: () => legacyWithLayerBlob(gzipBomb(scale === 'full' ? 2 ** 30 + 2 ** 24 : 48 << 20)),
      expect: { warned: 'limit' },
    },
    {
      name: 'zstd-bomb-layer',
      bytes: () => legacyWithLayerBlob(zstdBomb(scale === 'full' ? 80_000 : 400)),
      expect: { warned: 'limit' },
    },
    {
      name: 'deep-path',
      bytes: () =>
        image([
          [
            { name: `${deep}/file`, data: 'deep' },
            { name: 'ok', data: 'ok' },
          ],
        ]),
      expect: { warned: 'limit' },
    },
    {
      name: 'name-64k',
      bytes: () => image([[{ name: `${'n'.repeat(65536)}`, data: 'long' }]]),
      expect: { loads: true },
    },
    {
      name: 'names-control-html-rtl-invalid-utf8',
      bytes: () =>
        image([
          [
            { name: 'bell\u0007and\u001b[31mred', data: '1' },
            { name: '<img src=x onerror=alert(1)>', data: '2' },
            { name: 'evil\u202egnp.exe', data: '3' },
          ],
        ]),
      expect: { loads: true },
    },
    {
      name: 'name-invalid-utf8',
      bytes: () => {
        const layer = writeTar([{ name: 'bad-utf8-XX', data: '4' }]);
        const at = new TextDecoder('latin1').decode(layer).indexOf('XX');
        layer.set([0xc3, 0x28], at); // a lead byte followed by a non-continuation byte
        layer.fill(0x20, 148, 156);
        const sum = layer.subarray(0, 512).reduce((a, b) => a + b, 0);
        layer.set(new TextEncoder().encode(`${sum.toString(8).padStart(6, '0')}\0 `), 148);
        return legacyArchive(imageFrom([{ command: 'utf8', layer }]), 'utf8:test');
      },
      expect: { loads: true },
    },
    {
      name: 'absolute-and-dotdot',
      bytes: () =>
        image([
          [
            { name: '/etc/abs', data: 'a' },
            { name: '../../escape', data: 'b' },
            { name: 'x/../../../y', data: 'c' },
          ],
        ]),
      expect: { loads: true },
    },
    {
      name: 'symlink-cycle',
      bytes: () =>
        image([
          [
            { name: 'a', kind: 'symlink', linkname: 'b' },
            { name: 'b', kind: 'symlink', linkname: 'a' },
            { name: 'self', kind: 'symlink', linkname: 'self' },
          ],
        ]),
      expect: { loads: true },
    },
    {
      name: 'hardlink-to-missing',
      bytes: () => image([[{ name: 'link', kind: 'hardlink', linkname: 'nowhere' }]]),
      expect: { loads: true },
    },
    {
      name: 'duplicate-entries',
      bytes: () =>
        image([
          [
            { name: 'dup', data: 'first' },
            { name: 'dup', data: 'second' },
            { name: 'd/', kind: 'dir' },
            { name: 'd/', kind: 'dir', mode: 0o700 },
          ],
        ]),
      expect: { loads: true },
    },
    {
      name: `layer-of-${manyEntries}-entries`,
      bytes: () =>
        image([Array.from({ length: manyEntries }, (_, i) => ({ name: `f/${i % 1000}/${i}` }))]),
      expect: { loads: true },
    },
  ];
}

function flip(bytes: Uint8Array, at: number): Uint8Array {
  const out = bytes.slice();
  out[at] = out[at]! ^ 0x5a;
  return out;
}

/** Rewrites a header block's checksum after its fields were changed by hand. */
export function fixChecksum(tar: Uint8Array, at: number): void {
  tar.fill(0x20, at + 148, at + 156);
  let sum = 0;
  for (let i = at; i < at + 512; i++) sum += tar[i]!;
  const octal = sum.toString(8).padStart(6, '0');
  for (let i = 0; i < 6; i++) tar[at + 148 + i] = octal.charCodeAt(i);
  tar[at + 154] = 0;
}

/**
 * A layer whose first entry claims a size of -512 in GNU base-256 (two's complement): a reader
 * that trusts it moves its cursor backwards onto the same header, again and again.
 */
export function negativeSizeLayer(): Uint8Array {
  const tar = writeTar([
    { name: 'loop', data: '' },
    { name: 'after', data: 'x' },
  ]);
  tar.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0x00], 124);
  fixChecksum(tar, 0);
  return tar;
}
