/// <reference lib="webworker" />
import { blobSource } from '../core/bytes.ts';
import { toProblem } from '../core/errors.ts';
import { verifyDigests } from '../core/verify.ts';
import { Explorer } from './explore.ts';
import { loadArchive } from './load.ts';
import type { FromWorker, ToWorker } from './protocol.ts';

/** The archive worker: reads files off the main thread, keeps what it read, answers queries. */
declare const self: DedicatedWorkerGlobalScope;

let current: { job: number; controller: AbortController; explorer?: Explorer } | undefined;

const send = (message: FromWorker, transfer: Transferable[] = []) =>
  self.postMessage(message, transfer);

async function open(job: number, file: Blob, controller: AbortController) {
  const read = await loadArchive(job, file, controller.signal, send);
  if (!read || current?.job !== job) return;
  current.explorer = new Explorer(read);
  // Digests last: sha256 is slower than reading, and the view should not wait for it.
  try {
    const warnings = await verifyDigests(blobSource(file), read.model, {
      signal: controller.signal,
    });
    send({ type: 'verified', job, warnings });
  } catch (error) {
    if (!controller.signal.aborted) send({ type: 'verified', job, warnings: [toProblem(error)] });
  }
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  switch (message.type) {
    case 'open': {
      current?.controller.abort();
      const controller = new AbortController();
      current = { job: message.job, controller };
      void open(message.job, message.file, controller);
      break;
    }
    case 'cancel':
      if (current?.job === message.job) current.controller.abort();
      break;
    case 'query': {
      try {
        if (!current?.explorer) throw new Error('No archive is open yet.');
        const { answer, transfer } = current.explorer.answer(message.query);
        send({ type: 'answer', id: message.id, answer }, transfer);
      } catch (error) {
        send({ type: 'query-failed', id: message.id, problem: toProblem(error) });
      }
      break;
    }
    default: {
      const unknown: never = message;
      throw new Error(`unknown message ${JSON.stringify(unknown)}`);
    }
  }
};
