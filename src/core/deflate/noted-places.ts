import { concatBytes } from '../bytes.ts';
import { peekBits } from './codes.ts';
import { findBlockStart, headerEnd } from './find-block.ts';
import { WINDOW } from './resume.ts';
import type { DeflatePoint } from './skim.ts';
import { MAX_MATCH } from './windows.ts';

/**
 * Places to resume from, noted while the native decoder decodes a gzip member, with no walk of
 * the stream in JavaScript (deflate/skim.ts walks every symbol, 3.4 s for an 855 MB layer). When
 * a place is due, a block start is looked for in the compressed bytes not yet decoded
 * (find-block.ts, as rapidgzip finds one); the decoder is given the bytes up to the one that holds
 * the block's first bit, and all it gives back for them is the output before the block: zlib
 * decodes every symbol it has whole, and the block's header needs more bits than that byte holds
 * (3 + 14 of a dynamic header, 3 then a byte-aligned length of a stored one). That output's size
 * is the place's offset, its last 32 KiB the window a resumed decode needs (resume.ts).
 *
 * This counts on the decoder handing over, by the time a write of input is done, all the output
 * that input makes, as `DecompressionStream` does in Chromium (its transform decodes the chunk
 * at once). A place where that did not hold is caught where it is used: a read resumed there
 * must first give what the scan saw right after it (`after`, SeekIndexes.tarFrom).
 */

/** A place a scan noted, with the output on either side of it. */
export interface NotedPlace {
  point: DeflatePoint;
  /** The output just before the place: its window (all of it, nearer the start than 32 KiB). */
  before: Uint8Array;
  /** The output right after it, up to MAX_MATCH bytes (fewer at the member's end). */
  after: Uint8Array;
}

/** Where the places of one decode go, and the output between two (one is due at each multiple). */
export interface GzipNoting {
  every: number;
  /** A place, once the output after it is known too. */
  found(place: NotedPlace): void;
  /**
   * The places found may lead nowhere (the data was not one sound member), or too few could be
   * found: none are to be used.
   */
  lost(): void;
}

/**
 * Output between two places of a layer. Each costs its scan about a millisecond (the search for a
 * block start, most of it): so placed, the bench's 2.3 GB of gzip layers were ready 0.3 s later
 * (5.6-5.9 s against 5.3-5.5 s), about 0.1 s more with places 8 MiB apart, and a file anywhere
 * opens in 0.1-0.2 s right after ready (32 MiB apart, some took 210-230 ms).
 */
export const LAYER_NOTED_EVERY = 16 << 20;

/**
 * Output between two places of a gzip-wrapped archive, further apart: there the search takes
 * time from the decoder, the one thread a whole `docker save | gzip` is read on, and a file is
 * read from a place without the layer's decoding besides.
 */
export const ARCHIVE_NOTED_EVERY = 32 << 20;

/**
 * Compressed bytes kept beyond the bytes searched for a block start: the blocks after a candidate
 * are walked to confirm it (find-block.ts), and a block of zlib's is tens of KiB.
 */
const LOOKAHEAD = 128 << 10;
/** Compressed bytes searched for a place before it is given up. */
const SEARCH_LIMIT = 1 << 20;
/** Places given up in a row after which all of them are dropped (GzipNoting.lost). */
const GIVE_UP = 3;
/** The most compressed bytes given to the decoder at once. */
const PIECE = 64 << 10;

/** Resolved at once: raced against a read, it says the decoder has nothing more for now. */
const NOTHING_YET = Promise.resolve('nothing yet' as const);
const WRITTEN = 'written' as const;
const ignore = () => {};

