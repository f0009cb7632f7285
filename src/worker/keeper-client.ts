import type { KeptLayerWriter } from '../core/kept-layers.ts';
import type { KeptOnDisk } from './kept-on-disk.ts';
import type { FromKeeper, ToKeeper } from './protocol.ts';

/** Chunks sent to the keeper and not yet written, at most: past it, the layer is given up. */
const MAX_BACKLOG = 256 << 20;

/**
 * The archive worker's side of the keeper (keeper-worker.ts): a writer per layer that sends copies
 * of the decompressed chunks and never waits. A layer is given up when the keeper has fallen more
 * than MAX_BACKLOG behind or has dropped it; the digest check keeps it later instead.
 */
export class KeeperClient {
  private backlog = 0;
  private readonly dropped = new Set<string>();

  constructor(
    private readonly port: MessagePort,
    private readonly kept: KeptOnDisk,
  ) {
    port.onmessage = (event: MessageEvent<FromKeeper>) => {
      const message = event.data;
      if (message.type === 'ack') this.backlog -= message.bytes;
      else if (message.type === 'kept') kept.add(message.blobPath, message.bytes);
      else {
        this.dropped.add(message.blobPath);
        kept.drop(message.blobPath);
      }
    };
  }

  private send(message: ToKeeper, transfer: Transferable[] = []): void {
    this.port.postMessage(message, transfer);
  }

  writer(blobPath: string): KeptLayerWriter {
    this.send({ type: 'begin', blobPath });
    return {
      write: (chunk) => {
        if (this.dropped.has(blobPath)) throw new Error('the keeper gave this layer up');
        if (this.backlog > MAX_BACKLOG) throw new Error('the keeper fell behind');
        const bytes = chunk.slice();
        this.backlog += bytes.length;
        this.send({ type: 'chunk', blobPath, bytes }, [bytes.buffer]);
      },
      close: async () => {
        if (this.dropped.has(blobPath)) return;
        this.kept.expect(blobPath);
        this.send({ type: 'end', blobPath, whole: true });
      },
      discard: async () => this.send({ type: 'end', blobPath, whole: false }),
    };
  }
}
