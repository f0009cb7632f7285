/// <reference lib="webworker" />
import { openSource, type SourceSpec } from '../core/bytes.ts';
import type { Compression } from '../core/compression.ts';
import { SeekIndexes } from '../core/deflate/seek-index.ts';
import { toProblem } from '../core/errors.ts';
import type { ArchiveRead } from '../core/read-archive.ts';
import { ArchiveQueries } from './archive-queries.ts';
import { decodeInWorker } from './decode-client.ts';
import { KeeperClient } from './keeper-client.ts';
import { holdKeptFolder, KeptOnDisk } from './kept-on-disk.ts';
import { loadArchive } from './load.ts';
import type { ExportWhat, FromWorker, Query, ToWorker } from './protocol.ts';
import { endScanWorkers, ScanPool, startScanWorkers } from './scan-pool.ts';
import { LayerSkimmer } from './skim-client.ts';

/**
 * An archive worker: reads one archive off the main thread, keeps what it read, answers requests
 * about it. It lives as long as its archive session; the page ends it by terminating it, which
 * stops any loop, however busy.
 */
declare const self: DedicatedWorkerGlobalScope;

// An archive worker may be started before its file is chosen (prepareArchiveWorker): its scan
// workers load meanwhile too. A single core gets none (layers are scanned here).
const cores = navigator.hardwareConcurrency ?? 1;
if (cores > 1) startScanWorkers(cores);

let archive: ArchiveQueries | undefined;
/** Places to resume decoding from inside the archive's gzip layers, found after it is shown. */
const seekIndexes = new SeekIndexes();
/** Layers the verifier kept decompressed, read back for content (kept-on-disk.ts). */
let keptOnDisk: KeptOnDisk | undefined;
/**
 * Bodies this large are not read in the first pass of an uncompressed archive: reopening the file
 * past one costs about a millisecond (shared/docs/TOOLCHAIN.md), about what reading 1 MiB costs.
 * Measured on the 150,000-file bench image in Node: 4 MiB reads 1,223 MB of 2,322, 1 MiB 924 MB,
 * 256 KiB 918 MB (small files make up the rest).
 */
const SKIP_BODIES_FROM = 1 << 20;
let complete = false;
/** Requests and exports under way, by id, so that the page can abort them. */
const running = new Map<number, AbortController>();

const send = (message: FromWorker, transfer: Transferable[] = []) =>
  self.postMessage(message, transfer);

async function open(
  spec: SourceSpec,
  keptIn: string | undefined,
  keeperPort: MessagePort | undefined,
): Promise<void> {
  const source = openSource(spec);
  let keeper: KeeperClient | undefined;
  if (keptIn) {
    keptOnDisk = new KeptOnDisk(keptIn);
    await holdKeptFolder(keptIn);
    if (keeperPort) keeper = new KeeperClient(keeperPort, keptOnDisk);
  }
  // Files deep in gzip layers: the places to decode them from are found once a core is free.
  const seekable = spec.kind !== 'url' || spec.rangeable;
  const skimmer = seekable
    ? new LayerSkimmer(
        spec,
        seekIndexes,
        () => send({ type: 'skimmed', indexed: seekIndexes.wholeIndexes() }),
        (done, total) => send({ type: 'skimming', done, total }),
      )
    : undefined;
  let started: ArchiveRead | undefined;
  // Layers are scanned on every core when each can be read from its own offset.
  const kept = keptOnDisk;
  const pool =
    cores > 1 && seekable
      ? new ScanPool(
          spec,
          cores,
          // With a core to spare (the session started a keeper), the scan workers keep the layers
          // they scan; on this 2-core machine their writes made the gzip bench image ready 1.5x
          // later (15.4-18.4 s against 10.3-10.5 s), and the digest check keeps them instead.
          keptIn && kept && keeper
            ? {
                folder: keptIn,
                onKept: (blobPath, bytes, whole) => kept.add(blobPath, 'scan', bytes, whole),
              }
            : undefined,
        )
      : undefined;
  if (!pool) endScanWorkers();
  // A compressed archive is decoded on another core while this one reads the tar inside.
  const decodeElsewhere =
    cores > 1
      ? (compression: Compression, places: boolean) => decodeInWorker(spec, compression, places)
      : undefined;
  // The queries exist from the moment the model is known, so the tree can fill in as layers
  // finish; they are marked complete when the last one has been read.
  const read = await loadArchive(
    source,
    new AbortController().signal,
    (message) => {
      // Complete as the page hears it is done: the views may ask for full analyses from then on.
      if (message.type === 'done' && archive) archive.complete = complete = true;
      // Every layer is read: the skimmer knows which are gzip, and starts if it has not yet.
      send(message);
      if (message.type === 'done' && started) {
        skimmer?.scanned(started);
        skimmer?.start(started);
      }
      if (message.type === 'done' && !skimmer) send({ type: 'skimmed', indexed: [] });
    },
    (read) => {
      started = read;
      archive = new ArchiveQueries(read, source, keptOnDisk, seekIndexes);
    },
    {
      headersFirst: {
        skipBodiesFrom: SKIP_BODIES_FROM,
        needed: () => archive?.neededBodies() ?? [],
        onRefined: () => archive?.refresh(),
      },
      ...(keeper ? { keep: (blobPath: string) => keeper.writer(blobPath) } : {}),
      ...(pool ? { scanElsewhere: pool.scan } : {}),
      ...(decodeElsewhere ? { decodeElsewhere } : {}),
      seekWindows: skimmer !== undefined,
      onRead: () => pool?.end(),
    },
  );
  if (read && archive) archive.complete = complete = true;
}

