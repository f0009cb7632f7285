/**
 * The bench page: each run gets a fresh worker, so one reader's memory does not count against the
 * next. `window.runBench(kind)` is called by src/bench/run.ts through Playwright.
 */
import type { BenchKind, BenchResult } from './bench-worker.ts';

declare global {
  interface Window {
    runBench: (kind: BenchKind) => Promise<BenchResult>;
  }
}

/** js-untar needs `window` (it starts its own worker) and the whole file as one ArrayBuffer. */
async function runJsUntar(file: File): Promise<BenchResult> {
  const start = performance.now();
  try {
    const { default: untar } = await import('js-untar');
    const buffer = await file.arrayBuffer();
    const files = await untar(buffer);
    return { ms: performance.now() - start, bytes: file.size, entries: files.length };
  } catch (error) {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { ms: performance.now() - start, bytes: 0, entries: 0, error: text };
  }
}

window.runBench = (kind) =>
  new Promise((resolve) => {
    const file = (document.getElementById('file') as HTMLInputElement).files?.[0];
    if (!file) {
      resolve({ ms: 0, bytes: 0, entries: 0, error: 'no file chosen' });
      return;
    }
    if (kind === 'js-untar') {
      void runJsUntar(file).then(resolve);
      return;
    }
    const worker = new Worker(new URL('./bench-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<BenchResult>) => {
      worker.terminate();
      resolve(event.data);
    };
    worker.onerror = (event) => {
      worker.terminate();
      resolve({ ms: 0, bytes: 0, entries: 0, error: event.message || 'worker error' });
    };
    worker.postMessage({ kind, file });
  });
