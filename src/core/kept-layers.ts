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
  /** Whether bytes [offset, offset + length) of layer `key` are on disk now (no wait). */
  holds(key: string, offset: number, length: number): boolean;
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

/**
 * How far the digest check has got in keeping each layer, for reads that would rather wait for it
 * than decompress the layer from its start themselves.
 *
 * When to wait: a read that decompresses from the start runs at about twice the speed the check
 * keeps at (on this 2-core machine, a 1.3 GB gzip layer decoded for a read in 3.5 s, 370 MB/s,
 * while the check kept it at about 150 MB/s beside a second checker, writing as it went). So the
 * check gets to the bytes first when it has kept more than half of the way to them.
 */
export class KeepingProgress {
  private readonly written = new Map<string, number>();
  private readonly waiting = new Set<{
    blobPath: string;
    end: number;
    restart: () => void;
    wake: () => void;
  }>();

  constructor(
    /** A wait ends when the check has not moved for this long (held up, or gone). */
    private readonly stallMs = 1000,
  ) {}

  /** How many of a layer's first bytes are written, while the check is keeping it. */
  keptSoFar(blobPath: string): number | undefined {
    return this.written.get(blobPath);
  }

  /** The check has written the first `bytes` of the layer. */
  wrote(blobPath: string, bytes: number): void {
    this.written.set(blobPath, bytes);
    for (const w of this.waiting) {
      if (w.blobPath !== blobPath) continue;
      if (bytes >= w.end) w.wake();
      else w.restart();
    }
  }

  /** The check stopped keeping the layer (whole or not): nobody waits for it any more. */
  stopped(blobPath: string): void {
    this.written.delete(blobPath);
    for (const w of this.waiting) if (w.blobPath === blobPath) w.wake();
  }

  /**
   * Resolves once the layer's first `end` bytes are kept, at once when waiting is not worth it
   * (see above), and when the check stops or stalls.
   */
  reach(blobPath: string, end: number): Promise<void> {
    const now = this.written.get(blobPath);
    if (now === undefined || now >= end || now * 2 < end) return Promise.resolve();
    return new Promise((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const waiter = {
        blobPath,
        end,
        restart: () => {
          clearTimeout(timer);
          timer = setTimeout(waiter.wake, this.stallMs);
        },
        wake: () => {
          clearTimeout(timer);
          this.waiting.delete(waiter);
          resolve();
        },
      };
      this.waiting.add(waiter);
      waiter.restart();
    });
  }
}
