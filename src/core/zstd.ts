import { StrataError } from './errors.ts';

/**
 * zstd through the WebAssembly build of the reference decoder that zstddec ships
 * (`ZSTD_decompressStream`; src/tools/zstd-wasm.mjs takes it out on install): 3.5-3.8x fzstd's
 * throughput on the bench's zstd layers (README, Benchmarks), for 59 KB of WebAssembly.
 * Multi-frame and skippable-frame layers (zstd:chunked) decode as one stream.
 *
 * Each decode has an instance of its own, so that its whole state is its memory: a copy of that
 * memory between two calls (a `ZstdPlace`) is a decoder that goes on from there in a new
 * instance. A decode is resumed so anywhere in a layer, without the decoder's tables or window
 * being known to this code.
 */

/** A decoder's state after `input` compressed bytes, when it had given `output` bytes. */
export interface ZstdPlace {
  input: number;
  output: number;
  /** The instance's memory up to its last byte in use (the rest is zeros). */
  memory: Uint8Array;
  /** The memory's whole size then: its allocator may hand out any of it. */
  size: number;
  /** Where the decoder's context and buffers lie in it. */
  pointers: Pointers;
}

interface Pointers {
  context: number;
  input: number;
  output: number;
  /** ZSTD_inBuffer {src, size, pos} then ZSTD_outBuffer {dst, size, pos}, 32-bit each. */
  buffers: number;
}

interface Exports {
  memory: WebAssembly.Memory;
  malloc: (size: number) => number;
  ZSTD_createDCtx: () => number;
  ZSTD_decompressStream: (context: number, output: number, input: number) => number;
  ZSTD_DStreamInSize: () => number;
  ZSTD_DStreamOutSize: () => number;
}

let compiled: Promise<WebAssembly.Module> | undefined;

function zstdModule(): Promise<WebAssembly.Module> {
  compiled ??= import('./zstd-wasm.generated.ts').then(({ ZSTD_WASM }) =>
    WebAssembly.compile(base64Bytes(ZSTD_WASM)),
  );
  return compiled;
}

