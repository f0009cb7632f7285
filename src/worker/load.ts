import type { ByteSource } from '../core/bytes.ts';
import { toProblem } from '../core/errors.ts';
import { fillHashes, hashesChangedComparisons, type PendingBody } from '../core/fill-hashes.ts';
import { type ArchiveRead, type ReadOptions, readArchive } from '../core/read-archive.ts';
import type { FromWorker } from './protocol.ts';

/** Bodies to check (headers first) up to this many bytes are checked before the image is shown. */
const CHECK_BEFORE_READY = 64 << 20;

const bytesOf = (bodies: { size: number }[]) => bodies.reduce((n, b) => n + b.size, 0);

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
  options: {
    /**
     * Headers first: large bodies are skipped in the first pass (see ReadOptions.skipBodiesFrom);
     * after `done`, those whose hash the change model needs are read, then `onRefined` is called
     * and the page told (`refined`) to ask again.
     */
    headersFirst?: {
      skipBodiesFrom: number;
      /** The skipped bodies the change model needs, once every layer is read (neededBodies). */
      needed: (read: ArchiveRead) => PendingBody[];
      onRefined: () => void;
    };
    /** Where compressed layers are kept as they are scanned (ReadOptions.keep). */
    keep?: ReadOptions['keep'];
    /** Where layers are scanned, several at once (ReadOptions.scanElsewhere). */
    scanElsewhere?: ReadOptions['scanElsewhere'];
    /** Where a compressed archive is decoded (ReadOptions.decodeElsewhere). */
    decodeElsewhere?: ReadOptions['decodeElsewhere'];
    /** Keep the windows of gzip data for a seek index (ReadOptions.seekWindows). */
    seekWindows?: boolean;
    /**
     * Every layer has been read (or the read failed): whatever read them can go, before the
     * histories are built for the bodies to check (the scan workers' memory would add to theirs).
     */
    onRead?: () => void;
  } = {},
): Promise<ArchiveRead | undefined> {
  const { headersFirst } = options;
  let read: ArchiveRead;
  try {
    read = await readArchive(source, {
      signal,
      ...(headersFirst ? { skipBodiesFrom: headersFirst.skipBodiesFrom } : {}),
      ...(options.keep ? { keep: options.keep } : {}),
      ...(options.scanElsewhere ? { scanElsewhere: options.scanElsewhere } : {}),
      ...(options.decodeElsewhere ? { decodeElsewhere: options.decodeElsewhere } : {}),
      // In the browser, whose decoder lets a scan note a gzip layer's places (ScanOptions.notePlaces).
      ...(options.seekWindows ? { seekWindows: true, notePlaces: true } : {}),
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
  } catch (error) {
    options.onRead?.();
    if (!signal.aborted) send({ type: 'failed', problem: toProblem(error) });
    return undefined;
  }
  options.onRead?.();
  const needed = headersFirst ? headersFirst.needed(read) : [];
  // A check this small is done before the image is shown: its figures are then final at once.
  if (headersFirst && needed.length > 0 && bytesOf(needed) <= CHECK_BEFORE_READY) {
    try {
      await fillHashes(read, source, needed, { signal });
      headersFirst.onRefined();
      send({ type: 'done', warnings: read.model.warnings });
      return read;
    } catch {
      // Read again after the image is shown, as a larger check is (below).
    }
  }
  send({ type: 'done', warnings: read.model.warnings, checking: needed.length });
  if (headersFirst && needed.length > 0) {
    try {
      await fillHashes(read, source, needed, {
        signal,
        // The last word is `refined` or a final `checking`, never a progress message.
        onProgress: (done, total) => {
          if (done < total) send({ type: 'checking', done, total });
        },
      });
    } catch {
      // The figures stay as first classified; the page is told the check did not finish.
      if (!signal.aborted) send({ type: 'checking', done: -1, total: needed.length });
      return read;
    }
    // Only when a same-size rewrite turned out otherwise than first counted do the figures change.
    if (hashesChangedComparisons(read, needed)) {
      headersFirst.onRefined();
      send({ type: 'refined' });
    } else send({ type: 'checking', done: needed.length, total: needed.length });
  }
  return read;
}
