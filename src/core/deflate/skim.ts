/**
 * Walks a gzip member's deflate stream (RFC 1951) symbol by symbol without producing its output,
 * to find places where decoding can start again: every `every` bytes of output, the bit where the
 * next symbol starts and where the current block's header lies. With the 32 KiB of output before
 * such a place (kept by whoever decodes the stream, see resume.ts), a native inflater can decode
 * from there instead of from the start: zlib's zran (examples/zran.c), except that the resumed
 * stream is built for `DecompressionStream`, which takes no window and no bit offset.
 *
 * The walk counts lengths and skips distances without checking them: it runs on a stream that the
 * scan has already decoded without error, and its total must cover what the scan saw
 * (SeekIndexes.ended).
 */

import {
  buildTable,
  DISTANCE_EXTRA,
  FIXED_DISTANCES,
  FIXED_LITERALS,
  LENGTH_BASE,
  LENGTH_EXTRA,
  readCodeLengths,
  type Table,
} from './codes.ts';

/** A place to resume decoding from (see resume.ts). */
export interface DeflatePoint {
  /** Decompressed offset of the next symbol, from the start of the stream. */
  out: number;
  /** Bit offset of the next symbol in the compressed blob (bit 0 is the low bit of byte 0). */
  bit: number;
  /** The current Huffman block's header, bits [headerFrom, headerTo) of the blob; -1 if stored. */
  headerFrom: number;
  headerTo: number;
  /** A stored block: how many of its bytes are left from `bit` (which is then byte-aligned). */
  storedLeft: number;
  /** A stored block: whether it is the last (a Huffman block's header says so itself). */
  final: boolean;
}

/** What a finished walk found: its places, the output's size and where the deflate data ends. */
export interface DeflateIndex {
  points: DeflatePoint[];
  /** Decompressed size of the member. */
  size: number;
  /** Bit just past the final block's last symbol. */
  endBit: number;
}

/**
 * `every` for a walk that wants no places (only its size or its block starts): a due offset no
 * segment's output reaches, and small enough to stay an integer in the walk's loop (2^53 made it
 * a third slower).
 */
export const NO_PLACES = 2 ** 29;

/** How a walk starts, ends and what it notes besides its places. */
export interface SkimOptions {
  /**
   * Start at the block header at bit `bit` of the blob (deflate/tail.ts), `out` bytes of output
   * before it, instead of at a gzip header: the first byte pushed is then byte `floor(bit / 8)`.
   */
  start?: { bit: number; out: number };
  /** Stop at the block header at this bit, which the walk must meet exactly (it throws if not). */
  stopBit?: number;
  /**
   * The block at `stopBit` is stored: its header is met anywhere its three bits would lead to the
   * same byte (a search finds the first such bit, which may be before the true one).
   */
  stopStored?: boolean;
  /** Note where every block starts (DeflateSkimmer.blockStarts). */
  blockStarts?: boolean;
}

/** Bytes a block header may need; a header is read only when this much input is at hand. */
const HEADER_ROOM = 2048;
/** The largest piece walked at once. */
const PIECE = 16 << 20;
/** Bytes a symbol may need (15 + 5 + 15 + 13 bits, rounded up). */
const SYMBOL_ROOM = 8;

export class DeflateSkimmer {
  private readonly points: DeflatePoint[] = [];
  private buffer = new Uint8Array(0);
  /** Bits of the blob before `buffer`. */
  private base = 0;
  /** Bit position in `buffer`. */
  private pos = 0;
  private out = 0;
  private nextPoint: number;
  private state: 'gzip-header' | 'block-header' | 'huffman' | 'stored' | 'trailer' | 'done' =
    'gzip-header';
  private final = false;
  private literals: Table = FIXED_LITERALS;
  private distances: Table = FIXED_DISTANCES;
  private headerFrom = -1;
  private headerTo = -1;
  private storedLeft = 0;
  private endBit = -1;
  /** Room for the current block's tables, made again at every block header. */
  private readonly literalRoom = new Uint16Array(1 << 15);
  private readonly distanceRoom = new Uint16Array(1 << 15);

  private stopBit: number;
  private stopStored: boolean;
  /** Bit and output of each block's start, flat, when asked for (SkimStart.blockStarts). */
  readonly blockStarts: number[] | undefined;

  constructor(
    private readonly every: number,
    options: SkimOptions = {},
  ) {
    this.nextPoint = every;
    this.stopBit = options.stopBit ?? -1;
    this.stopStored = options.stopStored ?? false;
    this.blockStarts = options.blockStarts ? [] : undefined;
    const { start } = options;
    if (start) {
      this.state = 'block-header';
      this.base = Math.floor(start.bit / 8) * 8;
      this.pos = start.bit % 8;
      this.out = start.out;
      // A place is due at the first multiple of `every` at or after the start (none at 0).
      this.nextPoint = Math.max(every, Math.ceil(start.out / every) * every);
    }
  }

