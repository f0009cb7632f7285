/// <reference lib="webworker" />
import { openSource, type SourceSpec } from '../core/bytes.ts';
import { toProblem } from '../core/errors.ts';
import { type BlobTask, scanBlobAt } from '../core/layer/scan-blob.ts';
import { toScanMessage } from '../core/layer/scan-message.ts';
import type { Limits } from '../core/limits.ts';
import type { FromScanner } from './protocol.ts';

/**
 * Scans one layer blob at a time for the archive worker's pool (scan-pool.ts), so that the layers
 * of an uncompressed archive are read on every core at once.
 */
declare const self: DedicatedWorkerGlobalScope;

export interface ScanJob {
  source: SourceSpec;
  task: BlobTask;
  limits?: Limits | undefined;
  skipBodiesFrom?: number | undefined;
  entriesLeft: number;
}

const send = (message: FromScanner) => self.postMessage(message);

self.onmessage = async (event: MessageEvent<ScanJob>) => {
  const { source, task, limits, skipBodiesFrom, entriesLeft } = event.data;
  let last = 0;
  let reported = 0;
  try {
    const scan = await scanBlobAt(openSource(source), task, {
      limits,
      skipBodiesFrom,
      entryBudget: { left: entriesLeft },
      onBytes: (read) => {
        // Progress at most every 4 MiB: a message per chunk would cost more than the chunk.
        if (read - reported < 4 << 20) return;
        send({ type: 'bytes', n: read - last });
        last = reported = read;
      },
    });
    send({ type: 'bytes', n: task.size - last });
    send({ type: 'scanned', scan: toScanMessage(scan) });
  } catch (error) {
    send({ type: 'failed', problem: toProblem(error) });
  }
};
