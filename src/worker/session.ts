import type { SourceSpec } from '../core/bytes.ts';
import type { Problem } from '../core/errors.ts';
import type { ArchiveModel } from '../core/image/model.ts';
import type { Progress } from '../core/read-archive.ts';
import { layerBlobs, verifyShares } from '../core/verify.ts';
import { Holds } from './gate.ts';
import {
  type Answers,
  type ExportWhat,
  type FromVerifier,
  type FromWorker,
  KEPT_FOLDER_PREFIX,
  type LayerSummary,
  type QueryOf,
  type QueryType,
  type ToWorker,
} from './protocol.ts';

export interface OpenHandlers {
  onModel?: (model: ArchiveModel) => void;
  onLayer?: (layer: LayerSummary) => void;
  onProgress?: (progress: Progress) => void;
  /** After the open resolves: the second pass hashing skipped bodies (done -1: it stopped). */
  onChecking?: (done: number, total: number) => void;
  /** The second pass is over: ask the analysis again. */
  onRefined?: () => void;
  /** The gzip layers' seek index: compressed bytes walked of all; told `null` when it is over. */
  onIndexing?: (progress: { done: number; total: number } | null) => void;
}

/** A request that failed: carries the worker's Problem (a crash has the code `worker-crashed`). */
export class RequestFailed extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
    this.name = 'RequestFailed';
  }
}

/**
 * What every outstanding promise is rejected with when its session ends (another file opened,
 * Cancel) or its own signal aborts. Views treat it as "no longer wanted", never as an error.
 */
export class Cancelled extends Error {
  constructor(message = 'Cancelled.') {
    super(message);
    this.name = 'AbortError';
  }
}

export function isCancellation(error: unknown): boolean {
  return (
    error instanceof Cancelled ||
    (error instanceof Error && error.name === 'AbortError') ||
    (error instanceof RequestFailed && error.problem.code === 'cancelled')
  );
}

interface Pending {
  resolve: (value: never) => void;
  reject: (error: Error) => void;
}

export interface VerifyHandlers {
  onProgress?: (done: number, total: number) => void;
  /** A layer's tar was kept on disk whole (its files now open at once, wherever they are). */
  onKept?: (blobPath: string) => void;
}

const archiveWorker = () => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });

/** An archive worker started before any file is chosen; the next session takes it. */
let spare: { worker: Worker; failed: boolean } | undefined;

/**
 * Starts the next session's archive worker now, while the page waits for a file: its script loads
 * and it starts its scan workers before the file arrives, not after (about 150 ms of a warm
 * open on this 2-core machine, more on the first). A failure to start is noted, as no session
 * listens yet: the session then starts a worker of its own, instead of waiting on a dead one.
 */
export function prepareArchiveWorker(): void {
  if (typeof Worker === 'undefined' || spare) return;
  const held = { worker: archiveWorker(), failed: false };
  held.worker.onerror = () => {
    held.failed = true;
  };
  spare = held;
}

function takeArchiveWorker(): Worker {
  const held = spare;
  spare = undefined;
  if (held && !held.failed) return held.worker;
  held?.worker.terminate();
  return archiveWorker();
}

/**
 * One opened archive: its workers and every request made about it (after squoosh's worker bridge).
 * Calls are promises that take an AbortSignal. `end()` terminates the workers, which stops them
 * whatever they are doing, and rejects everything outstanding with `Cancelled`; a crashed worker
 * rejects everything with a `RequestFailed` that says so. Answers cannot reach another archive:
 * each session has its own workers.
 */
export class ArchiveSession {
  private readonly worker: Worker;
  private verifiers: Worker[] = [];
  /** Writes compressed layers to disk as the scan decompresses them (keeper-worker.ts). */
  private keeper: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly exports = new Map<number, (chunk: Uint8Array) => Promise<void> | void>();
  private opening: (Pending & { handlers: OpenHandlers }) | undefined;
  /** The open's handlers, kept for what the worker says after the open resolves. */
  private handlers: OpenHandlers = {};
  private markSkimmed: (indexed: string[]) => void = () => {};
  /** The layers indexed whole, once the archive worker's skimmer is done (skim-client.ts). */
  private readonly skimmedPromise = new Promise<string[]>((resolve) => {
    this.markSkimmed = resolve;
  });

