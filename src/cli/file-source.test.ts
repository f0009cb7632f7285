import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bytesSource, concatBytes } from '../core/bytes.ts';
import { scanLayer } from '../core/layer/scan.ts';
import { scanBlobAt } from '../core/layer/scan-blob.ts';
import { scratchDir } from '../testing/scratch.ts';
import { writeTar } from '../testing/tar-writer.ts';
import { fileSource } from './file-source.ts';

const bytes = new Uint8Array(randomBytes((5 << 19) + 123)); // 2.5 MiB and a bit
const path = join(scratchDir('strata-file-source-'), 'data');
writeFileSync(path, bytes);

/** Whether two byte arrays are equal (toEqual walks 2.5 MiB element by element: seconds). */
const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const chunk of chunks) out.push(chunk);
  return out;
}

describe('a file read from disk', () => {
  it('gives exactly the bytes of any range, in pieces of at most 1 MiB', async () => {
    const source = fileSource(path);
    expect(source.size).toBe(bytes.length);
    for (const [start, end] of [
      [0, bytes.length],
      [1, 2],
      [1000, (1 << 20) + 1000],
      [(1 << 20) - 1, bytes.length],
      [bytes.length, bytes.length],
    ] as const) {
      const chunks = await collect(source.read(start, end));
      expect(Math.max(0, ...chunks.map((c) => c.length))).toBeLessThanOrEqual(1 << 20);
      expect(same(concatBytes(chunks), bytes.subarray(start, end))).toBe(true);
    }
  });

  it('stops at the end of the file when asked for more', async () => {
    const chunks = await collect(fileSource(path).read(bytes.length - 10, bytes.length + 500));
    expect(concatBytes(chunks)).toEqual(bytes.subarray(bytes.length - 10));
  });

  it('a read stopped part-way leaves the others working', async () => {
    const source = fileSource(path);
    for await (const _ of source.read(0)) break;
    const chunks = await collect(source.read(5, 50));
    expect(concatBytes(chunks)).toEqual(bytes.subarray(5, 50));
  });

  it('reads a range again in two buffers used over and over, each piece right until the next', async () => {
    const source = fileSource(path);
    const copies: Uint8Array[] = [];
    const buffers = new Set<ArrayBufferLike>();
    for await (const chunk of source.readReused!(1000, bytes.length)) {
      copies.push(chunk.slice());
      buffers.add(chunk.buffer);
    }
    expect(same(concatBytes(copies), bytes.subarray(1000))).toBe(true);
    expect(copies.length).toBe(3);
    expect(buffers.size).toBe(2);
  });

  it('an aborted read ends with a cancellation', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(collect(fileSource(path).read(0, 100, controller.signal))).rejects.toThrow();
  });
});

describe('a layer read from disk in chunks used over and over', () => {
  it('is scanned exactly as the same bytes from memory: names, sizes and content hashes', async () => {
    // Bodies across the 1 MiB pieces, names long enough for PAX records, a body that repeats.
    const body = (n: number, seed: number) =>
      Uint8Array.from({ length: n }, (_, i) => (i * seed) & 255);
    const layer = writeTar([
      { name: 'etc/', kind: 'dir' },
      ...Array.from({ length: 40 }, (_, k) => ({
        name: `etc/${'long-folder-name/'.repeat(k % 9)}file-${k}.conf`,
        data: body(((k * 97_003) % 400_000) + 1, k + 3),
      })),
      { name: 'opt/big.bin', data: body(2_500_000, 7) },
      { name: 'opt/same.bin', data: body(2_500_000, 7) },
      { name: 'opt/link', kind: 'symlink', linkname: 'big.bin' },
    ]);
    const file = join(scratchDir('strata-reused-scan-'), 'layer.tar');
    writeFileSync(file, layer);
    const source = fileSource(file);
    expect(source.readReused).toBeDefined();
    const fromDisk = await scanBlobAt(source, { path: 'l', start: 0, size: layer.length }, {});
    const fromMemory = await scanLayer(bytesSource(layer).read(0), undefined);
    const listed = (scan: typeof fromDisk) =>
      Array.from({ length: scan.entries.length }, (_, i) => scan.entries.get(i));
    expect(fromDisk.error).toBeUndefined();
    expect(fromDisk.entries.length).toBe(44);
    expect(listed(fromDisk)).toEqual(listed(fromMemory));
    const hash = (path: string) => listed(fromDisk).find((e) => e.path === path)?.contentHash;
    expect(hash('opt/same.bin')).toBe(hash('opt/big.bin'));
    expect(hash('opt/big.bin')).not.toBe(hash('etc/file-0.conf'));
  });
});
