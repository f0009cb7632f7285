import type { ByteSource } from '../bytes.ts';
import { type Compression, counted } from '../compression.ts';
import type { KeptLayerWriter } from '../kept-layers.ts';
import type { Limits } from '../limits.ts';
import { type LayerScan, scanLayer } from './scan.ts';

/** A layer blob of an uncompressed archive: where its bytes lie in the file. */
export interface BlobTask {
  path: string;
  start: number;
  size: number;
}

export interface BlobScanOptions {
  signal?: AbortSignal | undefined;
  limits?: Limits | undefined;
  /** Entries the archive may still hold (limits.entries, shared by its layers). */
  entryBudget?: { left: number } | undefined;
  /** Headers first (ReadOptions.skipBodiesFrom), when the source can be read from any offset. */
  skipBodiesFrom?: number | undefined;
  keep?: ((compression: Compression) => KeptLayerWriter | undefined) | undefined;
  /** Told how many of the blob's bytes have been read, now and then. */
  onBytes?: ((read: number) => void) | undefined;
}

/**
 * Scans the layer blob at `task` of an uncompressed archive: in the archive's reader, or in a
 * worker of its own, so that several layers are scanned at once (worker/scan-pool.ts).
 */
export function scanBlobAt(
  source: ByteSource,
  task: BlobTask,
  options: BlobScanOptions,
): Promise<LayerScan> {
  const { start, size } = task;
  const { signal, onBytes } = options;
  const open = () => source.read(start, start + size, signal);
  let read = 0;
  const blob = counted(open(), (n) => {
    read += n;
    onBytes?.(read);
  });
  const seek =
    options.skipBodiesFrom !== undefined && source.seekable
      ? {
          open: (offset: number) => source.read(start + offset, start + size, signal),
          size,
          skipFrom: options.skipBodiesFrom,
        }
      : undefined;
  return scanLayer(blob, open, {
    signal,
    ...(options.entryBudget ? { entryBudget: options.entryBudget } : {}),
    ...(options.keep ? { keep: options.keep } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(seek ? { seek, onBytes: (n: number) => onBytes?.(n) } : {}),
  });
}
