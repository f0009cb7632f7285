import { type ByteSource, bytesSource } from '../core/bytes.ts';

/**
 * A source whose reused reads hand out one buffer, written over for every chunk, as a browser's
 * BYOB reader does: a reader that kept a view of an earlier chunk would see other bytes in it.
 */
export function reusedSource(bytes: Uint8Array, chunk: number): ByteSource {
  const plain = bytesSource(bytes, chunk);
  return {
    ...plain,
    async *readReused(start, end, signal) {
      const buffer = new Uint8Array(chunk);
      for await (const piece of plain.read(start, end, signal)) {
        buffer.fill(0xa5);
        buffer.set(piece);
        yield buffer.subarray(0, piece.length);
      }
    },
  };
}
