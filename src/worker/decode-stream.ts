import type { NotedPlace } from '../core/deflate/noted-places.ts';
import { type Problem, StrataError, toProblem } from '../core/errors.ts';
import { lettingGo } from '../core/let-go.ts';
import type { ZstdPlace } from '../core/zstd.ts';

/**
 * Decompressed bytes handed from one thread to another: a worker decodes a gzip stream around the
 * whole archive (`docker save | gzip`) while the archive worker reads the tar coming out of it,
 * so decoding and reading run on two cores instead of taking turns on one.
 *
 * The sender batches chunks (about 1 MiB per message: a message per 64 KiB chunk would cost more
 * than the copy it saves) and moves their memory instead of copying it; it stops when the
 * receiver holds WINDOW bytes it has not yet taken, so a slow reader never lets gigabytes pile up.
 */
const BATCH = 1 << 20;
const WINDOW = 32 << 20;
/**
 * The receiver lets go of a chunk once the reader has taken this much after it (core/let-go.ts):
 * freed then, not at the next full collection.
 */
const HELD_BACK = 2 << 20;

/** The side of a MessagePort, Worker or worker scope that this needs. */
export interface Port {
  postMessage(message: unknown, transfer: Transferable[]): void;
  onmessage: ((event: MessageEvent) => void) | null;
  /** A Worker's: it crashed (out of memory, say). */
  onerror?: ((event: ErrorEvent) => void) | null;
}

type ToReceiver =
  | { type: 'chunks'; chunks: Uint8Array[]; stored: number }
  | { type: 'end' }
  /** A zstd archive's decoder, noted as it was decoded (core/zstd.ts); taken as it arrives. */
  | { type: 'place'; place: ZstdPlace }
  /** A gzip archive's place, noted as it was decoded (deflate/noted-places.ts); taken as it arrives. */
  | { type: 'noted'; place: NotedPlace }
  /** The gzip places sent do not hold (GzipNoting.lost). */
  | { type: 'noted-lost' }
  | { type: 'failed'; problem: Problem };
type ToSender = { type: 'taken'; bytes: number };
/** What waits in order for the reader: places are taken as they arrive. */
type Queued = Exclude<ToReceiver, { type: 'place' | 'noted' | 'noted-lost' }>;

/** Sends `chunks` through `port` until they end or fail; `stored()`: compressed bytes read. */
export async function sendDecoded(
  port: Port,
  chunks: AsyncIterable<Uint8Array>,
  stored: () => number,
): Promise<void> {
  let waiting = 0;
  let wake: (() => void) | undefined;
  port.onmessage = (event: MessageEvent<ToSender>) => {
    waiting -= event.data.bytes;
    wake?.();
  };
  const post = (message: ToReceiver, transfer: Transferable[] = []) =>
    port.postMessage(message, transfer);
  let batch: Uint8Array[] = [];
  let bytes = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    // A chunk that is a view of a larger buffer is copied: moving the buffer would take the rest.
    const owned = batch.map((c) =>
      c.byteOffset === 0 && c.byteLength === c.buffer.byteLength ? c : c.slice(),
    );
    post({ type: 'chunks', chunks: owned, stored: stored() }, [
      ...new Set(owned.map((c) => c.buffer as ArrayBuffer)),
    ]);
    waiting += bytes;
    batch = [];
    bytes = 0;
    while (waiting >= WINDOW) await new Promise<void>((resolve) => (wake = resolve));
  };
  try {
    for await (const chunk of chunks) {
      batch.push(chunk);
      bytes += chunk.length;
      if (bytes >= BATCH) await flush();
    }
    await flush();
    post({ type: 'end' });
  } catch (error) {
    // What was decoded before the damage is delivered first: the reader keeps what it can read.
    await flush();
    post({ type: 'failed', problem: toProblem(error) });
  }
}

/**
 * Sends a place noted while decoding (handed over, not copied): at once, not behind the chunks,
 * since the reader may stop before the last of them (at the archive's end marker).
 */
export function sendPlace(port: Port, place: ZstdPlace): void {
  port.postMessage({ type: 'place', place } satisfies ToReceiver, [
    place.memory.buffer as ArrayBuffer,
  ]);
}

/** Sends a gzip place noted while decoding, or word that those sent do not hold; at once, as sendPlace. */
export function sendNoted(port: Port, place: NotedPlace | 'lost'): void {
  const message: ToReceiver = place === 'lost' ? { type: 'noted-lost' } : { type: 'noted', place };
  port.postMessage(message, []);
}

/**
 * What `sendDecoded` sends, as a stream of chunks, with the compressed bytes consumed for what has
 * been taken so far (for the expansion guard and progress). `stop` runs when the reader stops or
 * the data ends, to end the sender.
 */
export function receiveDecoded(
  port: Port,
  stop: () => void,
): {
  chunks: AsyncIterable<Uint8Array>;
  stored: () => number;
  places: () => ZstdPlace[];
  noted: () => NotedPlace[];
} {
  const queue: Queued[] = [];
  const places: ZstdPlace[] = [];
  const noted: NotedPlace[] = [];
  let wake: (() => void) | undefined;
  port.onmessage = (event: MessageEvent<ToReceiver>) => {
    const { data } = event;
    if (data.type === 'place') places.push(data.place);
    else if (data.type === 'noted') noted.push(data.place);
    else if (data.type === 'noted-lost') noted.length = 0;
    else {
      queue.push(data);
      wake?.();
    }
  };
  // A decoder that dies sends nothing more: the reader is told, instead of waiting for ever.
  if ('onerror' in port)
    port.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      queue.push({
        type: 'failed',
        problem: {
          code: 'read-failed',
          message: `The decoder stopped (${event.message || 'perhaps it ran out of memory'}).`,
        },
      });
      wake?.();
    };
  let stored = 0;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    try {
      while (true) {
        const message = queue.shift();
        if (!message) {
          await new Promise<void>((resolve) => (wake = resolve));
          continue;
        }
        if (message.type === 'end') return;
        if (message.type === 'failed') {
          const { code, message: text, detail } = message.problem;
          throw new StrataError(code as StrataError['code'], text, detail);
        }
        stored = message.stored;
        let taken = 0;
        for (const chunk of message.chunks) {
          taken += chunk.length;
          yield chunk;
        }
        port.postMessage({ type: 'taken', bytes: taken } satisfies ToSender, []);
      }
    } finally {
      stop();
    }
  }
  return {
    chunks: lettingGo(chunks(), HELD_BACK),
    stored: () => stored,
    places: () => places,
    noted: () => noted,
  };
}
