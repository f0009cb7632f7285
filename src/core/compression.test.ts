import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { zstdFrame } from '../testing/hostile.ts';
import { pathsOf } from '../testing/layers.ts';
import { writeTar } from '../testing/tar-writer.ts';
import { bytesSource, concatBytes } from './bytes.ts';
import { LayerContent } from './content.ts';
import { scanLayer } from './layer/scan.ts';
import { DEFAULT_LIMITS } from './limits.ts';

/**
 * Chromium's DecompressionStream stops at the end of the first gzip member with "Junk found after
 * end of compressed data." (whatwg/compression#42; shared/docs/TOOLCHAIN.md); Node's goes on. This
 * stand-in behaves as Chromium's does, for a stream whose first member is `firstMember` bytes.
 */
function chromiumLikeGunzip(firstMember: number) {
  return class {
    readonly readable: ReadableStream<Uint8Array>;
    readonly writable: WritableStream<Uint8Array>;
    constructor() {
      const seen: Uint8Array[] = [];
      let length = 0;
      const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          seen.push(chunk);
          length += chunk.length;
          if (length > firstMember) {
            controller.enqueue(gunzipSync(concatBytes(seen).subarray(0, firstMember)));
            controller.error(new TypeError('Junk found after end of compressed data.'));
          }
        },
      });
      this.readable = readable;
      this.writable = writable;
    }
  };
}

const realDecompressionStream = globalThis.DecompressionStream;
afterEach(() => {
  globalThis.DecompressionStream = realDecompressionStream;
});

describe('one guarded decompression', () => {
  it('an estargz-like layer (two gzip members) read again after the native decoder stops is not taken for a bomb', async () => {
    // Bytes drawn from 16 values: about 2:1 once compressed, far below the ratio allowed.
    const body = randomBytes(4 << 20).map((b) => 0x41 + (b & 0x0f));
    const tar = writeTar([
      { name: 'first', data: 'a small file' },
      { name: 'big', data: body },
    ]);
    const first = gzipSync(tar.subarray(0, 1024));
    const blob = concatBytes([first, gzipSync(tar.subarray(1024))]);
    expect(tar.length / blob.length).toBeLessThan(5);
    globalThis.DecompressionStream = chromiumLikeGunzip(first.length) as never;
    const source = bytesSource(blob, 4096);
    const scan = await scanLayer(source.read(0), () => source.read(0), {
      limits: { ...DEFAULT_LIMITS, expansionFloor: 0, expansionRatio: 5 },
    });
    expect(scan.error).toBeUndefined();
    expect(pathsOf(scan.entries)).toEqual(['first', 'big']);
    expect(scan.entries.size(1)).toBe(4 << 20);
  });

  it('a real bomb is still stopped when the data is read again', async () => {
    const zeros = gzipSync(new Uint8Array(64 << 20));
    const tar = writeTar([{ name: 'first', data: 'x' }]).subarray(0, 1024);
    const first = gzipSync(tar);
    const blob = concatBytes([first, zeros]);
    globalThis.DecompressionStream = chromiumLikeGunzip(first.length) as never;
    const source = bytesSource(blob, 4096);
    const scan = await scanLayer(source.read(0), () => source.read(0), {
      limits: { ...DEFAULT_LIMITS, expansionFloor: 1 << 20, expansionRatio: 50 },
    });
    expect(scan.error?.code).toBe('limit');
  });

  it('opening a 5-byte file at the start of a small zstd layer that claims 3 GB stays small', async () => {
    const head = writeTar([{ name: 'hello', data: 'hello' }]).subarray(0, 1024);
    const blob = zstdFrame(head, 24_000); // 72 KB that expand to 3.1 GB of zeros after the file
    expect(blob.length).toBeLessThan(100_000);
    const content = new LayerContent(bytesSource(blob));
    const before = process.memoryUsage().rss;
    const bytes = await content.read(
      { blobOffset: 0, blobSize: blob.length, outer: 'none', layer: 'zstd' },
      'layer',
      512,
      0,
      5,
    );
    expect(new TextDecoder().decode(bytes)).toBe('hello');
    // Read by streaming up to the file, not by decompressing the whole layer into memory.
    expect(process.memoryUsage().rss - before).toBeLessThan(512 << 20);
  });
});
