import type { KeptLayerWriter } from '../core/kept-layers.ts';
import type { KeptOnDisk } from './kept-on-disk.ts';
import type { FromKeeper, ToKeeper } from './protocol.ts';

/**
 * Bytes of one layer sent to the keeper and not yet written, at most: past it, the rest of the
 * layer is not sent (what was written is kept; the digest check keeps the whole layer later). The
 * scan never waits for the keeper: on a 2-core machine waiting made a 1.4 GB gzip image ready 35%
 * later (16-18 s against 22-25 s), as the keeper wrote 130-200 MB/s beside the scan.
 */
const MAX_BACKLOG = 256 << 20;
/**
 * Decompressed chunks are gathered into pieces this large before they are sent: a decoder hands
 * out pieces of a few KiB, and a message and a write for each cost more than the writing itself.
 */
const PIECE = 1 << 20;

/**
 * The archive worker's side of the keeper (keeper-worker.ts): a writer per layer that sends copies
 * of the decompressed chunks, and stops sending a layer the keeper has fallen too far behind on or
 * has no room for.
 */
export class KeeperClient {
  private readonly backlog = new Map<string, number>();
  private readonly stopped = new Set<string>();
  /** Pieces' memory the keeper sent back, to be filled again. */
  private readonly spare: ArrayBuffer[] = [];

  constructor(
    private readonly port: MessagePort,
    private readonly kept: KeptOnDisk,
  ) {
    port.onmessage = (event: MessageEvent<FromKeeper>) => {
      const message = event.data;
      const { blobPath } = message;
      if (message.type === 'ack') {
        this.backlog.set(blobPath, (this.backlog.get(blobPath) ?? 0) - message.bytes);
        if (message.buffer?.byteLength === PIECE && this.spare.length < 64)
          this.spare.push(message.buffer);
      } else if (message.type === 'stop') this.stopped.add(blobPath);
      else kept.add(blobPath, 'scan', message.bytes, message.whole);
    };
  }

  private send(message: ToKeeper, transfer: Transferable[] = []): void {
    this.port.postMessage(message, transfer);
  }

  writer(blobPath: string): KeptLayerWriter {
    this.send({ type: 'begin', blobPath });
    const fresh = () => {
      const buffer = this.spare.pop();
      return buffer ? new Uint8Array(buffer) : new Uint8Array(PIECE);
    };
    let piece = fresh();
    let filled = 0;
    const flush = () => {
      if (filled === 0) return;
      const bytes = filled === piece.length ? piece : piece.slice(0, filled);
      this.backlog.set(blobPath, (this.backlog.get(blobPath) ?? 0) + bytes.length);
      this.send({ type: 'chunk', blobPath, bytes }, [bytes.buffer]);
      piece = fresh();
      filled = 0;
    };
    return {
      write: (chunk) => {
        if (this.stopped.has(blobPath)) throw new Error('the keeper takes no more of this layer');
        if ((this.backlog.get(blobPath) ?? 0) > MAX_BACKLOG) {
          this.stopped.add(blobPath);
          throw new Error('the keeper fell behind');
        }
        for (let at = 0; at < chunk.length; ) {
          const n = Math.min(chunk.length - at, piece.length - filled);
          piece.set(chunk.subarray(at, at + n), filled);
          filled += n;
          at += n;
          if (filled === piece.length) flush();
        }
      },
      close: async (whole) => {
        if (!this.stopped.has(blobPath)) flush();
        this.kept.expect(blobPath);
        this.send({ type: 'end', blobPath, whole });
      },
    };
  }
}
