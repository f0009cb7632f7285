import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../core/bytes.ts';
import { scratchDir } from '../testing/scratch.ts';
import { fileSource } from './file-source.ts';

const bytes = new Uint8Array(randomBytes((5 << 19) + 123)); // 2.5 MiB and a bit
const path = join(scratchDir('strata-file-source-'), 'data');
writeFileSync(path, bytes);

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
      expect(concatBytes(chunks)).toEqual(bytes.subarray(start, end));
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

  it('an aborted read ends with a cancellation', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(collect(fileSource(path).read(0, 100, controller.signal))).rejects.toThrow();
  });
});
