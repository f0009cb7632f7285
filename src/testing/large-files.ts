import { imageFrom, legacyArchive } from './sample-image.ts';
import { writeTar } from './tar-writer.ts';

/**
 * An image whose large files (5 MiB by default, over the headers-first threshold) are rewritten in a second
 * layer with the same size: data/same.bin with the same bytes and a new mode (a metadata change),
 * data/rewritten.bin with other bytes (a content change); data/alone.bin is written once.
 */
const MB = 1 << 20;
const big = (fill: number, size: number) => new Uint8Array(size).fill(fill);

export function sameSizeRewrites(size = 5 * MB): Uint8Array {
  const layers = [
    writeTar([
      { name: 'data/same.bin', data: big(1, size), mode: 0o644 },
      { name: 'data/rewritten.bin', data: big(2, size), mode: 0o644 },
      { name: 'data/alone.bin', data: big(3, size), mode: 0o644 },
      { name: 'small.txt', data: 'hello' },
    ]),
    writeTar([
      // A chmod copy: same bytes, new mode (a metadata change).
      { name: 'data/same.bin', data: big(1, size), mode: 0o755 },
      // Same size, other bytes (a content change).
      { name: 'data/rewritten.bin', data: big(4, size), mode: 0o644 },
    ]),
  ];
  return legacyArchive(imageFrom(layers.map((layer, i) => ({ command: `step ${i}`, layer }))));
}

/**
 * Two layers over 1 MiB each (so that a first pass skips their bodies): /lib -> usr/lib and
 * usr/lib/x, as in a merged-/usr image, then lib/x written through the link with the same size and
 * other bytes (a content change of usr/lib/x). Each also writes `padding`, the same size again.
 */
export function rewriteThroughSymlink(): Uint8Array[] {
  const padding = (fill: string) => ({ name: 'padding', data: fill.repeat(1_100_000) });
  return [
    writeTar([
      { name: 'usr/', kind: 'dir' },
      { name: 'usr/lib/', kind: 'dir' },
      { name: 'lib', kind: 'symlink', linkname: 'usr/lib' },
      { name: 'usr/lib/x', data: 'aaaaa' },
      padding('a'),
    ]),
    writeTar([{ name: 'lib/x', data: 'bbbbb' }, padding('b')]),
  ];
}
