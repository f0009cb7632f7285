/// <reference lib="webworker" />
import type { KeptLayerWriter } from '../core/kept-layers.ts';
import { openKeptWriter } from './kept-on-disk.ts';
import type { FromKeeper, ToKeeper } from './protocol.ts';

/**
 * Writes the layers the archive worker decompresses as it scans (their tars, chunk by chunk) into
 * the session's folder of kept layers, on its own thread, so that the scan does not wait for the
 * disk; a file anywhere in a compressed layer then opens at once from the moment the image is
 * ready. Every chunk is acknowledged once written: the archive worker gives a layer up rather than
 * let unwritten chunks pile up (a private window writes to memory at a fifth of the disk's speed).
 */
declare const self: DedicatedWorkerGlobalScope;

self.onmessage = (event: MessageEvent<{ folder: string; port: MessagePort }>) => {
  const { folder, port } = event.data;
  const send = (message: FromKeeper) => port.postMessage(message);
  const writers = new Map<string, Promise<KeptLayerWriter | undefined>>();
  const drop = async (blobPath: string, writer: KeptLayerWriter | undefined) => {
    writers.set(blobPath, Promise.resolve(undefined));
    await writer?.discard();
    send({ type: 'dropped', blobPath });
  };
  const handle = async (message: ToKeeper) => {
    switch (message.type) {
      case 'begin': {
        const writer = openKeptWriter(folder, message.blobPath, 'replace', (bytes) =>
          send({ type: 'kept', blobPath: message.blobPath, bytes }),
        );
        writers.set(message.blobPath, writer);
        if (!(await writer)) send({ type: 'dropped', blobPath: message.blobPath });
        break;
      }
      case 'chunk': {
        const writer = await writers.get(message.blobPath);
        try {
          writer?.write(message.bytes);
        } catch {
          await drop(message.blobPath, writer);
        }
        send({ type: 'ack', bytes: message.bytes.length });
        break;
      }
      case 'end': {
        const writer = await writers.get(message.blobPath);
        writers.delete(message.blobPath);
        try {
          await (message.whole ? writer?.close() : writer?.discard());
        } catch {
          send({ type: 'dropped', blobPath: message.blobPath });
        }
        break;
      }
    }
  };
  // In order: a chunk is written only after its layer's file is open.
  let queue = Promise.resolve();
  port.onmessage = (event: MessageEvent<ToKeeper>) => {
    const message = event.data;
    queue = queue.then(() => handle(message)).catch(() => {});
  };
};
