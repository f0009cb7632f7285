import { concatBytes } from './bytes.ts';
import { type GzipNoting, gunzipNoting } from './deflate/noted-places.ts';
import { StrataError } from './errors.ts';
import { badData, gunzipOrAgain, jsGunzip, nativeGunzip, toReadableStream } from './gunzip.ts';
import { type ZstdOptions, zstdDecode } from './zstd.ts';

/** A gzip decoder the platform has, over any number of members; set by the command line. */
export type GunzipStreams = (chunks: AsyncIterable<Uint8Array>) => AsyncIterable<Uint8Array>;
let platformGunzip: GunzipStreams | undefined;

/**
 * Makes `decompress` use this gzip decoder. The command line gives it Node's zlib stream: Node's
 * `DecompressionStream` takes input as fast as it is given and queues all the output (1.4 GB held
 * for a 1.4 GB `docker save | gzip`, Node 20), where zlib's stream waits for its reader.
 */
export function decodeGzipWith(gunzip: GunzipStreams): void {
  platformGunzip = gunzip;
}

/**
 * Compression is told by magic bytes, never by a file name or media type: a `.tar` may be gzip
 * (`docker save | gzip`) and a legacy `layer.tar` may hold gzip data (shared/docs/FORMATS.md §0).
 */
export type Compression = 'none' | 'gzip' | 'zstd' | 'bzip2' | 'xz';

export function detectCompression(head: Uint8Array): Compression {
  const [a, b, c, d, e, f] = head;
  if (a === 0x1f && b === 0x8b) return 'gzip';
  if (a === 0x28 && b === 0xb5 && c === 0x2f && d === 0xfd) return 'zstd';
  if (a === 0x42 && b === 0x5a && c === 0x68) return 'bzip2';
  if (a === 0xfd && b === 0x37 && c === 0x7a && d === 0x58 && e === 0x5a && f === 0x00) return 'xz';
  return 'none';
}

/** The first `n` bytes of a stream (fewer if it is shorter), and the whole stream again. */
export async function peek(
  chunks: AsyncIterable<Uint8Array>,
  n: number,
): Promise<{ head: Uint8Array; stream: AsyncIterable<Uint8Array> }> {
  const iterator = chunks[Symbol.asyncIterator]();
  const seen: Uint8Array[] = [];
  let length = 0;
  let done = false;
  while (length < n) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    seen.push(next.value);
    length += next.value.length;
  }
  const head = concatBytes(seen).subarray(0, n);
  async function* stream() {
    try {
      yield* seen;
      if (done) return;
      while (true) {
        const next = await iterator.next();
        if (next.done) {
          done = true;
          return;
        }
        yield next.value;
      }
    } finally {
      // A reader that stops early releases the source too.
      if (!done) await iterator.return?.();
    }
  }
  return { head, stream: stream() };
}

/** Places to note while decoding, or to start from, for a seek index. */
export interface DecodePlaces {
  /** zstd: places to resume from, or a place to start at (zstd.ts). */
  zstd?: ZstdOptions | undefined;
  /**
   * gzip through the platform's `DecompressionStream`: places noted at block starts
   * (deflate/noted-places.ts). Only where that decoder hands over its output as each write is
   * done, as browsers' do (Node's does not).
   */
  gzip?: GzipNoting | undefined;
}

/**
 * Decompresses a stream. `reopen` gives the compressed stream again from its start: gzip goes
 * through the native `DecompressionStream` (2-3x faster than JS), which stops with an error at a
 * second gzip member (whatwg/compression#42); estargz layers are many members, so on that error
 * the layer is decoded again by fflate, which handles members, and what was already delivered is
 * dropped.
 */
export async function* decompress(
  compression: Compression,
  chunks: AsyncIterable<Uint8Array>,
  reopen?: () => AsyncIterable<Uint8Array>,
  places: DecodePlaces = {},
): AsyncGenerator<Uint8Array> {
  switch (compression) {
    case 'none':
      yield* chunks;
      return;
    case 'gzip': {
      if (platformGunzip) {
        try {
          yield* platformGunzip(chunks);
        } catch (error) {
          throw error instanceof StrataError ? error : badData('gzip', error);
        }
        return;
      }
      if (!reopen || typeof DecompressionStream === 'undefined') {
        yield* jsGunzip(chunks);
        return;
      }
      const { gzip } = places;
      yield* gunzipOrAgain(
        gzip ? gunzipNoting(chunks, gzip) : nativeGunzip(toReadableStream(chunks)),
        reopen,
      );
      return;
    }
    case 'zstd':
      yield* zstdDecode(chunks, places.zstd);
      return;
    case 'bzip2':
    case 'xz':
      throw new StrataError(
        'unsupported-compression',
        `This file is ${compression}-compressed, which Strata does not read. Decompress it first (or save the image again with docker save, plain or piped through gzip).`,
      );
  }
}

/**
 * The one way Strata decompresses (the outer archive, layer scans, content, exports, digest checks):
 * `decompress` behind `guardExpansion`, with the compressed bytes counted as they are really
 * consumed. When the native gzip decoder stops at a second member and the data is read again from
 * `reopen` (estargz), the count starts again with it: otherwise a 1 GiB estargz layer would look
 * like a bomb. `onStored` sees every compressed byte read, for progress.
 */
export function guardedDecompress(
  compression: Compression,
  stream: AsyncIterable<Uint8Array>,
  reopen: (() => AsyncIterable<Uint8Array>) | undefined,
  limits: { expansionRatio: number; expansionFloor: number },
  what: string,
  onStored?: (n: number) => void,
  places?: DecodePlaces,
): AsyncIterable<Uint8Array> {
  let consumed = 0;
  const counting = (chunks: AsyncIterable<Uint8Array>) =>
    counted(chunks, (n) => {
      consumed += n;
      onStored?.(n);
    });
  if (compression === 'none') return counting(stream);
  const again = reopen
    ? () => {
        consumed = 0;
        return counting(reopen());
      }
    : undefined;
  return guardExpansion(
    decompress(compression, counting(stream), again, places),
    () => consumed,
    limits,
    what,
  );
}

/**
 * Data decompressed somewhere else (another thread, worker/decode-stream.ts) behind the same
 * guard: `stored()` is the compressed bytes consumed for what has been delivered so far.
 */
export function guardedDecoded(
  decoded: AsyncIterable<Uint8Array>,
  stored: () => number,
  limits: { expansionRatio: number; expansionFloor: number },
  what: string,
): AsyncIterable<Uint8Array> {
  return guardExpansion(decoded, stored, limits, what);
}

/**
 * Passes decompressed chunks on, and stops with a 'limit' error once they exceed both the floor
 * and `ratio` times the compressed bytes read so far: kilobytes that claim to be gigabytes are a
 * decompression bomb, not an image.
 */
async function* guardExpansion(
  decoded: AsyncIterable<Uint8Array>,
  compressedSoFar: () => number,
  limits: { expansionRatio: number; expansionFloor: number },
  what: string,
): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of decoded) {
    total += chunk.length;
    if (total > limits.expansionFloor && total > limits.expansionRatio * compressedSoFar()) {
      throw new StrataError(
        'limit',
        `${what} expands to more than ${limits.expansionRatio} times its stored size (past ${Math.round(limits.expansionFloor / 2 ** 20)} MiB): reading stopped there, as it looks like a decompression bomb.`,
      );
    }
    yield chunk;
  }
}

/** Counts the bytes that pass. */
export async function* counted(
  chunks: AsyncIterable<Uint8Array>,
  onBytes: (n: number) => void,
): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    onBytes(chunk.length);
    yield chunk;
  }
}
