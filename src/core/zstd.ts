import { StrataError } from './errors.ts';

/**
 * zstd through zstddec's WebAssembly build of the reference decoder (`ZSTD_decompressStream`):
 * 3.5-3.8x fzstd's throughput on the bench's zstd layers (README, Benchmarks), for 85 KB of
 * script. Multi-frame and skippable-frame layers (zstd:chunked) decode as one stream.
 *
 * The library's streaming call is a synchronous generator over an iterable of input chunks, while
 * a layer arrives as an async stream. So input is fed one chunk ahead: the decoder is asked for
 * output only while a chunk is queued (or the input has ended), and so it never finds the queue
 * empty mid-stream.
 */
export async function* zstdDecode(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const { ZSTDDecoder } = await import('zstddec/stream');
  const decoder = new ZSTDDecoder();
  await decoder.init();
  const queued: Uint8Array[] = [];
  let ended = false;
  // The library does not check ZSTD_decompressStream's result: on damaged data the call neither
  // reads input nor writes output, and would be repeated forever. A call that writes nothing
  // happens at a frame's end or a skippable frame, a few at a time; a long run of them without new
  // input means the data is damaged.
  let idle = 0;
  const input: Iterable<Uint8Array> = {
    [Symbol.iterator]: () => ({
      next: () => {
        const value = queued.shift();
        if (value) idle = 0;
        return value ? { value, done: false } : { value: undefined, done: true };
      },
    }),
  };
  const source = chunks[Symbol.asyncIterator]();
  const fill = async () => {
    const next = await source.next();
    if (next.done) ended = true;
    else if (next.value.length > 0) queued.push(next.value);
  };
  const output = decoder.decodeStreaming(input);
  try {
    while (true) {
      while (queued.length === 0 && !ended) await fill();
      let next: IteratorResult<Uint8Array>;
      try {
        next = output.next();
      } catch (error) {
        throw damaged(error);
      }
      if (next.done) return;
      if (next.value.length === 0) {
        if (++idle > 1024) throw damaged('the decoder stopped making progress');
        continue;
      }
      idle = 0;
      yield next.value;
    }
  } finally {
    if (!ended) await source.return?.();
  }
}

function damaged(cause: unknown): StrataError {
  const text = cause instanceof Error ? cause.message : String(cause);
  return new StrataError('bad-compression', `The zstd data is damaged: ${text}`);
}
