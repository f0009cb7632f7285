import type { SourceSpec } from '../core/bytes.ts';
import { type SeekIndexes, WHOLE_ARCHIVE } from '../core/deflate/seek-index.ts';
import { SEGMENT } from '../core/deflate/tail.ts';
import { SEEK_EVERY } from '../core/deflate/windows.ts';
import type { ArchiveRead } from '../core/read-archive.ts';
import { Holds } from './gate.ts';
import type { FromSkimmer, SkimJob, SkimMeet, SkimPause } from './protocol.ts';
import { TailWalker } from './skim-tail-client.ts';

/** One skimmer worker: the layers it has left, the one it is on, and how far it has walked. */
interface Share {
  worker: Worker;
  /** Reads waiting for places the tail walker is nearer to: the skimmer waits meanwhile. */
  holds: Holds;
  list: SkimJob['layers'];
  queue: string[];
  current: string | undefined;
  walked: number;
  over: boolean;
}

/** A skimmer silent this long (a slow or held source) no longer holds the digest check back. */
const QUIET_MS = 2000;

/**
 * The archive worker's side of the skimmers (skim-worker.ts), which find the places to resume
 * decoding from in the gzip layers of an uncompressed archive (or in a whole gzip-wrapped one),
 * one skimmer per core but one, and file them in `indexes`. They start once a core is free: when
 * a scan worker has no layer left to take, or when the read is over.
 */
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
  ) {
    indexes.onWait = (key, offset, reached) => this.favour(key, offset, reached);
    this.tail = new TailWalker(
      spec,
      indexes,
      (blobPath, bit, stored) => {
        // The skimmer that has the layer stops there, if it is not past it already.
        for (const share of this.shares)
          if (share.queue.includes(blobPath) || share.current === blobPath)
            share.worker.postMessage({ type: 'meet', blobPath, bit, stored } satisfies SkimMeet);
      },
      (blobPath) => {
        // A layer no skimmer is on yet: a read in it no longer waits for places from its end.
        if (!this.shares.some((share) => share.current === blobPath))
          this.indexes.stopped([blobPath]);
        this.nextTail();
      },
    );
  }

  private total = 0;
  private shares: Share[] = [];
  /**
   * A second worker that walks large layers from their ends while the skimmers walk them from
   * their starts: the largest first, then those the skimmers will come to last.
   */
  private readonly tail: TailWalker;

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

  /**
   * Starts on the layer blobs of `read` (those that turn out not to be gzip are let go): one
   * skimmer per core but one, the layers shared out by bytes, largest first (a layer is walked
   * from its start to its end, so the largest alone sets the least time it takes).
   */
  start(read: ArchiveRead): void {
    if (this.started) return;
    this.started = true;
    const layers = read.model.compression === 'none' ? this.layersOf(read) : this.archiveOf(read);
    if (layers.length === 0) {
      this.done();
      return;
    }
    this.total = layers.reduce((n, l) => n + l.size, 0);
    this.onProgress(0, this.total);
    // A core is left to the page and the browser's reading: on two cores, two skimmers made the
    // largest layer's places come later (its end 4.6 s after ready against 4.05 s).
    const cores = navigator.hardwareConcurrency ?? 1;
    const count = Math.max(1, Math.min(cores - 1, layers.length));
    const lists: SkimJob['layers'][] = Array.from({ length: count }, () => []);
    const bytes = lists.map(() => 0);
    for (const layer of layers) {
      const lightest = bytes.indexOf(Math.min(...bytes));
      lists[lightest]!.push(layer);
      bytes[lightest]! += layer.size;
    }
    this.shares = lists.map((list) => this.launch(list));
    // On one core the tail worker would only halve the skimmer's speed.
    if (cores < 2) this.tail.end();
    this.nextTail();
    this.busy();
  }

  /**
   * Gives the tail walker its next walk: first the last segment of every large layer a skimmer
   * has yet to finish, largest first, so that a file near the end of any of them opens at once;
   * then the largest walked on (its end, 1.3 GB in, took 3.9 s after ready with the skimmer
   * alone), then the last of the layers a skimmer has yet to come to.
   */
  private nextTail(): void {
    if (this.tail.busy) return;
    const open = this.shares
      .flatMap((share) =>
        share.list.filter((l) => l.blobPath === share.current || share.queue.includes(l.blobPath)),
      )
      .filter((l) => l.size >= 3 * SEGMENT)
      .sort((a, b) => b.size - a.size);
    const ends = open.filter((l) => this.tail.canWalk(l, 'end'));
    if (ends[0]) {
      // A read near the end of any of them waits for its places (a second, at most) rather than
      // decoding the layer from its start.
      for (const l of ends) this.indexes.skimming(l.blobPath);
      this.tail.walk(ends[0], 'end');
      return;
    }
    const largest = open[0];
    const candidates = [
      ...(largest && largest.size >= 4 * SEGMENT ? [largest] : []),
      ...this.shares.flatMap((share) =>
        share.list.filter((l) => share.queue.includes(l.blobPath)).reverse(),
      ),
    ];
    const next = candidates.find((l) => l.size >= 3 * SEGMENT && this.tail.canWalk(l, 'on'));
    if (next) this.tail.walk(next, 'on');
    else if (this.shares.every((s) => s.over)) this.tail.end();
  }

  /**
   * A read waits for layer `key`'s places about output `offset`: the walk nearer to it (the
   * skimmer from the layer's start, or the tail walker from its end) has the cores to itself until
   * the wait is over, and the other waits. The two share two cores, and either alone walks about
   * a third faster.
   */
  private favour(key: string, offset: number, reached: { start: number; end: number }): () => void {
    const share = this.shares.find((s) => s.current === key);
    // The tail walker may be on another layer's last segment for a moment: it comes back to this
    // one unless it is done with it.
    const fromEnd =
      Number.isFinite(reached.end) &&
      this.tail.walksOn(key) &&
      reached.end - offset < offset - reached.start;
    if (fromEnd) {
      const released = this.shares.map((s) => s.holds.take());
      return () => {
        for (const release of released) release();
      };
    }
    if (!share) return () => undefined;
    return this.tail.hold();
  }

  /** The skimmer is `walked` bytes into its list: the tail walker hears how far into its layer. */
  private tellTail(share: Share): void {
    if (share.current === undefined) return;
    let before = 0;
    for (const layer of share.list) {
      if (layer.blobPath === share.current) break;
      before += layer.size;
    }
    this.tail.passed(share.current, share.walked - before);
  }

  /** A skimmer for `list`; reads wait only for the layer it is on, not for those queued. */
  private launch(list: SkimJob['layers']): Share {
    const worker = new Worker(new URL('./skim-worker.ts', import.meta.url), { type: 'module' });
    const share: Share = {
      worker,
      holds: new Holds((pause) =>
        worker.postMessage({ type: pause ? 'pause' : 'resume' } satisfies SkimPause),
      ),
      list,
      queue: list.map((l) => l.blobPath),
      current: undefined,
      walked: 0,
      over: false,
    };
    this.next(share);
    share.worker.onmessage = (event: MessageEvent<FromSkimmer>) => this.heard(event.data, share);
    // A skimmer that crashes leaves the places it found; reads go on without the rest.
    share.worker.onerror = (event) => {
      event.preventDefault();
      this.finish(share);
    };
    share.worker.postMessage({ type: 'job', source: this.spec, layers: list } satisfies SkimJob);
    return share;
  }

  /** The skimmer is on to the next layer of its list. */
  private next(share: Share): void {
    // The skimmer has the whole of the layer it leaves: the tail walker has nothing more there.
    if (share.current !== undefined) this.tail.left(share.current);
    share.current = share.queue.shift();
    if (share.current !== undefined) this.indexes.skimming(share.current);
  }

  /** A skimmer is done (or crashed): what it had left will not be found. */
  private finish(share: Share): void {
    if (share.current !== undefined) this.tail.left(share.current);
    share.worker.terminate();
    share.over = true;
    this.indexes.stopped([...(share.current === undefined ? [] : [share.current]), ...share.queue]);
    if (this.shares.every((s) => s.over)) {
      this.tail.end();
      this.done();
    }
  }

  /** A gzip-wrapped archive (`docker save | gzip`) is one member: the whole file is skimmed. */
  private archiveOf(read: ArchiveRead): SkimJob['layers'] {
    // Not when its read noted its places (a list emptied since, GzipNoting.lost, is none).
    if (read.model.compression !== 'gzip' || !read.outerWindows || read.outerNoted?.length)
      return [];
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

  /**
   * The read is over: the windows its scans kept of gzip layers (or of the gzip archive), and the
   * places they noted in zstd layers.
   */
  scanned(read: ArchiveRead): void {
    if (read.outerPlaces)
      this.indexes.zstdKept(WHOLE_ARCHIVE, read.outerPlaces, read.model.archiveBytes);
    if (read.outerNoted?.length)
      this.indexes.placesNoted(WHOLE_ARCHIVE, read.outerNoted, read.model.archiveBytes);
    else if (read.model.compression === 'gzip' && read.outerWindows)
      this.indexes.windowsKept(
        WHOLE_ARCHIVE,
        read.outerWindows,
        SEEK_EVERY,
        read.model.archiveBytes,
      );
    for (const [blobPath, scan] of read.scans) {
      const entry = read.index.entries.find((e) => e.path === blobPath);
      // A gzip layer whose scan noted its places needs no skimmer either.
      if (entry && scan.gzipPlaces) this.indexes.placesNoted(blobPath, scan.gzipPlaces, entry.size);
      else if (entry && scan.compression === 'gzip' && scan.seekWindows && !scan.error)
        this.indexes.windowsKept(blobPath, scan.seekWindows, SEEK_EVERY, entry.size);
      else this.indexes.drop(blobPath);
      // A zstd layer needs no skimmer: the scan noted its decoder's places as it went (those
      // before any damage are good).
      if (entry && scan.zstdPlaces) this.indexes.zstdKept(blobPath, scan.zstdPlaces, entry.size);
    }
  }

  private heard(message: FromSkimmer, share: Share): void {
    this.busy();
    switch (message.type) {
      case 'found':
        this.indexes.found(message.blobPath, message.points);
        break;
      case 'walked':
        share.walked = message.bytes;
        this.tellTail(share);
        if (!this.told)
          this.onProgress(
            this.shares.reduce((n, s) => n + s.walked, 0),
            this.total,
          );
        break;
      case 'ended':
        this.indexes.ended(message.blobPath, message.endBit, message.size);
        this.next(share);
        break;
      case 'met':
        // The two walks agree on the output where they meet, or neither is trusted.
        if (this.tail.agrees(message.blobPath, message.bit, message.out))
          this.indexes.joined(message.blobPath);
        else this.indexes.drop(message.blobPath);
        this.next(share);
        break;
      case 'failed':
        this.indexes.drop(message.blobPath);
        this.next(share);
        break;
      case 'done':
        this.finish(share);
        break;
      default: {
        const unknown: never = message;
        throw new Error(`unknown message ${JSON.stringify(unknown)}`);
      }
    }
  }
}
