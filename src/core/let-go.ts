/**
 * Freeing decoded chunks' memory as soon as the stream's readers are done with them, not at the
 * next full collection. Every megabyte a decoder makes (or another thread sends) counts against
 * V8's limit for memory outside its heap until a full collection finds it dead; a chunk still
 * being read when a young collection runs is moved to the old generation, and the scans' young
 * collections then each brought on a full one (about a hundred while a 1.4 GB gzip stream was
 * read: 0.3 s of the reading thread, and the collector's helper threads beside it).
 *
 * Only for chunks nothing else holds: a decoder's output, or chunks another thread handed over.
 * Readers of a stream keep no view of a chunk past the next one (ChunkReader); windows, keepers and
 * hashers copy what they keep.
 */

/** Frees the memory of a chunk that is the whole of its buffer (a view of a larger one is left). */
export function letGo(chunk: Uint8Array): void {
  const buffer = chunk.buffer as ArrayBuffer & { transfer?: (length: number) => ArrayBuffer };
  if (chunk.byteOffset !== 0 || chunk.byteLength !== buffer.byteLength || buffer.byteLength === 0)
    return;
  // `transfer(0)` detaches it; where that is missing (Node 20), a transfer to a clone does.
  if (buffer.transfer) buffer.transfer(0);
  else structuredClone(buffer, { transfer: [buffer] });
}

/** The chunks, each let go of once the reader has taken `heldBack` bytes after it. */
export async function* lettingGo(
  chunks: AsyncIterable<Uint8Array>,
  heldBack: number,
): AsyncGenerator<Uint8Array> {
  const handedOut: Uint8Array[] = [];
  let held = 0;
  for await (const chunk of chunks) {
    yield chunk;
    handedOut.push(chunk);
    held += chunk.length;
    while (held - handedOut[0]!.length >= heldBack) {
      const old = handedOut.shift()!;
      held -= old.length;
      letGo(old);
    }
  }
}
