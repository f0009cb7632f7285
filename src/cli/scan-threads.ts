import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { ByteSource } from '../core/bytes.ts';
import { type ErrorCode, type Problem, toProblem } from '../core/errors.ts';
import { type BlobTask, type ScanElsewhere, scanBlobAt } from '../core/layer/scan-blob.ts';
import {
  fromScanMessage,
  type ScanMessage,
  toScanMessage,
  unreadScan,
} from '../core/layer/scan-message.ts';
import type { Limits } from '../core/limits.ts';
import { fileSource } from './file-source.ts';

/**
 * The command line's pool of scan threads, one per CPU (`os.availableParallelism()`): the layers
 * of an uncompressed archive are independent, so each is scanned in a thread of its own and
 * readArchive takes the results in layer order (ReadOptions.scanElsewhere), as the browser's
 * worker/scan-pool.ts does. A thread runs this same file (the command's one bundle), told by
 * `workerData` that it is a scanner.
 */
interface ThreadJob {
  file: string;
  task: BlobTask;
  limits?: Limits | undefined;
  entriesLeft: number;
}
type ThreadReply = { scan: ScanMessage } | { problem: Problem };

export const isScanThread = !isMainThread && (workerData as { strataScan?: true })?.strataScan;

/** In a scan thread: scans each job it is given, until it is ended. */
export function serveScans(): void {
  // The archive is opened once per thread, whatever the number of layers it scans.
  const sources = new Map<string, ByteSource>();
  // The job under way: one at a time, as the pool hands a thread its next only after a reply.
  let working: Promise<void> = Promise.resolve();
  parentPort?.on('message', (message: ThreadJob | 'end') => {
    if (message === 'end') {
      // With its port closed the thread has nothing left to wait for, and ends of itself.
      void working.then(() => parentPort?.close());
      return;
    }
    working = scanJob(message);
  });
  async function scanJob(job: ThreadJob): Promise<void> {
    try {
      let source = sources.get(job.file);
      if (!source) {
        source = fileSource(job.file);
        sources.set(job.file, source);
      }
      const scan = await scanBlobAt(source, job.task, {
        limits: job.limits,
        entryBudget: { left: job.entriesLeft },
      });
      const { message, transfer } = toScanMessage(scan);
      parentPort?.postMessage({ scan: message } satisfies ThreadReply, transfer);
    } catch (error) {
      parentPort?.postMessage({ problem: toProblem(error) } satisfies ThreadReply);
    }
  }
}

/**
 * A pool of scan threads for `file`; `end()` asks them to end once their job is done. They are not
 * terminated: Node 20 aborted the whole process now and then (`NodePlatform::ForIsolate`
 * assertion, SIGABRT, in 1-2 of 40 runs of a four-layer image) when a thread was terminated while
 * V8 was still compiling code for it.
 */
export function scanThreads(
  file: string,
  entry: URL,
  size = availableParallelism(),
): { scan: ScanElsewhere; end: () => void } {
  const idle: Worker[] = [];
  const all: Worker[] = [];
  const waiting: ((worker: Worker) => void)[] = [];
  const take = (): Promise<Worker> => {
    const worker = idle.pop();
    if (worker) return Promise.resolve(worker);
    if (all.length < size) {
      // Run from source (npm run analyze), the thread loads tsx before the TypeScript entry: a
      // loader given in execArgv does not reach a worker's first module.
      const started = entry.pathname.endsWith('.ts')
        ? new Worker(
            `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`,
            { eval: true, workerData: { strataScan: true } },
          )
        : new Worker(entry, { workerData: { strataScan: true } });
      all.push(started);
      return Promise.resolve(started);
    }
    return new Promise((resolve) => waiting.push(resolve));
  };
  const give = (worker: Worker) => {
    const next = waiting.shift();
    if (next) next(worker);
    else idle.push(worker);
  };
  const scan: ScanElsewhere = async (task, options) => {
    const worker = await take();
    let crashed = false;
    try {
      const job: ThreadJob = {
        file,
        task,
        limits: options.limits,
        entriesLeft: options.entriesLeft,
      };
      const reply = await new Promise<ThreadReply>((resolve) => {
        worker.once('message', resolve);
        // A thread that dies leaves its layer unread, said so, like a damaged one.
        worker.once('error', (error) => {
          crashed = true;
          resolve({
            problem: { code: 'read-failed', message: `Its reader stopped: ${error.message}.` },
          });
        });
        worker.postMessage(job);
      });
      worker.removeAllListeners('message');
      worker.removeAllListeners('error');
      options.onBytes(task.size);
      return 'scan' in reply
        ? fromScanMessage(reply.scan)
        : unreadScan(reply.problem.code as ErrorCode, reply.problem.message);
    } finally {
      if (crashed) {
        // Its place goes to a new thread.
        all.splice(all.indexOf(worker), 1);
        const next = waiting.shift();
        if (next) void take().then(next);
      } else give(worker);
    }
  };
  return {
    scan,
    end: () => {
      for (const worker of all) worker.postMessage('end');
    },
  };
}
