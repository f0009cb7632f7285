import type { Compression } from './compression.ts';

/**
 * Decompressed layers kept outside memory (in the browser, the origin private file system), so
 * that a file anywhere in a compressed layer is read at its offset instead of by decompressing the
 * layer up to it. The scan writes what it decompresses as far as a writer keeps up (scan.ts), the
 * digest check what the scan did not keep whole (verify.ts); file content reads from the kept
 * layer where it has the bytes (content.ts).
 */

/** Receives one layer's decompressed tar, in order. */
export interface KeptLayerWriter {
  /** Throws when it takes no more (no room, fallen behind); what was written stays. */
  write(chunk: Uint8Array): void;
  /**
   * The end: `whole` when the layer was read to its end, else what was written is kept as the
   * layer's first bytes (a damaged layer's files before the damage, a part that fitted).
   */
  close(whole: boolean): Promise<void>;
}

/** Reads back kept layers. */
export interface KeptLayers {
  /** Whether layer `key` is kept whole (or is being finished). */
  has(key: string): boolean;
  /** `length` bytes at `offset` of the kept tar of layer `key`; undefined when not kept so far. */
  read(key: string, offset: number, length: number): Promise<Uint8Array | undefined>;
}

/**
 * Whether a layer is worth keeping: not when its tar is a plain slice of an uncompressed archive,
 * which is read from the file itself at any offset.
 */
export function worthKeeping(archive: Compression, layer: Compression): boolean {
  return archive !== 'none' || layer !== 'none';
}

/**
 * Passes chunks on and writes each to `writer`. A write that fails stops the keeping, never the
 * stream. The reader says at the end whether the layer was read whole: a tar reader stops at the
 * end-of-archive blocks, before the stream ends, and that is a whole layer.
 */
export function keeping(
  chunks: AsyncIterable<Uint8Array>,
  writer: KeptLayerWriter,
): {
  stream: AsyncIterable<Uint8Array>;
  /** Closes the writer; says whether the layer was kept whole. */
  finish(whole: boolean): Promise<boolean>;
} {
  let writing = true;
  let finished = false;
  return {
    stream: (async function* () {
      for await (const chunk of chunks) {
        if (writing) {
          try {
            writer.write(chunk);
          } catch {
            writing = false;
          }
        }
        yield chunk;
      }
    })(),
    async finish(whole) {
      if (finished) return false;
      finished = true;
      await writer.close(whole && writing);
      return whole && writing;
    },
  };
}