/** A single gzip member through `DecompressionStream('gzip')`, noting places as it goes. */
export async function* gunzipNoting(
  chunks: AsyncIterable<Uint8Array>,
  noting: GzipNoting,
): AsyncGenerator<Uint8Array> {
  const decoder = new DecompressionStream('gzip');
  const writer = decoder.writable.getWriter();
  const reader = decoder.readable.getReader();
  const read = () => {
    const next = reader.read();
    next.catch(ignore);
    return next;
  };
  // A read always waits, so that the decoder may run whenever it is given input.
  let waiting = read();
  let fed = 0;
  let out = 0;
  let due = noting.every;
  // The latest output from a window before the next place is due, at least a window of it.
  const recent: Uint8Array[] = [];
  let recentBytes = 0;
  // The place whose `after` is still being filled.
  let filling: { place: NotedPlace; bytes: Uint8Array; filled: number } | undefined;

  const seen = (chunk: Uint8Array) => {
    if (filling) {
      const n = Math.min(chunk.length, filling.bytes.length - filling.filled);
      filling.bytes.set(chunk.subarray(0, n), filling.filled);
      filling.filled += n;
      if (filling.filled === filling.bytes.length) {
        noting.found(filling.place);
        filling = undefined;
      }
    }
    // Copies of the output a window may need (a reader may take the chunks it is given away:
    // decode-stream.ts moves them to another thread).
    const from = Math.max(0, due - WINDOW - out);
    out += chunk.length;
    if (from >= chunk.length) return;
    const kept = chunk.slice(from);
    recent.push(kept);
    recentBytes += kept.length;
    while (recentBytes - recent[0]!.length >= WINDOW) recentBytes -= recent.shift()!.length;
  };

  /** Gives the decoder `bytes` and passes on all the output it makes of them. */
  async function* feed(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
    if (bytes.length === 0) return;
    fed += bytes.length;
    // Output is passed on while the write is under way (a decoder may wait for its reader), then
    // whatever is left of it.
    const written = writer.write(bytes as Uint8Array<ArrayBuffer>).then(() => WRITTEN);
    written.catch(ignore);
    let until: Promise<typeof WRITTEN | 'nothing yet'> = written;
    while (true) {
      const next = await Promise.race([waiting, until]);
      if (next === WRITTEN) {
        until = NOTHING_YET;
        continue;
      }
      if (next === 'nothing yet' || next.done) return;
      seen(next.value);
      waiting = read();
      yield next.value;
    }
  }

  /** The place at `bit` of `bytes` (which start at compressed offset `base`), `out` bytes in. */
  const note = (bytes: Uint8Array, bit: number, base: number) => {
    // Decoding resumes after the header (find-block.ts checked it): a stored block's ends with
    // its length and the length's complement, whose bytes it has left to copy.
    const end = headerEnd(bytes, bit, false);
    const stored = (peekBits(bytes, bit) & 7) === 0;
    const lengthAt = (end >> 3) - 4;
    const point: DeflatePoint = {
      out,
      bit: base * 8 + end,
      headerFrom: stored ? -1 : base * 8 + bit,
      headerTo: stored ? -1 : base * 8 + end,
      storedLeft: stored ? bytes[lengthAt]! | (bytes[lengthAt + 1]! << 8) : 0,
      final: false,
    };
    const window = concatBytes(recent);
    const place = {
      point,
      before: window.slice(Math.max(0, window.length - WINDOW)),
      after: new Uint8Array(MAX_MATCH),
    };
    filling = { place, bytes: place.after, filled: 0 };
    due = nextDue();
  };

  // The next place is due at the next multiple of `every`: places fall about that far apart.
  const nextDue = () => (Math.floor(out / noting.every) + 1) * noting.every;
  // Compressed bytes searched for the place due, and places given up in a row.
  let searchedForDue = 0;
  let misses = 0;
  // Input held back while a place is due, to search it before the decoder has it.
  let held: Uint8Array[] = [];
  let heldBytes = 0;
  /** Searches what is held (all of it at the end), then gives the decoder what it searched. */
  async function* search(last: boolean): AsyncGenerator<Uint8Array> {
    const bytes = concatBytes(held);
    const base = fed;
    const searched = last ? bytes.length : bytes.length - LOOKAHEAD;
    held = [];
    heldBytes = 0;
    const bit = findBlockStart(bytes, 0, searched * 8);
    if (bit < 0) {
      searchedForDue += searched;
      if (searchedForDue < SEARCH_LIMIT) {
        yield* feed(bytes.subarray(0, searched));
        held = [bytes.subarray(searched)];
        heldBytes = bytes.length - searched;
        return;
      }
      // No block this search can confirm (fixed codes only, or blocks too large): this place is
      // given up; after a few such, all of them, so that the data is walked for places instead
      // (deflate/skim.ts) rather than left with none from here on.
      searchedForDue = 0;
      misses++;
      due = nextDue();
      if (misses >= GIVE_UP) {
        due = Number.POSITIVE_INFINITY;
        noting.lost();
      }
      yield* feed(bytes);
      return;
    }
    searchedForDue = 0;
    misses = 0;
    // Up to the byte with the block's first bit: the decoder gives all the output before it.
    const cut = (bit >> 3) + 1;
    yield* feed(bytes.subarray(0, cut));
    note(bytes, bit, base);
    yield* feed(bytes.subarray(cut));
  }

  let finished = false;
  try {
    for await (const chunk of chunks) {
      // Far from the next place (8 times a chunk's size is more than it decodes to but for very
      // repetitive data) the chunk goes whole: each write ends one of the decoder's output chunks.
      if (out + 8 * chunk.length < due && heldBytes === 0) {
        yield* feed(chunk);
        continue;
      }
      // Near it, in pieces, so that a place is looked for soon after it is due.
      for (let at = 0; at < chunk.length; at += PIECE) {
        const piece = chunk.subarray(at, at + PIECE);
        if (out < due && heldBytes === 0) {
          yield* feed(piece);
          continue;
        }
        held.push(piece);
        heldBytes += piece.length;
        if (heldBytes >= 2 * LOOKAHEAD) yield* search(false);
      }
    }
    if (heldBytes > 0) yield* search(true);
    const closed = writer.close();
    closed.catch(ignore);
    while (true) {
      const next = await waiting;
      if (next.done) break;
      seen(next.value);
      waiting = read();
      yield next.value;
    }
    await closed;
    finished = true;
  } catch (error) {
    filling = undefined;
    noting.lost();
    throw error;
  } finally {
    if (!finished) reader.cancel().catch(ignore);
    // A place whose `after` the member ended within (or the reader stopped within) keeps what
    // there was.
    if (filling) {
      filling.place.after = filling.bytes.subarray(0, filling.filled);
      noting.found(filling.place);
    }
  }
}
