import { concatBytes, releaseFailed } from './bytes.ts';
import { type GzipNoting, gunzipNoting } from './deflate/noted-places.ts';
import { StrataError } from './errors.ts';
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
        yield* pushDecoder(chunks, await fflateGunzip());
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

function badData(format: string, error: unknown): StrataError {
  const text = error instanceof Error ? error.message : String(error);
  return new StrataError('bad-compression', `The ${format} data is damaged: ${text}`);
}

function isTrailingDataError(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error);
  // Chromium: "Junk found after end of compressed data."; Node: "Trailing junk" or similar.
  return /junk|trailing/i.test(text);
}

/**
 * gzip through the native decoder (`native`), and when it stops at a second member, the same
 * data again from `reopen` through fflate, without what was already delivered.
 */
export async function* gunzipOrAgain(
  native: AsyncIterable<Uint8Array>,
  reopen: () => AsyncIterable<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  let delivered = 0;
  try {
    for await (const chunk of native) {
      delivered += chunk.length;
      yield chunk;
    }
    return;
  } catch (error) {
    if (!isTrailingDataError(error)) throw badData('gzip', error);
  }
  let skip = delivered;
  for await (const chunk of pushDecoder(reopen(), await fflateGunzip())) {
    if (skip >= chunk.length) {
      skip -= chunk.length;
      continue;
    }
    yield skip > 0 ? chunk.subarray(skip) : chunk;
    skip = 0;
  }
}

/** `DecompressionStream('gzip')` over a stream: piped natively when it is a ReadableStream. */
export async function* nativeGunzip(
  compressed: ReadableStream<Uint8Array<ArrayBuffer>>,
): AsyncGenerator<Uint8Array> {
  const reader = compressed.pipeThrough(new DecompressionStream('gzip')).getReader();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.cancel().catch(releaseFailed);
  }
}

/**
 * Raw deflate data (RFC 1951, no gzip wrapper) decoded by `DecompressionStream('deflate-raw')`,
 * its first `skip` bytes of output dropped: how a read resumes inside a gzip layer
 * (deflate/resume.ts), where the stream starts with the window it then drops.
 */
export async function* nativeInflateRaw(
  chunks: AsyncIterable<Uint8Array>,
  skip: number,
): AsyncGenerator<Uint8Array> {
  const reader = toReadableStream(chunks)
    .pipeThrough(new DecompressionStream('deflate-raw'))
    .getReader();
  let left = skip;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) return;
      if (left >= value.length) {
        left -= value.length;
        continue;
      }
      yield left > 0 ? value.subarray(left) : value;
      left = 0;
    }
  } catch (error) {
    throw badData('deflate', error);
  } finally {
    reader.cancel().catch(releaseFailed);
  }
}

function toReadableStream(
  chunks: AsyncIterable<Uint8Array>,
): ReadableStream<Uint8Array<ArrayBuffer>> {
  const iterator = chunks[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array<ArrayBuffer>>({
    async pull(controller) {
      const { done, value } = await iterator.next();
      if (done) controller.close();
      else controller.enqueue(value as Uint8Array<ArrayBuffer>);
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

/** A push-style decoder (fflate): `push(chunk, final)` and an `ondata` callback. */
interface PushDecoder {
  ondata: (data: Uint8Array, final: boolean) => void;
  push(chunk: Uint8Array, final?: boolean): void;
}

async function* pushDecoder(
  chunks: AsyncIterable<Uint8Array>,
  decoder: PushDecoder,
): AsyncGenerator<Uint8Array> {
  let out: Uint8Array[] = [];
  let produced = 0;
  decoder.ondata = (data) => {
    if (data.length > 0) {
      out.push(data);
      produced += data.length;
    }
  };
  // A push decodes all it is given at once, so input goes in slices: 4 KiB to start, less when
  // output balloons (deflate turns 258 bytes of zeros into a 2-bit code), more when it is tame. This
  // keeps what is held between yields small, and lets a bomb be stopped early.
  let slice = 4096;
  try {
    for await (const chunk of chunks) {
      for (let at = 0; at < chunk.length; ) {
        const piece = chunk.subarray(at, at + slice);
        at += piece.length;
        produced = 0;
        decoder.push(piece);
        const ratio = produced / piece.length;
        slice =
          ratio > 256 ? 256 : ratio > 32 ? Math.max(256, slice >> 1) : Math.min(65536, slice << 1);
        if (out.length > 0) {
          const ready = out;
          out = [];
          yield* ready;
        }
      }
    }
    decoder.push(new Uint8Array(0), true);
  } catch (error) {
    if (error instanceof StrataError) throw error;
    throw badData('compressed', error);
  }
  yield* out;
}

async function fflateGunzip(): Promise<PushDecoder> {
  const { Gunzip } = await import('fflate');
  return new Gunzip() as unknown as PushDecoder;
}