function base64Bytes(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

async function instance(): Promise<Exports> {
  const made = await WebAssembly.instantiate(await zstdModule(), {
    // Told when the memory grows; the views below are made afresh for every call.
    env: { emscripten_notify_memory_growth: () => {} },
  });
  return made.exports as unknown as Exports;
}

/** zstd's errors are the last 120 values of a size_t (ZSTD_isError). */
const isError = (result: number) => result >>> 0 > 0xffffff88;

/** One decode of a stream of frames, fed chunk by chunk. */
class Decoder {
  private inputSize: number;
  private outputSize: number;
  /** Compressed bytes taken, and decompressed bytes given. */
  input = 0;
  output = 0;
  /** What the last call returned: 0 once a frame is complete and flushed. */
  private last = 0;

  private constructor(
    private readonly wasm: Exports,
    private readonly pointers: Pointers,
  ) {
    this.inputSize = wasm.ZSTD_DStreamInSize();
    this.outputSize = wasm.ZSTD_DStreamOutSize();
  }

  static async fresh(): Promise<Decoder> {
    const wasm = await instance();
    const input = wasm.malloc(wasm.ZSTD_DStreamInSize());
    const output = wasm.malloc(wasm.ZSTD_DStreamOutSize());
    const buffers = wasm.malloc(24);
    const context = wasm.ZSTD_createDCtx();
    if (!input || !output || !buffers || !context) throw damaged('the decoder could not start');
    return new Decoder(wasm, { context, input, output, buffers });
  }

  /** A decoder in the state `place` copied. */
  static async resumed(place: ZstdPlace): Promise<Decoder> {
    const wasm = await instance();
    const { memory } = wasm;
    const short = Math.max(place.size, place.memory.length) - memory.buffer.byteLength;
    if (short > 0) memory.grow(Math.ceil(short / 65536));
    // A new instance's memory is zeros above its static data, as the copy's was above its end.
    new Uint8Array(memory.buffer).set(place.memory);
    const decoder = new Decoder(wasm, place.pointers);
    decoder.input = place.input;
    decoder.output = place.output;
    decoder.last = 1;
    return decoder;
  }

  /** Decodes `chunk`; the output, copied out of the decoder's memory. */
  *push(chunk: Uint8Array): Generator<Uint8Array> {
    const { wasm, pointers } = this;
    const { buffers } = pointers;
    for (let at = 0; at < chunk.length; ) {
      const size = Math.min(this.inputSize, chunk.length - at);
      new Uint8Array(wasm.memory.buffer).set(chunk.subarray(at, at + size), pointers.input);
      at += size;
      const set = new DataView(wasm.memory.buffer);
      set.setUint32(buffers, pointers.input, true);
      set.setUint32(buffers + 4, size, true);
      set.setUint32(buffers + 8, 0, true);
      while (true) {
        let view = new DataView(wasm.memory.buffer);
        view.setUint32(buffers + 12, pointers.output, true);
        view.setUint32(buffers + 16, this.outputSize, true);
        view.setUint32(buffers + 20, 0, true);
        const result = wasm.ZSTD_decompressStream(pointers.context, buffers + 12, buffers);
        if (isError(result)) throw damaged(`error ${-result} of the reference decoder`);
        this.last = result;
        // The memory may have grown during the call: a new view.
        view = new DataView(wasm.memory.buffer);
        const written = view.getUint32(buffers + 20, true);
        if (written > 0) {
          this.output += written;
          yield new Uint8Array(wasm.memory.buffer, pointers.output, written).slice();
        }
        // All of it taken and the output not full: nothing more comes without more input.
        if (view.getUint32(buffers + 8, true) >= size && written < this.outputSize) break;
      }
      this.input += size;
    }
  }

  /** Whether the stream ended at the end of a frame (not part-way through one). */
  get atFrameEnd(): boolean {
    return this.last === 0;
  }

  /** The decoder as it is now, to go on from in another instance. */
  place(): ZstdPlace {
    const bytes = new Uint8Array(this.wasm.memory.buffer);
    // Its end: the last 8-byte word that is not zero.
    const words = new Float64Array(bytes.buffer, 0, bytes.length >> 3);
    let end = words.length;
    while (end > 0 && words[end - 1] === 0) end--;
    return {
      input: this.input,
      output: this.output,
      memory: bytes.slice(0, end * 8),
      size: bytes.length,
      pointers: { ...this.pointers },
    };
  }
}

export interface ZstdOptions {
  /** Go on from this place: `chunks` then start at its `input` offset of the stream. */
  from?: ZstdPlace | undefined;
  /**
   * Told a place about every `every` decompressed bytes (between two chunks), or further apart
   * when a place's memory is large: a place costs at most 1/`spacing` (PLACE_SPACING) of the
   * output it skips, and all of them at most `budget` bytes.
   */
  places?:
    | { every: number; budget: number; spacing?: number; found: (place: ZstdPlace) => void }
    | undefined;
}

/**
 * Output between two places, in multiples of a place's size. A place holds the decoder's window,
 * which the frame sets: 2.9 MB for the zstd command's level 3 (a 2 MiB window), 9.2 MB for Go's
 * encoder (8 MiB), so places come every 70 MB and every 221 MB of output, 4% of it.
 */
export const PLACE_SPACING = 24;

/** Output between two places, at the least (PLACE_SPACING spaces large ones further). */
export const PLACES_EVERY = 64 << 20;

/** The memory the places of one zstd layer may take. */
export const LAYER_PLACES_BUDGET = 128 << 20;
/** The memory the places of a whole zstd archive (`docker save | zstd`) may take. */
export const ARCHIVE_PLACES_BUDGET = 256 << 20;

/** A decode that hands `found` a place every PLACES_EVERY bytes or more, `budget` bytes in all. */
export function takingPlaces(budget: number, found: (place: ZstdPlace) => void): ZstdOptions {
  return { places: { every: PLACES_EVERY, budget, found } };
}

/** Decodes a zstd stream of one or more frames, as its chunks arrive. */
export async function* zstdDecode(
  chunks: AsyncIterable<Uint8Array>,
  options: ZstdOptions = {},
): AsyncGenerator<Uint8Array> {
  const decoder = options.from ? await Decoder.resumed(options.from) : await Decoder.fresh();
  const { places } = options;
  let due = places?.every ?? 0;
  let left = places?.budget ?? 0;
  for await (const chunk of chunks) {
    yield* decoder.push(chunk);
    if (places && decoder.output >= due && left > 0) {
      const place = decoder.place();
      left -= place.memory.length;
      if (left >= 0) places.found(place);
      due =
        decoder.output +
        Math.max(places.every, place.memory.length * (places.spacing ?? PLACE_SPACING));
    }
  }
  if (!decoder.atFrameEnd) throw damaged('it ends part-way through a frame');
}

function damaged(cause: string): StrataError {
  return new StrataError('bad-compression', `The zstd data is damaged: ${cause}.`);
}
