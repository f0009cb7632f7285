/// <reference lib="webworker" />
import type { KeptLayerWriter } from '../core/kept-layers.ts';
import { openKeptWriter } from './kept-on-disk.ts';
import type { FromKeeper, ToKeeper } from './protocol.ts';

/**
 * Writes the layers the archive worker decompresses as it scans (their tars, chunk by chunk) into
 * the session's folder of kept layers, on its own thread, so that the scan does not wait for the
 * disk; a file in a compressed layer then opens at once from the moment the image is ready. Every
 * chunk is acknowledged, so that the archive worker can stop sending a layer the keeper is too far
 * behind on (keeper-client.ts); what was written of it is kept.
 */
declare const self: DedicatedWorkerGlobalScope;

interface Layer {
  writer: Promise<KeptLayerWriter | undefined>;
  /** A write failed (no room): the rest of the layer is not written. */
  failed: boolean;
}

self.onmessage = (event: MessageEvent<{ folder: string; port: MessagePort }>) => {
  const { folder, port } = event.data;
  const send = (message: FromKeeper) => port.postMessage(message);
  const layers = new Map<string, Layer>();
  const handle = async (message: ToKeeper) => {
    const { blobPath } = message;
    switch (message.type) {
      case 'begin':
        layers.set(blobPath, {
          writer: openKeptWriter(folder, blobPath, 'scan', (bytes, whole) =>
            send({ type: 'kept', blobPath, bytes, whole }),
          ),
          failed: false,
        });
        break;
      case 'chunk': {
        const layer = layers.get(blobPath);
        const writer = await layer?.writer;
        if (layer && writer && !layer.failed) {
          try {
            writer.write(message.bytes);
          } catch {
            layer.failed = true;
            send({ type: 'stop', blobPath });
          }
        }
        // The piece's memory goes back, to be filled again.
        const buffer = message.bytes.buffer as ArrayBuffer;
        port.postMessage(
          { type: 'ack', blobPath, bytes: message.bytes.length, buffer } satisfies FromKeeper,
          [buffer],
        );
        break;
      }
      case 'end': {
        const layer = layers.get(blobPath);
        layers.delete(blobPath);
        const writer = await layer?.writer;
        try {
          if (!writer) throw new Error('nothing was kept');
          await writer.close(message.whole && !layer?.failed);
        } catch {
          send({ type: 'kept', blobPath, bytes: 0, whole: false });
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
