import type { SourceSpec } from '../core/bytes.ts';
import type { Problem } from '../core/errors.ts';
import type { ArchiveModel } from '../core/image/model.ts';
import type { Progress } from '../core/read-archive.ts';
import type { Answers, ExportWhat, FromWorker, LayerSummary, Query, ToWorker } from './protocol.ts';

export interface OpenHandlers {
  onModel?: (model: ArchiveModel) => void;
  onLayer?: (layer: LayerSummary) => void;
  onProgress?: (progress: Progress) => void;
  /** Digest checks, which finish after the layers have been read. */
  onVerified?: (warnings: Problem[]) => void;
  signal?: AbortSignal;
}

/** Thrown (as a rejection) when a job ends in failure; carries the worker's Problem. */
export class JobFailed extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
  }
}

/**
 * The one place that owns the archive worker (after squoosh's worker bridge): calls are promises,
 * progress comes through handlers, and an AbortSignal cancels. Components never talk to the worker.
 */
export class ArchiveClient {
  private worker: Worker | undefined;
  private nextJob = 1;
  private nextQuery = 1;
  private readonly queries = new Map<
    number,
    { resolve: (answer: unknown) => void; reject: (error: Error) => void }
  >();
  private readonly pending = new Map<
    number,
    {
      source: SourceSpec;
      model?: ArchiveModel;
      handlers: OpenHandlers;
      resolve: (warnings: Problem[]) => void;
      reject: (error: Error) => void;
    }
  >();
  private verifier: Worker | undefined;

  /**
   * Digest checks run in a second worker once the scan is done: on the archive worker they would
   * hold up the explorer's questions. A new file or a cancel stops them.
   */
  private verify(
    source: SourceSpec,
    model: ArchiveModel,
    done: (warnings: Problem[]) => void,
    signal?: AbortSignal,
  ): void {
    this.verifier?.terminate();
    const worker = new Worker(new URL('./verify-worker.ts', import.meta.url), { type: 'module' });
    this.verifier = worker;
    const stop = () => {
      worker.terminate();
      if (this.verifier === worker) this.verifier = undefined;
    };
    signal?.addEventListener('abort', stop);
    worker.onmessage = (event: MessageEvent<Problem[]>) => {
      stop();
      done(event.data);
    };
    worker.onerror = () => stop();
    worker.postMessage({ source, model });
  }

  private ensureWorker(): Worker {
    if (!this.worker) {
      this.worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
      this.worker.onmessage = (event: MessageEvent<FromWorker>) => this.receive(event.data);
      this.worker.onerror = (event) => {
        for (const [, job] of this.pending)
          job.reject(
            new JobFailed({ code: 'worker', message: `The reader stopped: ${event.message}` }),
          );
        this.pending.clear();
      };
    }
    return this.worker;
  }

  private post(message: ToWorker): void {
    this.ensureWorker().postMessage(message);
  }

  /** Reads a file in the worker; resolves with the warnings when every layer has been read. */
  open(source: SourceSpec, name: string, handlers: OpenHandlers = {}): Promise<Problem[]> {
    const job = this.nextJob++;
    for (const [id, other] of this.pending) {
      other.reject(new JobFailed({ code: 'cancelled', message: 'Another file was opened.' }));
      this.pending.delete(id);
    }
    return new Promise((resolve, reject) => {
      this.pending.set(job, { source, handlers, resolve, reject });
      handlers.signal?.addEventListener('abort', () => {
        this.post({ type: 'cancel', job });
        this.pending.delete(job);
        reject(new JobFailed({ code: 'cancelled', message: 'Reading was cancelled.' }));
      });
      this.post({ type: 'open', job, source, name });
    });
  }

  private readonly exports = new Map<
    number,
    {
      write: (chunk: Uint8Array) => Promise<void> | void;
      resolve: () => void;
      reject: (error: Error) => void;
    }
  >();

  /**
   * Streams a download out of the worker: each chunk goes to `write`, and is acknowledged once
   * written, which lets the worker send more.
   */
  exportStream(
    what: ExportWhat,
    write: (chunk: Uint8Array) => Promise<void> | void,
    signal?: AbortSignal,
  ): Promise<void> {
    const id = this.nextQuery++;
    return new Promise((resolve, reject) => {
      this.exports.set(id, { write, resolve, reject });
      signal?.addEventListener('abort', () => {
        this.post({ type: 'export-cancel', id });
        this.exports.delete(id);
        reject(new JobFailed({ code: 'cancelled', message: 'The download was cancelled.' }));
      });
      this.post({ type: 'export', id, what });
    });
  }

  private async receiveExport(
    message: Extract<FromWorker, { type: 'export-chunk' | 'export-end' | 'export-failed' }>,
  ) {
    const job = this.exports.get(message.id);
    if (!job) return;
    if (message.type === 'export-chunk') {
      await job.write(message.chunk);
      this.post({ type: 'export-ack', id: message.id, bytes: message.chunk.length });
    } else if (message.type === 'export-end') {
      this.exports.delete(message.id);
      job.resolve();
    } else {
      this.exports.delete(message.id);
      job.reject(new JobFailed(message.problem));
    }
  }

  /** Asks the worker about the open archive. */
  query<Q extends Query>(query: Q): Promise<Answers[Q['type']]> {
    const id = this.nextQuery++;
    return new Promise((resolve, reject) => {
      this.queries.set(id, { resolve: resolve as (answer: unknown) => void, reject });
      this.post({ type: 'query', id, query });
    });
  }

  private receive(message: FromWorker): void {
    if (
      message.type === 'export-chunk' ||
      message.type === 'export-end' ||
      message.type === 'export-failed'
    ) {
      void this.receiveExport(message);
      return;
    }
    if (message.type === 'answer' || message.type === 'query-failed') {
      const query = this.queries.get(message.id);
      this.queries.delete(message.id);
      if (message.type === 'answer') query?.resolve(message.answer);
      else query?.reject(new JobFailed(message.problem));
      return;
    }
    const job = this.pending.get(message.job);
    if (!job) return; // a cancelled job's late message
    switch (message.type) {
      case 'progress':
        job.handlers.onProgress?.(message.progress);
        break;
      case 'model':
        job.model = message.model;
        job.handlers.onModel?.(message.model);
        break;
      case 'layer':
        job.handlers.onLayer?.(message.layer);
        break;
      case 'done':
        this.pending.delete(message.job);
        job.resolve(message.warnings);
        // After the scan, so that the two never compete for the disk and the cores.
        if (job.model && job.handlers.onVerified) {
          this.verify(job.source, job.model, job.handlers.onVerified, job.handlers.signal);
        }
        break;
      case 'failed':
        this.pending.delete(message.job);
        job.reject(new JobFailed(message.problem));
        break;
      default: {
        const unknown: never = message;
        throw new Error(`unknown message ${JSON.stringify(unknown)}`);
      }
    }
  }
}
