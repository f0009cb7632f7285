/// <reference lib="webworker" />
import type { SourceSpec } from '../core/bytes.ts';
import { type ErrorCode, StrataError, throwIfAborted } from '../core/errors.ts';
import type { LayerScan } from '../core/layer/scan.ts';
import type { ScanElsewhere } from '../core/layer/scan-blob.ts';
import { fromScanMessage, unreadScan } from '../core/layer/scan-message.ts';
import type { FromScanner } from './protocol.ts';
import type { ScanJob } from './scan-worker.ts';

const scanWorker = () =>
  new Worker(new URL('./scan-worker.ts', import.meta.url), { type: 'module' });

/**
 * Scan workers started before the archive worker had a file; the pool takes them first. One that
 * failed to start (said so before any job listened) is left out for a new one.
 */
const startedAhead: { worker: Worker; failed: boolean }[] = [];

/** Starts `count` scan workers ahead, while the archive worker waits for its file. */
export function startScanWorkers(count: number): void {
  while (startedAhead.length < count) {
    const held = { worker: scanWorker(), failed: false };
    held.worker.onerror = () => {
      held.failed = true;
    };
    startedAhead.push(held);
  }
}

/** Ends the scan workers started ahead that no pool took (an archive read without one). */
export function endScanWorkers(): void {
  for (const { worker } of startedAhead.splice(0)) worker.terminate();
}

/** A scan worker started ahead that still works, or a new one. */
function takeScanWorker(): Worker {
  for (let held = startedAhead.pop(); held; held = startedAhead.pop()) {
    if (!held.failed) return held.worker;
    held.worker.terminate();
  }
  return scanWorker();
}

/**
 * The archive worker's pool of scan workers, one per core (`navigator.hardwareConcurrency`): the
 * layers of an uncompressed archive are independent, so each is scanned in a worker of its own as
 * one comes free, and readArchive takes the results in layer order (ReadOptions.scanElsewhere).
 * The workers end when the archive has been read.
 */
export class ScanPool {
  private readonly idle: Worker[] = [];
  private readonly waiting: ((worker: Worker) => void)[] = [];
  private started = 0;
  private ended = false;

  /**
   * `keep`, when the session has a folder for kept layers: where the workers keep compressed
   * layers, and who hears what each kept.
   */
  constructor(
    private readonly source: SourceSpec,
    private readonly size: number,
    private readonly keep?: {
      folder: string;
      onKept: (blobPath: string, bytes: number, whole: boolean) => void;
    },
  ) {}

  scan: ScanElsewhere = async (task, options) => {
    const worker = await this.take();
    let crashed = false;
    try {
      throwIfAborted(options.signal);
      const job: ScanJob = {
        source: this.source,
        task,
        limits: options.limits,
        skipBodiesFrom: options.skipBodiesFrom,
        entriesLeft: options.entriesLeft,
        keepIn: this.keep?.folder,
      };
      return await new Promise<LayerScan>((resolve, reject) => {
        const stop = () => {
          crashed = true;
          reject(new StrataError('cancelled', 'Reading was cancelled.'));
        };
        options.signal?.addEventListener('abort', stop, { once: true });
        worker.onmessage = (event: MessageEvent<FromScanner>) => {
          const message = event.data;
          if (message.type === 'bytes') options.onBytes(message.n);
          else {
            options.signal?.removeEventListener('abort', stop);
            if (message.type === 'scanned' && message.kept)
              this.keep?.onKept(task.path, message.kept.bytes, message.kept.whole);
            resolve(
              message.type === 'scanned'
                ? fromScanMessage(message.scan)
                : unreadScan(message.problem.code as ErrorCode, message.problem.message),
            );
          }
        };
        worker.onerror = (event) => {
          event.preventDefault();
          crashed = true;
          options.signal?.removeEventListener('abort', stop);
          resolve(
            unreadScan('read-failed', `Its reader stopped: ${event.message || 'it crashed'}.`),
          );
        };
        worker.postMessage(job);
      });
    } finally {
      this.give(worker, crashed);
    }
  };

  /** Ends every worker; the pool takes no more work. */
  end(): void {
    this.ended = true;
    endScanWorkers();
    for (const worker of this.idle) worker.terminate();
    this.idle.length = 0;
  }

  private take(): Promise<Worker> {
    const idle = this.idle.pop();
    if (idle) return Promise.resolve(idle);
    if (this.started < this.size) {
      this.started++;
      return Promise.resolve(takeScanWorker());
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private give(worker: Worker, crashed: boolean): void {
    if (crashed) {
      // A crashed or cancelled worker is not reused: its place goes to a new one.
      worker.terminate();
      this.started--;
      const next = this.waiting.shift();
      if (next) void this.take().then(next);
      return;
    }
    const next = this.waiting.shift();
    if (next) next(worker);
    else if (this.ended) worker.terminate();
    else this.idle.push(worker);
  }
}