function ready(): ArchiveQueries {
  if (!archive) throw new Error('The archive has not been read far enough yet.');
  return archive;
}

async function answer(id: number, query: Query, signal: AbortSignal): Promise<void> {
  try {
    const { answer, transfer } = await ready().answer(query, signal, (done, total) =>
      send({ type: 'request-progress', id, done, total }),
    );
    if (!signal.aborted) send({ type: 'answer', id, answer }, transfer);
  } catch (error) {
    if (!signal.aborted) send({ type: 'request-failed', id, problem: toProblem(error) });
  } finally {
    running.delete(id);
  }
}

/**
 * Downloads stream out in chunks; at most WINDOW bytes may wait unacknowledged on the page, so a
 * slow disk never lets a multi-gigabyte export pile up in memory.
 */
const WINDOW = 16 << 20;
const acks = new Map<number, (bytes: number) => void>();

async function exportStream(id: number, what: ExportWhat, signal: AbortSignal): Promise<void> {
  let waiting = 0;
  let wake: (() => void) | undefined;
  signal.addEventListener('abort', () => wake?.());
  acks.set(id, (bytes) => {
    waiting -= bytes;
    if (waiting < WINDOW) wake?.();
  });
  try {
    for await (const piece of ready().exportStream(what, signal)) {
      if (signal.aborted) return;
      const chunk = piece.slice();
      waiting += chunk.length;
      send({ type: 'export-chunk', id, chunk }, [chunk.buffer]);
      while (waiting >= WINDOW && !signal.aborted)
        await new Promise<void>((resolve) => (wake = resolve));
    }
    if (!signal.aborted) send({ type: 'export-end', id });
  } catch (error) {
    if (!signal.aborted) send({ type: 'export-failed', id, problem: toProblem(error) });
  } finally {
    acks.delete(id);
    running.delete(id);
  }
}

function track(id: number): AbortSignal {
  const controller = new AbortController();
  running.set(id, controller);
  return controller.signal;
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  switch (message.type) {
    case 'open':
      if (archive || complete) throw new Error('An archive worker opens one archive.');
      void open(message.source, message.keptIn, message.keeper);
      break;
    case 'kept':
      keptOnDisk?.add(message.blobPath, 'check', message.bytes, message.whole);
      break;
    case 'keeping':
      keptOnDisk?.written(message.blobPath, message.bytes);
      break;
    case 'request':
      void answer(message.id, message.query, track(message.id));
      break;
    case 'export':
      void exportStream(message.id, message.what, track(message.id));
      break;
    case 'export-ack':
      acks.get(message.id)?.(message.bytes);
      break;
    case 'abort':
      running.get(message.id)?.abort();
      running.delete(message.id);
      break;
    default: {
      const unknown: never = message;
      throw new Error(`unknown message ${JSON.stringify(unknown)}`);
    }
  }
};
