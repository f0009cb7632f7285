import { type ByteSource, bytesSource } from '../core/bytes.ts';

/** A source over `bytes` (64 KiB chunks) that counts the bytes read from it. */
export function countingSource(bytes: Uint8Array): { source: ByteSource; read: () => number } {
  const inner = bytesSource(bytes, 64 << 10);
  let read = 0;
  return {
    read: () => read,
    source: {
      ...inner,
      async *read(start, end, signal) {
        for await (const chunk of inner.read(start, end, signal)) {
          read += chunk.length;
          yield chunk;
        }
      },
    },
  };
}
