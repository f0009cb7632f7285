import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

/**
 * gzip through Node's zlib stream, which reads its input only as its output is taken (so a 2 GB
 * archive is never held) and decodes every member of a multi-member file (estargz) in one pass.
 * An error of the input (a short read, a cancelled scan) comes out as it was thrown.
 */
export async function* nodeGunzip(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const gunzip = createGunzip();
  const piped = pipeline(Readable.from(chunks, { objectMode: false }), gunzip);
  // The pipeline's failure is read from the stream below; here it only must not go unhandled.
  piped.catch(() => {});
  try {
    for await (const chunk of gunzip) yield chunk as Uint8Array;
    await piped;
  } finally {
    gunzip.destroy();
  }
}
