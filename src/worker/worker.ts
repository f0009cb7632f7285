/// <reference lib="webworker" />
import { openSource, type SourceSpec } from '../core/bytes.ts';
import { toProblem } from '../core/errors.ts';
import { Explorer } from './explore.ts';
import { loadArchive } from './load.ts';
import type { ExportWhat, FromWorker, Query, ToWorker } from './protocol.ts';

/** The archive worker: reads files off the main thread, keeps what it read, answers queries. */
declare const self: DedicatedWorkerGlobalScope;

let current: { job: number; controller: AbortController; explorer?: Explorer } | undefined;

const send = (message: FromWorker, transfer: Transferable[] = []) =>
  self.postMessage(message, transfer);

async function open(job: number, spec: SourceSpec, controller: AbortController): Promise<void> {
  const source = openSource(spec);
  // The explorer exists from the moment the model is known, so the tree can fill in as layers
  // finish; it is marked complete when the last one has been read.
  const read = await loadArchive(job, source, controller.signal, send, (started) => {
    if (current?.job === job) current.explorer = new Explorer(started, source);
  });
  if (read && current?.job === job && current.explorer) current.explorer.complete = true;
}

/**
 * Downloads stream out in chunks; at most WINDOW bytes may wait unacknowledged on the page, so a
 * slow disk never lets a multi-gigabyte export pile up in memory.
 */
const WINDOW = 16 << 20;
const exports = new Map<number, { cancel: () => void; acked: (bytes: number) => void }>();

async function exportStream(id: number, what: ExportWhat): Promise<void> {
  const controller = new AbortController();
  let waiting = 0;
  let wake: (() => void) | undefined;
  exports.set(id, {
    cancel: () => {
      controller.abort();
      wake?.();
    },
    acked: (bytes) => {
      waiting -= bytes;
      if (waiting < WINDOW) wake?.();
    },
  });
  try {
    const explorer = current?.explorer;
    if (!explorer) throw new Error('No archive is open yet.');
    for await (const piece of explorer.exportStream(what, controller.signal)) {
      if (controller.signal.aborted) return;
      const chunk = piece.slice();
      waiting += chunk.length;
      send({ type: 'export-chunk', id, chunk }, [chunk.buffer]);
      while (waiting >= WINDOW && !controller.signal.aborted)
        await new Promise<void>((resolve) => (wake = resolve));
    }
    send({ type: 'export-end', id });
  } catch (error) {
    send({ type: 'export-failed', id, problem: toProblem(error) });
  } finally {
    exports.delete(id);
  }
}

async function answer(id: number, query: Query): Promise<void> {
  try {
    const explorer = current?.explorer;
    if (!explorer) throw new Error('No archive is open yet.');
    const { answer, transfer } =
      query.type === 'file-bytes' ? await explorer.fileBytes(query) : explorer.answer(query);
    send({ type: 'answer', id, answer }, transfer);
  } catch (error) {
    send({ type: 'query-failed', id, problem: toProblem(error) });
  }
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  switch (message.type) {
    case 'open': {
      current?.controller.abort();
      const controller = new AbortController();
      current = { job: message.job, controller };
      void open(message.job, message.source, controller);
      break;
    }
    case 'cancel':
      if (current?.job === message.job) current.controller.abort();
      break;
    case 'query':
      void answer(message.id, message.query);
      break;
    case 'export':
      void exportStream(message.id, message.what);
      break;
    case 'export-ack':
      exports.get(message.id)?.acked(message.bytes);
      break;
    case 'export-cancel':
      exports.get(message.id)?.cancel();
      break;
    default: {
      const unknown: never = message;
      throw new Error(`unknown message ${JSON.stringify(unknown)}`);
    }
  }
};