  /** The places found so far, in order of output. */
  get found(): readonly DeflatePoint[] {
    return this.points;
  }

  /** Walks the next piece of the blob (a gzip member). */
  push(chunk: Uint8Array): void {
    // Positions within the buffer are shifted as 32-bit integers: it is kept far below 256 MiB.
    for (let at = 0; at < chunk.length; at += PIECE) this.pushPiece(chunk.subarray(at, at + PIECE));
  }

  private pushPiece(chunk: Uint8Array): void {
    // Bytes after the member's trailer: a second member (or junk), which the places do not cover.
    // A walk that stopped at a block takes what follows it without looking.
    if (this.state === 'done') {
      if (chunk.length > 0 && this.stopBit < 0) throw new Error('more than one gzip member');
      return;
    }
    const keep = this.buffer.length - (this.pos >> 3);
    const joined = new Uint8Array(keep + chunk.length);
    joined.set(this.buffer.subarray(this.pos >> 3));
    joined.set(chunk, keep);
    this.base += (this.pos >> 3) * 8;
    this.pos &= 7;
    this.buffer = joined;
    this.walk(false);
  }

  /** The walk's result once every byte was pushed: undefined if the member did not end cleanly. */
  end(): DeflateIndex | undefined {
    if (this.state !== 'done') this.walk(true);
    if (this.state !== 'done') return undefined;
    return { points: this.points, size: this.out, endBit: this.endBit };
  }

  private walk(last: boolean): void {
    while (true) {
      const room = this.buffer.length - (this.pos >> 3);
      switch (this.state) {
        case 'gzip-header': {
          const at = gzipHeaderLength(this.buffer);
          if (at < 0) {
            if (last || at === -2) throw new Error('not a gzip member');
            return;
          }
          this.pos = at * 8;
          this.state = 'block-header';
          break;
        }
        case 'block-header':
          if (this.stopBit >= 0 && this.atStop()) {
            this.endBit = this.base + this.pos;
            this.state = 'done';
            return;
          }
          if (room < HEADER_ROOM && !last) return;
          this.readBlockHeader();
          break;
        case 'huffman':
          if (!this.symbols(last ? this.buffer.length : this.buffer.length - SYMBOL_ROOM)) return;
          break;
        case 'stored':
          if (!this.stored()) return;
          break;
        case 'trailer':
          // Eight bytes of CRC and size; anything after them would be another member.
          if (room < 8 && !last) return;
          if (room !== 8) {
            if (!last || room > 8) throw new Error('more than one gzip member');
            throw new Error('gzip trailer cut short');
          }
          this.state = 'done';
          return;
        case 'done':
          return;
      }
    }
  }

  /**
   * From here on, stop at the block header at `bit` (as SkimOptions.stopBit), where the places
   * found from the end begin (deflate/tail.ts): false, and nothing changes, if the walk is past it.
   */
  meetAt(bit: number, stored: boolean): boolean {
    if (this.state === 'done' || bit < this.base + this.pos) return false;
    this.stopBit = bit;
    this.stopStored = stored;
    return true;
  }

  /** The walk stopped at its stop (SkimOptions.stopBit, meetAt): the rest of the data is not for it. */
  get stopped(): boolean {
    return this.state === 'done' && this.stopBit >= 0;
  }

  /** The stop it was given, if any (-1). */
  get stop(): number {
    return this.stopBit;
  }

  /** Whether the block header here is the stop (SkimOptions.stopBit); throws once past it. */
  private atStop(): boolean {
    const at = this.base + this.pos;
    if (at === this.stopBit) return true;
    const alignedAfter = (bit: number) => Math.ceil((bit + 3) / 8);
    if (
      this.stopStored &&
      (this.peek() & 7) === 0 &&
      alignedAfter(at) === alignedAfter(this.stopBit)
    )
      return true;
    if (at > this.stopBit) throw new Error('no block starts at the stop');
    return false;
  }

  private bits(count: number): number {
    const p = this.pos;
    const b = this.buffer;
    const i = p >> 3;
    const v = (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> (p & 7);
    this.pos = p + count;
    if (this.pos > b.length * 8) throw new Error('deflate data cut short');
    return v & ((1 << count) - 1);
  }

  private readBlockHeader(): void {
    const from = this.base + this.pos;
    this.blockStarts?.push(from, this.out);
    this.final = this.bits(1) === 1;
    const type = this.bits(2);
    if (type === 0) {
      this.pos = (this.pos + 7) & ~7;
      const length = this.bits(16);
      const inverse = this.bits(16);
      if ((length ^ 0xffff) !== inverse) throw new Error('stored block length mismatch');
      this.storedLeft = length;
      this.headerFrom = -1;
      this.headerTo = -1;
      this.state = 'stored';
      return;
    }
    if (type === 1) {
      this.literals = FIXED_LITERALS;
      this.distances = FIXED_DISTANCES;
    } else if (type === 2) this.readDynamicTables();
    else throw new Error('invalid block type');
    this.headerFrom = from;
    this.headerTo = this.base + this.pos;
    this.state = 'huffman';
  }

  private readDynamicTables(): void {
    const read = readCodeLengths(this.buffer, this.pos, false);
    if (typeof read === 'string') throw new Error(read);
    this.pos = read.end;
    this.literals = buildTable(read.literals, read.literals.length, this.literalRoom);
    this.distances = buildTable(read.distances, read.distances.length, this.distanceRoom);
  }

  private peek(): number {
    const p = this.pos;
    const b = this.buffer;
    const i = p >> 3;
    return (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16)) >>> (p & 7);
  }

