/// <reference lib="webworker" />
import { openSource, type SourceSpec } from '../core/bytes.ts';
import { toProblem } from '../core/errors.ts';
import { type BlobTask, scanBlobAt } from '../core/layer/scan-blob.ts';
import { toScanMessage } from '../core/layer/scan-message.ts';
import type { Limits } from '../core/limits.ts';
import { openKeptWriter } from './kept-on-disk.ts';
import type { FromScanner } from './protocol.ts';

/**
 * Scans one layer blob at a time for the archive worker's pool (scan-pool.ts), so that the layers
 * of an uncompressed archive are read on every core at once. A compressed layer is kept
 * decompressed in the session's folder (kept-on-disk.ts) as it streams past, written from here
 * with a synchronous handle: files anywhere in it open at once when the image is ready, instead of
 * being decompressed from the start until the digest check has kept the layer.
 */
declare const self: DedicatedWorkerGlobalScope;

export interface ScanJob {
  source: SourceSpec;
  task: BlobTask;
  limits?: Limits | undefined;
  skipBodiesFrom?: number | undefined;
  entriesLeft: number;
  /** The session's folder to keep compressed layers in, if it has one. */
  keepIn?: string | undefined;
}

const send = (message: FromScanner) => self.postMessage(message);

self.onmessage = async (event: MessageEvent<ScanJob>) => {
  const { source, task, limits, skipBodiesFrom, entriesLeft, keepIn } = event.data;
  let last = 0;
  let reported = 0;
  let kept: { bytes: number; whole: boolean } | undefined;
  const keep = keepIn
    ? {
        writer: () =>
          openKeptWriter(keepIn, task.path, 'scan', (bytes, whole) => {
            kept = { bytes, whole };
          }),
        archive: 'none' as const,
      }
    : undefined;
  try {
    const scan = await scanBlobAt(openSource(source), task, {
      limits,
      skipBodiesFrom,
      keep,
      // For the seek index of a gzip layer (core/deflate/): the scan sees its output once.
      seekWindows: true,
      // This is a browser's decoder: it hands over its output as each write is done.
      notePlaces: true,
      entryBudget: { left: entriesLeft },
      onBytes: (read) => {
        // Progress at most every 4 MiB: a message per chunk would cost more than the chunk.
        if (read - reported < 4 << 20) return;
        send({ type: 'bytes', n: read - last });
        last = reported = read;
      },
    });
    send({ type: 'bytes', n: task.size - last });
    // The entries and a zstd layer's places (tens of MB each) are handed over, not copied.
    const places = (scan.zstdPlaces ?? []).map((place) => place.memory.buffer);
    const { message, transfer } = toScanMessage(scan);
    self.postMessage({ type: 'scanned', scan: message, kept } satisfies FromScanner, [
      ...transfer,
      ...places,
    ]);
  } catch (error) {
    send({ type: 'failed', problem: toProblem(error) });
  }
};
