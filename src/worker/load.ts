import type { ByteSource } from '../core/bytes.ts';
import { toProblem } from '../core/errors.ts';
import { type ArchiveRead, readArchive } from '../core/read-archive.ts';
import type { FromWorker } from './protocol.ts';

/**
 * Opens one archive and reports each step. A plain async function with nothing worker-specific in
 * it: the worker entry wires it to postMessage, tests can call it directly.
 */
export async function loadArchive(
  source: ByteSource,
  signal: AbortSignal,
  send: (message: FromWorker) => void,
  /** Gets the read as soon as the model is known; its layer scans fill in afterwards. */
  onStarted?: (read: ArchiveRead) => void,
): Promise<ArchiveRead | undefined> {
  try {
    const read = await readArchive(source, {
      signal,
      onModel: (model, read) => {
        onStarted?.(read);
        send({ type: 'model', model });
      },
      onProgress: (progress) => send({ type: 'progress', progress }),
      onLayer: (blobPath, scan) =>
        send({
          type: 'layer',
          layer: {
            blobPath,
            compression: scan.compression,
            entries: scan.entries.length,
            size: scan.size,
            error: scan.error ? scan.error.toProblem() : null,
          },
        }),
    });
    send({ type: 'done', warnings: read.model.warnings });
    return read;
  } catch (error) {
    if (!signal.aborted) send({ type: 'failed', problem: toProblem(error) });
    return undefined;
  }
}