  /**
   * Resolves once the skimmer has found its places in the gzip layers, or after `atMost` ms: the
   * digest check waits for it, as on two cores the check beside it made it run at half speed
   * while a file deep in a layer waited on it.
   */
  skimmed(atMost: number): Promise<string[]> {
    return Promise.race([
      this.skimmedPromise,
      new Promise<string[]>((resolve) => setTimeout(() => resolve([]), atMost)),
    ]);
  }
  private endedWith: Error | undefined;
  /**
   * This session's folder of kept layers in the origin private file system (kept-on-disk.ts), when
   * the browser has one.
   */
  private readonly keptIn =
    typeof navigator !== 'undefined' && typeof navigator.storage?.getDirectory === 'function'
      ? `${KEPT_FOLDER_PREFIX}${crypto.randomUUID()}`
      : undefined;

  constructor(
    readonly source: SourceSpec,
    readonly name: string,
    /** Told once if a worker crashes (not when the session is ended on purpose). */
    private readonly onCrash: (problem: Problem) => void = () => {},
  ) {
    this.worker = takeArchiveWorker();
    this.worker.onmessage = (event: MessageEvent<FromWorker>) => this.receive(event.data);
    this.worker.onerror = (event) => {
      event.preventDefault();
      this.crash(event.message || 'the archive reader stopped unexpectedly');
    };
    this.worker.onmessageerror = () => this.crash('a message from the archive reader was lost');
  }

  get ended(): boolean {
    return this.endedWith !== undefined;
  }

  /** Ends the session: both workers stop at once and every outstanding promise is rejected. */
  end(reason = 'The archive was closed.'): void {
    this.settleAll(new Cancelled(reason));
  }

  private crash(what: string): void {
    if (this.ended) return;
    const problem: Problem = {
      code: 'worker-crashed',
      message: `The reader of ${this.name} crashed (${what}); perhaps it ran out of memory. Reopen the file to try again.`,
    };
    this.settleAll(new RequestFailed(problem));
    this.onCrash(problem);
  }

  private settleAll(error: Error): void {
    if (this.ended) return;
    this.endedWith = error;
    this.worker.terminate();
    for (const verifier of this.verifiers) verifier.terminate();
    this.keeper?.terminate();
    this.removeKeptLayers();
    this.opening?.reject(error);
    this.opening = undefined;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    this.exports.clear();
  }

  /** Best effort: what a worker still held is removed by the next archive worker (its lock is free). */
  private removeKeptLayers(): void {
    const folder = this.keptIn;
    if (!folder) return;
    navigator.storage
      .getDirectory()
      .then((root) => root.removeEntry(folder, { recursive: true }))
      .catch(() => {});
  }

  private post(message: ToWorker, transfer: Transferable[] = []): void {
    if (!this.ended) this.worker.postMessage(message, transfer);
  }

  /**
   * A port to a new keeper for the archive worker, or undefined without a folder to keep in or a
   * core to spare: on this 2-core machine the keeper made a 1.4 GB gzip image ready 15% later
   * (16.6 s against 19.4 s, averages of three runs), and the digest check keeps the layers after
   * the image is shown instead.
   */
  private startKeeper(): MessagePort | undefined {
    if (!this.keptIn || (navigator.hardwareConcurrency ?? 1) < 3) return undefined;
    const channel = new MessageChannel();
    this.keeper = new Worker(new URL('./keeper-worker.ts', import.meta.url), { type: 'module' });
    // A keeper that fails only means layers are kept later, by the digest check.
    this.keeper.onerror = (event) => event.preventDefault();
    this.keeper.postMessage({ folder: this.keptIn, port: channel.port1 }, [channel.port1]);
    return channel.port2;
  }

