/**
 * Decompressed layers kept outside memory (in the browser, the origin private file system), so
 * that a file anywhere in a compressed layer is read at its offset instead of by decompressing the
 * layer up to it. The digest check decompresses every layer anyway; it writes what it decompresses
 * (verify.ts), and file content reads from it once a layer is complete (content.ts).
 */

/** Receives one layer's decompressed tar, in order. */
export interface KeptLayerWriter {
  /** Throws when there is no room; the layer is then not kept. */
  write(chunk: Uint8Array): void;
  /** The whole layer was written. */
  close(): Promise<void>;
  /** Part of the layer was written (damage, no room): what was written is removed. */
  discard(): Promise<void>;
}

/** Reads back kept layers. */
export interface KeptLayers {
  /** Whether layer `key` is kept whole. */
  has(key: string): boolean;
  /** `length` bytes at `offset` of the kept tar of layer `key`; undefined when it is not kept. */
  read(key: string, offset: number, length: number): Promise<Uint8Array | undefined>;
}

/**
 * Passes chunks on and writes each to `writer`. A write that fails (out of room, a writer that
 * fell behind) stops the keeping, never the stream. The reader says at the end whether the layer
 * was read whole (`finish(true)`: kept) or not (discarded): a tar reader stops at the end-of-archive
 * blocks, before the stream ends, and that is a whole layer.
 */
export function keeping(
  chunks: AsyncIterable<Uint8Array>,
  writer: KeptLayerWriter,
): { stream: AsyncIterable<Uint8Array>; finish(whole: boolean): Promise<void> } {
  let writing = true;
  return {
    stream: (async function* () {
      for await (const chunk of chunks) {
        if (writing) {
          try {
            writer.write(chunk);
          } catch {
            writing = false;
            await writer.discard();
          }
        }
        yield chunk;
      }
    })(),
    async finish(whole) {
      if (!writing) return;
      writing = false;
      await (whole ? writer.close() : writer.discard());
    },
  };
}