  /**
   * Walks symbols while they lie before byte `limit`; true when the block ended. The hot loop:
   * locals only, one table look-up per literal.
   */
  private symbols(limit: number): boolean {
    const b = this.buffer;
    const lit = this.literals.entries;
    const litMask = this.literals.mask;
    const dist = this.distances.entries;
    const distMask = this.distances.mask;
    const stop = limit * 8;
    // The next bits are read at bit `p` from three bytes at once (17 bits or more): no state
    // carried between symbols but the position, which keeps every value a small integer.
    let p = this.pos;
    let out = this.out;
    let due = this.nextPoint;
    while (p < stop) {
      if (out >= due) {
        this.addPoint(out, this.base + p, 0);
        due = this.nextPoint;
      }
      let i = p >> 3;
      const entry = lit[((b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16)) >>> (p & 7)) & litMask]!;
      const length = entry & 15;
      if (length === 0) throw new Error('invalid literal/length code');
      p += length;
      const sym = entry >> 4;
      if (sym < 256) {
        out++;
        continue;
      }
      if (sym === 256) {
        this.pos = p;
        this.out = out;
        this.endBlock();
        return true;
      }
      const code = sym - 257;
      if (code >= 29) throw new Error('invalid length code');
      const extra = LENGTH_EXTRA[code]!;
      i = p >> 3;
      out +=
        LENGTH_BASE[code]! +
        (((b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16)) >>> (p & 7)) & ((1 << extra) - 1));
      p += extra;
      i = p >> 3;
      const d = dist[((b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16)) >>> (p & 7)) & distMask]!;
      if ((d & 15) === 0 || d >> 4 >= 30) throw new Error('invalid distance code');
      p += (d & 15) + DISTANCE_EXTRA[d >> 4]!;
    }
    this.pos = p;
    this.out = out;
    return false;
  }

  /** Records a place at output `out`, bit `bit`; the next is due `every` bytes of output later. */
  private addPoint(out: number, bit: number, storedLeft: number): void {
    const stored = this.state === 'stored';
    this.points.push({
      out,
      bit,
      headerFrom: stored ? -1 : this.headerFrom,
      headerTo: stored ? -1 : this.headerTo,
      storedLeft,
      final: this.final,
    });
    this.nextPoint = (Math.floor(out / this.every) + 1) * this.every;
  }

  /** Counts a stored block's bytes as they arrive; true when the block ended. */
  private stored(): boolean {
    const at = this.pos >> 3;
    const take = Math.min(this.buffer.length - at, this.storedLeft);
    // A place due within the bytes at hand is at that very byte (one due at the block's end is
    // left to the next block's first symbol).
    while (this.nextPoint - this.out < take) {
      const into = Math.max(0, this.nextPoint - this.out);
      this.addPoint(this.out + into, this.base + (at + into) * 8, this.storedLeft - into);
    }
    this.pos += take * 8;
    this.out += take;
    this.storedLeft -= take;
    if (this.storedLeft > 0) return false;
    this.endBlock();
    return true;
  }

  private endBlock(): void {
    if (!this.final) {
      this.state = 'block-header';
      return;
    }
    this.endBit = this.base + this.pos;
    this.pos = (this.pos + 7) & ~7;
    this.state = 'trailer';
  }
}

/**
 * Length of the gzip header at the start of `b` (RFC 1952 2.3): -1 if more bytes are needed, -2 if
 * it is not a gzip header.
 */
function gzipHeaderLength(b: Uint8Array): number {
  if (b.length < 10) return -1;
  if (b[0] !== 0x1f || b[1] !== 0x8b || b[2] !== 8) return -2;
  const flags = b[3]!;
  let at = 10;
  if (flags & 4) {
    if (b.length < at + 2) return -1;
    at += 2 + (b[at]! | (b[at + 1]! << 8));
  }
  for (const flag of [8, 16]) {
    if (!(flags & flag)) continue;
    while (at < b.length && b[at] !== 0) at++;
    if (at >= b.length) return -1;
    at++;
  }
  if (flags & 2) at += 2;
  return at <= b.length ? at : -1;
}
