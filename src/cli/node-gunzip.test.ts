import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { StrataError } from '../core/errors.ts';
import { nodeGunzip } from './node-gunzip.ts';

async function* pieces(bytes: Uint8Array, size: number, pulled = { n: 0 }) {
  for (let at = 0; at < bytes.length; at += size) {
    pulled.n++;
    yield bytes.subarray(at, at + size);
  }
}

async function all(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const out: Uint8Array[] = [];
  for await (const chunk of chunks) out.push(chunk);
  return Buffer.concat(out);
}

describe('gzip through Node’s zlib stream', () => {
  it('decodes every member of a multi-member file, as estargz layers are', async () => {
    const a = randomBytes(100_000);
    const b = Buffer.from('second member\n'.repeat(1000));
    const file = Buffer.concat([gzipSync(a), gzipSync(b)]);
    expect(await all(nodeGunzip(pieces(file, 4096)))).toEqual(Buffer.concat([a, b]));
  });

  it('reads its input only as its output is taken', async () => {
    // 64 MB of random data: the compressed file is as large, in 64 KiB pieces (1,024 of them).
    const file = gzipSync(randomBytes(64 << 20), { level: 1 });
    const pulled = { n: 0 };
    const out = nodeGunzip(pieces(file, 64 << 10, pulled))[Symbol.asyncIterator]();
    await out.next();
    await new Promise((r) => setTimeout(r, 100));
    expect(pulled.n).toBeLessThan(64);
    await out.return?.(undefined);
  });

  it('fails on damaged data, and passes an error of its input on as it was thrown', async () => {
    const file = gzipSync(randomBytes(200_000));
    await expect(all(nodeGunzip(pieces(file.subarray(0, 100_000), 4096)))).rejects.toThrow(
      /unexpected end/,
    );
    const failing = async function* () {
      yield file.subarray(0, 1000);
      throw new StrataError('read-failed', 'the file went away');
    };
    await expect(all(nodeGunzip(failing()))).rejects.toThrow('the file went away');
  });
});
