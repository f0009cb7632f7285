import type { SourceSpec } from '../core/bytes.ts';
import { type SeekIndexes, WHOLE_ARCHIVE } from '../core/deflate/seek-index.ts';
import { SEEK_EVERY } from '../core/deflate/windows.ts';
import type { ArchiveRead } from '../core/read-archive.ts';
import type { FromSkimmer, SkimJob } from './protocol.ts';

/**
 * The archive worker's side of the skimmer (skim-worker.ts), which finds the places to resume
 * decoding from in the gzip layers of an uncompressed archive, largest layer first, and files
 * them in `indexes`. It starts once a core is free: when a scan worker has no layer left to take,
 * or when the read is over.
 */
/** A skimmer silent this long (a slow or held source) no longer holds the digest check back. */
const QUIET_MS = 2000;

export class LayerSkimmer {
  private started = false;
  private told = false;
  private quiet: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly spec: SourceSpec,
    private readonly indexes: SeekIndexes,
    /** Told once: the skimmer is done or silent (QUIET_MS), or there is nothing to skim. */
    private readonly onDone: () => void,
    /** Compressed bytes walked, of all those of the layers it was given. */
    private readonly onProgress: (done: number, total: number) => void,
  ) {}

  private total = 0;
  /** The layers still to skim, the one being skimmed first. */
  private queue: string[] = [];

  /** The skimmer is on to the next layer of the queue. */
  private next(): void {
    const blobPath = this.queue.shift();
    if (blobPath !== undefined) this.indexes.skimming(blobPath);
  }

  private done(): void {
    clearTimeout(this.quiet);
    if (this.told) return;
    this.told = true;
    this.onDone();
  }

  /** Heard from the skimmer: it is still at work. */
  private busy(): void {
    clearTimeout(this.quiet);
    this.quiet = setTimeout(() => this.done(), QUIET_MS);
  }

  /** Starts on the layer blobs of `read` (those that turn out not to be gzip are let go). */
  start(read: ArchiveRead): void {
    if (this.started) return;
    this.started = true;
    const layers = read.model.compression === 'none' ? this.layersOf(read) : this.archiveOf(read);
    if (layers.length === 0) {
      this.done();
      return;
    }
    // Reads wait only for the layer the skimmer is on: one still queued is read as before.
    this.queue = layers.map((l) => l.blobPath);
    this.next();
    this.total = layers.reduce((n, l) => n + l.size, 0);
    this.onProgress(0, this.total);
    const worker = new Worker(new URL('./skim-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<FromSkimmer>) => this.heard(event.data, worker);
    // A skimmer that crashes leaves the places it found; reads go on without the rest.
    worker.onerror = (event) => {
      event.preventDefault();
      worker.terminate();
      this.indexes.stopped();
      this.done();
    };
    worker.postMessage({ source: this.spec, layers } satisfies SkimJob);
    this.busy();
  }

  /** A gzip-wrapped archive (`docker save | gzip`) is one member: the whole file is skimmed. */
  private archiveOf(read: ArchiveRead): SkimJob['layers'] {
    if (read.model.compression !== 'gzip' || !read.outerWindows) return [];
    return [{ blobPath: WHOLE_ARCHIVE, start: 0, size: read.model.archiveBytes }];
  }

  /** An uncompressed archive's layer blobs that are, or may be, gzip, largest first. */
  private layersOf(read: ArchiveRead): SkimJob['layers'] {
    const blobPaths = new Set(
      read.model.images.flatMap((image) => image.layers.map((l) => l.blobPath)),
    );
    // Layers already scanned are known to be gzip or not; the others are found out by trying.
    const maybeGzip = (path: string) => {
      const scan = read.scans.get(path);
      return (
        !scan || (scan.compression === 'gzip' && scan.seekWindows !== undefined && !scan.error)
      );
    };
    return read.index.entries
      .filter((e) => blobPaths.has(e.path) && e.size >= SEEK_EVERY / 8 && maybeGzip(e.path))
      .map((e) => ({ blobPath: e.path, start: e.dataOffset, size: e.size }))
      .sort((a, b) => b.size - a.size);
  }

  /** The read is over: the windows its scans kept of gzip layers (or of the gzip archive). */
  scanned(read: ArchiveRead): void {
    if (read.model.compression === 'gzip' && read.outerWindows)
      this.indexes.windowsKept(
        WHOLE_ARCHIVE,
        read.outerWindows,
        SEEK_EVERY,
        read.model.archiveBytes,
      );
    for (const [blobPath, scan] of read.scans) {
      const entry = read.index.entries.find((e) => e.path === blobPath);
      if (entry && scan.compression === 'gzip' && scan.seekWindows && !scan.error)
        this.indexes.windowsKept(blobPath, scan.seekWindows, SEEK_EVERY, entry.size);
      else this.indexes.drop(blobPath);
    }
  }

  private heard(message: FromSkimmer, worker: Worker): void {
    this.busy();
    switch (message.type) {
      case 'found':
        this.indexes.found(message.blobPath, message.points);
        break;
      case 'walked':
        if (!this.told) this.onProgress(message.bytes, this.total);
        break;
      case 'ended':
        this.indexes.ended(message.blobPath, message.endBit, message.size);
        this.next();
        break;
      case 'failed':
        this.indexes.drop(message.blobPath);
        this.next();
        break;
      case 'done':
        worker.terminate();
        this.indexes.stopped();
        this.done();
        break;
      default: {
        const unknown: never = message;
        throw new Error(`unknown message ${JSON.stringify(unknown)}`);
      }
    }
  }
}
