import { releaseFailed } from './bytes.ts';
import { StrataError } from './errors.ts';

/**
 * gzip and raw deflate through the platform's decoder (`DecompressionStream`, native and 2-3x
 * faster than JavaScript), and through fflate where the native one cannot go on: a second gzip
 * member (whatwg/compression#42), which estargz layers are made of. compression.ts chooses.
 */

/** Damaged compressed data, in the decoder's own words. */
export function badData(format: string, error: unknown): StrataError {
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
  for await (const chunk of jsGunzip(reopen())) {
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

export function toReadableStream(
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

/** gzip of any number of members, decoded in JavaScript by fflate (2-3x slower than native). */
export async function* jsGunzip(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const { Gunzip } = await import('fflate');
  yield* pushDecoder(chunks, new Gunzip() as unknown as PushDecoder);
}