  /** Reads the archive; resolves with its warnings when every layer has been read. */
  open(handlers: OpenHandlers = {}): Promise<Problem[]> {
    return new Promise((resolve, reject) => {
      if (this.endedWith) return reject(this.endedWith);
      this.opening = { resolve: resolve as (value: never) => void, reject, handlers };
      this.handlers = handlers;
      const keeper = this.startKeeper();
      this.post(
        {
          type: 'open',
          source: this.source,
          name: this.name,
          ...(this.keptIn ? { keptIn: this.keptIn } : {}),
          ...(keeper ? { keeper } : {}),
        },
        keeper ? [keeper] : [],
      );
    });
  }

  /** A promise kept in `pending` until its answer, its failure, its abort or the session's end. */
  private call<T>(id: number, signal: AbortSignal | undefined, start: () => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.endedWith) return reject(this.endedWith);
      if (signal?.aborted) return reject(new Cancelled());
      this.pending.set(id, { resolve: resolve as (value: never) => void, reject });
      signal?.addEventListener(
        'abort',
        () => {
          if (!this.pending.delete(id)) return;
          this.exports.delete(id);
          this.post({ type: 'abort', id });
          reject(new Cancelled());
        },
        { once: true },
      );
      start();
    });
  }

  /** Asks the worker about the archive; the answer's type follows from the query's. */
  request<K extends QueryType>(
    query: QueryOf<K>,
    signal?: AbortSignal,
    onProgress?: (done: number, total: number) => void,
  ): Promise<Answers[K]> {
    const id = this.nextId++;
    if (onProgress) this.progress.set(id, onProgress);
    const answer = this.call<Answers[K]>(id, signal, () =>
      this.post({ type: 'request', id, query }),
    );
    // A file read for the person using the page goes before the digest check, which waits.
    if (query.type === 'file-bytes' || query.type === 'top-file-bytes')
      answer.finally(this.fileReads.take()).catch(() => undefined);
    return answer;
  }

  /** File reads under way: the digest checkers wait while there is one (gate.ts). */
  private readonly fileReads = new Holds((pause) => {
    for (const worker of this.verifiers) worker.postMessage({ pause });
  });

  /** Progress listeners of requests under way, by id. */
  private readonly progress = new Map<number, (done: number, total: number) => void>();

  /**
   * Streams a download out of the worker: each chunk goes to `write` and is acknowledged once
   * written, which lets the worker send more. A failed write cancels the export in the worker.
   */
  exportStream(
    what: ExportWhat,
    write: (chunk: Uint8Array) => Promise<void> | void,
    signal?: AbortSignal,
  ): Promise<void> {
    const id = this.nextId++;
    return this.call<void>(id, signal, () => {
      this.exports.set(id, write);
      this.post({ type: 'export', id, what });
    });
  }

  private async receiveChunk(id: number, chunk: Uint8Array): Promise<void> {
    const write = this.exports.get(id);
    if (!write) return;
    // Counted first: a writer may hand the chunk's memory on, leaving it empty.
    const bytes = chunk.length;
    try {
      await write(chunk);
      this.post({ type: 'export-ack', id, bytes });
    } catch (error) {
      this.exports.delete(id);
      this.post({ type: 'abort', id });
      const text = error instanceof Error ? error.message : String(error);
      this.settle(id, undefined, {
        code: 'write-failed',
        message: `The download could not be written (${text}); it was stopped.`,
      });
    }
  }

  private settle(id: number, value: unknown, problem?: Problem): void {
    const pending = this.pending.get(id);
    if (!pending) return; // aborted, or its session ended: the answer is dropped
    this.pending.delete(id);
    this.exports.delete(id);
    this.progress.delete(id);
    if (problem) pending.reject(new RequestFailed(problem));
    else pending.resolve(value as never);
  }

  private receive(message: FromWorker): void {
    if (this.ended) return;
    const opening = this.opening;
    switch (message.type) {
      case 'answer':
        this.settle(message.id, message.answer);
        break;
      case 'request-failed':
      case 'export-failed':
        this.settle(message.id, undefined, message.problem);
        break;
      case 'request-progress':
        this.progress.get(message.id)?.(message.done, message.total);
        break;
      case 'export-chunk':
        void this.receiveChunk(message.id, message.chunk);
        break;
      case 'export-end':
        this.settle(message.id, undefined);
        break;
      case 'progress':
        opening?.handlers.onProgress?.(message.progress);
        break;
      case 'model':
        opening?.handlers.onModel?.(message.model);
        break;
      case 'layer':
        opening?.handlers.onLayer?.(message.layer);
        break;
      case 'checking':
        this.handlers.onChecking?.(message.done, message.total);
        break;
      case 'refined':
        this.handlers.onRefined?.();
        break;
      case 'skimming':
        this.handlers.onIndexing?.({ done: message.done, total: message.total });
        break;
      case 'skimmed':
        this.handlers.onIndexing?.(null);
        this.markSkimmed(message.indexed);
        break;
      case 'done':
        if (message.checking) this.handlers.onChecking?.(0, message.checking);
        this.opening = undefined;
        opening?.resolve(message.warnings as never);
        break;
      case 'failed':
        this.opening = undefined;
        opening?.reject(new RequestFailed(message.problem));
        break;
      default: {
        const unknown: never = message;
        throw new Error(`unknown message ${JSON.stringify(unknown)}`);
      }
    }
  }

  /**
   * Checks every layer's digests in workers of their own, one per core with the blobs shared out
   * by bytes (after the scan, so that they never compete with it; on this 2-core machine two
   * checkers pass the gzip bench image 44-46 s after the drop, one 52 s). Resolves with the
   * mismatches (none: every layer matches) and how many blobs were checked; a checker that
   * crashes rejects, so that it is never taken for success.
   */
  verify(
    model: ArchiveModel,
    handlers: VerifyHandlers = {},
    /** Layers with a whole seek index, not kept on disk ('' for a whole gzip-wrapped archive). */
    indexed: string[] = [],
  ): Promise<{ total: number; problems: Problem[] }> {
    return new Promise((resolve, reject) => {
      if (this.endedWith) return reject(this.endedWith);
      const id = this.nextId++;
      this.pending.set(id, { resolve: resolve as (value: never) => void, reject });
      const shares = verifyShares(model, navigator.hardwareConcurrency ?? 1);
      const progress = shares.map(() => ({ done: 0, total: 0 }));
      const results: { total: number; problems: Problem[] }[] = [];
      const order = layerBlobs(model);
      const rank = (p: Problem) => {
        const at = order.indexOf(p.detail ?? '');
        return at < 0 ? order.length : at;
      };
      const stopAll = () => {
        for (const worker of this.verifiers) worker.terminate();
        this.verifiers = [];
      };
      this.verifiers = shares.map((only, i) => {
        const worker = new Worker(new URL('./verify-worker.ts', import.meta.url), {
          type: 'module',
        });
        worker.onmessage = (event: MessageEvent<FromVerifier>) => {
          const message = event.data;
          if (message.type === 'progress') {
            progress[i] = { done: message.done, total: message.total };
            const sum = (key: 'done' | 'total') => progress.reduce((n, p) => n + p[key], 0);
            handlers.onProgress?.(sum('done'), sum('total'));
          } else if (message.type === 'keeping') this.post(message);
          else if (message.type === 'kept') {
            this.post(message);
            if (message.whole) handlers.onKept?.(message.blobPath);
          } else {
            worker.terminate();
            results.push({ total: message.total, problems: message.problems });
            if (results.length < shares.length) return;
            this.verifiers = [];
            this.settle(id, {
              total: results.reduce((n, r) => n + r.total, 0),
              // In layer order, as one checker finds them.
              problems: results.flatMap((r) => r.problems).sort((a, b) => rank(a) - rank(b)),
            });
          }
        };
        worker.onerror = (event) => {
          event.preventDefault();
          stopAll();
          this.settle(id, undefined, {
            code: 'verify-failed',
            message: `The layers could not be verified: ${event.message || 'the checker stopped'}.`,
          });
        };
        worker.postMessage({ source: this.source, model, keptIn: this.keptIn, only, indexed });
        if (this.fileReads.held) worker.postMessage({ pause: true });
        return worker;
      });
    });
  }
}
