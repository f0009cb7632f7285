import { safeName } from './save-blob.ts';

/** Writes one chunk of a download; resolves when the browser has taken it. */
export type WriteChunk = (chunk: Uint8Array) => Promise<void>;

/** How long to wait for the service worker before building a Blob instead. */
const WORKER_WAIT_MS = 3000;

/**
 * A download streamed to disk through the service worker (public/sw.js), for browsers without the
 * File System Access API and for exports whose size is not known: the worker answers a hidden
 * frame's request for ./strata-download/<id> with a body it pulls from a port, one chunk per pull,
 * so nothing is gathered in memory. Resolves with a writer, or undefined when there is no active
 * service worker (development, a first visit not yet controlled, a browser without them): the
 * caller then builds a Blob as before.
 */
export async function openStreamedDownload(
  name: string,
  onCancel: () => void,
): Promise<
  { write: WriteChunk; end: () => Promise<void>; fail: (message: string) => void } | undefined
> {
  const worker = await activeWorker();
  if (!worker) return undefined;
  const id = crypto.randomUUID();
  const channel = new MessageChannel();
  const port = channel.port1;
  let credit = 0;
  let wake: (() => void) | undefined;
  let cancelled = false;
  const ready = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), WORKER_WAIT_MS);
    port.onmessage = ({ data }: MessageEvent<{ type: 'ready' | 'pull' | 'cancel' }>) => {
      if (data.type === 'ready') {
        clearTimeout(timer);
        resolve(true);
      } else if (data.type === 'pull') {
        credit++;
        wake?.();
      } else {
        cancelled = true;
        wake?.();
        onCancel();
      }
    };
  });
  worker.postMessage({ type: 'strata-download', id, name: safeName(name), port: channel.port2 }, [
    channel.port2,
  ]);
  if (!(await ready)) return undefined;
  const frame = document.createElement('iframe');
  frame.hidden = true;
  frame.title = 'download';
  frame.src = `./strata-download/${id}`;
  document.body.append(frame);
  const done = () => setTimeout(() => frame.remove(), 60_000);
  const send = async (chunk: Uint8Array) => {
    while (credit === 0 && !cancelled) await new Promise<void>((r) => (wake = r));
    if (cancelled) throw new Error('The download was cancelled in the browser.');
    credit--;
    const own = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength;
    const bytes = own ? chunk : chunk.slice();
    port.postMessage({ type: 'chunk', chunk: bytes }, [bytes.buffer]);
  };
  // Chunks arrive faster than they are asked for, and each write is called without waiting for
  // the last: they go out one after another, in order.
  let queue = Promise.resolve();
  return {
    write(chunk) {
      queue = queue.then(() => send(chunk));
      return queue;
    },
    async end() {
      await queue;
      port.postMessage({ type: 'end' });
      done();
    },
    fail(message) {
      port.postMessage({ type: 'error', message });
      done();
    },
  };
}

async function activeWorker(): Promise<ServiceWorker | undefined> {
  if (!('serviceWorker' in navigator)) return undefined;
  const registration = await Promise.race([
    navigator.serviceWorker.getRegistration(),
    new Promise<undefined>((r) => setTimeout(() => r(undefined), WORKER_WAIT_MS)),
  ]);
  return registration?.active ?? undefined;
}
