/// <reference lib="webworker" />
import { loadArchive } from './load.ts';
import type { FromWorker, ToWorker } from './protocol.ts';

/** The archive worker: reads files off the main thread and keeps what it read. */
declare const self: DedicatedWorkerGlobalScope;

let current: { job: number; controller: AbortController } | undefined;

const send = (message: FromWorker) => self.postMessage(message);

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  switch (message.type) {
    case 'open': {
      current?.controller.abort();
      const controller = new AbortController();
      current = { job: message.job, controller };
      void loadArchive(message.job, message.file, controller.signal, send);
      break;
    }
    case 'cancel':
      if (current?.job === message.job) current.controller.abort();
      break;
    default: {
      const unknown: never = message;
      throw new Error(`unknown message ${JSON.stringify(unknown)}`);
    }
  }
};
