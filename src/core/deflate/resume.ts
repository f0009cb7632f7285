import { concatBytes } from '../bytes.ts';
import { CODE_LENGTH_ORDER } from './codes.ts';
import type { DeflatePoint } from './skim.ts';

/** Back-references reach at most this far (RFC 1951 3.2.5). */
export const WINDOW = 32768;

/**
 * A raw deflate stream that decodes to `window` followed by the member's output from `point` on
 * (its first `window.length` bytes are to be dropped): a stored block holding the window, empty
 * blocks to bring the bit position to the point's within a byte, the current block's header copied
 * bit for bit, then the member's own bytes from the point on. Any inflater decodes it,
 * `DecompressionStream('deflate-raw')` included, which cannot be given a window or a bit offset.
 * The member's bytes keep their place within a byte, so later stored blocks, which start on a
 * byte boundary, are still found where they are.
 *
 * `window` is the output just before the point (all of it, when the point is less than 32 KiB
 * in); `read(from, to)` gives the compressed blob's bytes [from, to); `endBit` is where the
 * member's deflate data ends (DeflateIndex.endBit): its trailer is not deflate data.
 */
export async function* resumedDeflate(
  point: DeflatePoint,
  window: Uint8Array,
  read: (from: number, to: number) => AsyncIterable<Uint8Array>,
  endBit: number,
): AsyncGenerator<Uint8Array> {
  // Bit offsets pass 2^31 past 256 MiB of data: divided, never shifted (32-bit in JavaScript).
  const byteOf = (bit: number) => Math.floor(bit / 8);
  const writer = new BitWriter();
  writer.stored(window);
  const end = byteOf(endBit + 7);
  if (point.headerFrom < 0) {
    // Inside a stored block: a new header for what is left of it, then the rest as it lies.
    writer.storedHeader(point.storedLeft, point.final);
    yield writer.take();
    yield* read(byteOf(point.bit), end);
    return;
  }
  const headerBits = point.headerTo - point.headerFrom;
  writer.emptyBlocks((((point.bit - headerBits) % 8) + 8) % 8);
  const header = await gather(read(byteOf(point.headerFrom), byteOf(point.headerTo + 7)));
  writer.copy(header, point.headerFrom % 8, headerBits);
  let first = true;
  for await (const chunk of read(byteOf(point.bit), end)) {
    if (first && chunk.length > 0) {
      // The writer now stands at the point's place in its byte: its bits take that byte's low ones.
      writer.merge(chunk[0]!);
      yield writer.take();
      if (chunk.length > 1) yield chunk.subarray(1);
      first = false;
    } else if (chunk.length > 0) yield chunk;
  }
}

/** A short read (a block header) in one piece. */
async function gather(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return concatBytes(parts);
}

/** Bits appended low bit first, as deflate packs them (RFC 1951 3.1.1). */
class BitWriter {
  private parts: Uint8Array[] = [];
  private bytes: number[] = [];
  private pending = 0;
  private pendingBits = 0;

  /** A stored block (RFC 1951 3.2.4) holding `bytes`, not the last; the writer is byte-aligned. */
  stored(bytes: Uint8Array): void {
    this.storedHeader(bytes.length, false);
    this.flushBytes();
    this.parts.push(bytes);
  }

  storedHeader(length: number, final: boolean): void {
    if (this.pendingBits !== 0) throw new Error('a stored block starts on a byte boundary here');
    this.bytes.push(final ? 1 : 0, length & 255, length >> 8, ~length & 255, (~length >> 8) & 255);
  }

  /**
   * Blocks that decode to nothing, `residue` bits long modulo 8: fixed Huffman blocks of 10 bits
   * (header and end-of-block code), and for an odd residue one dynamic block of 95 bits.
   */
  emptyBlocks(residue: number): void {
    let left = residue;
    if (left % 2 === 1) {
      this.emptyDynamicBlock();
      left = (left - 95 + 8 * 16) % 8;
    }
    for (; left > 0; left = (left - 10 + 8 * 16) % 8) {
      this.write(0, 1); // not the last
      this.write(1, 2); // fixed Huffman codes
      this.write(0, 7); // end of block: code 256 is 0000000
    }
  }

  /**
   * A dynamic Huffman block with no symbol but end-of-block (RFC 1951 3.2.7): 257 literal/length
   * lengths, of which only end-of-block's is 1, and one distance length of 0, sent with a
   * code-length code of 18 -> "0", 0 -> "10", 1 -> "11" declared over 19 entries. zlib accepts a
   * literal/length code that is a single 1-bit code, and a distance code with no codes.
   */
  private emptyDynamicBlock(): void {
    this.write(0, 1);
    this.write(2, 2);
    this.write(0, 5); // 257 literal/length codes
    this.write(0, 5); // 1 distance code
    this.write(19 - 4, 4); // 19 code length code lengths
    const lengthOf: Record<number, number> = { 18: 1, 0: 2, 1: 2 };
    for (const sym of CODE_LENGTH_ORDER) this.write(lengthOf[sym] ?? 0, 3);
    this.code(0, 1); // 18: 138 zeros
    this.write(138 - 11, 7);
    this.code(0, 1); // 18: 118 zeros (literals 0-255 done)
    this.write(118 - 11, 7);
    this.code(0b11, 2); // 1: end-of-block's length
    this.code(0b10, 2); // 0: the one distance code unused
    this.code(0, 1); // end of block
  }

  /** A Huffman code, sent from its top bit. */
  private code(value: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) this.write((value >> i) & 1, 1);
  }

  /** `count` bits of `value`, low bit first. */
  private write(value: number, count: number): void {
    this.pending |= (value & ((1 << count) - 1)) << this.pendingBits;
    this.pendingBits += count;
    while (this.pendingBits >= 8) {
      this.bytes.push(this.pending & 255);
      this.pending >>>= 8;
      this.pendingBits -= 8;
    }
  }

  /** `count` bits of `source` from bit `from` of its first byte. */
  copy(source: Uint8Array, from: number, count: number): void {
    for (let at = from, left = count; left > 0; ) {
      const take = Math.min(left, 8 - (at & 7), 16);
      this.write(source[at >> 3]! >> (at & 7), take);
      at += take;
      left -= take;
    }
  }

  /** The pending bits put below the high bits of `byte`, completing it. */
  merge(byte: number): void {
    const mask = (1 << this.pendingBits) - 1;
    this.bytes.push((this.pending & mask) | (byte & ~mask & 255));
    this.pending = 0;
    this.pendingBits = 0;
  }

  private flushBytes(): void {
    if (this.bytes.length > 0) this.parts.push(Uint8Array.from(this.bytes));
    this.bytes = [];
  }

  /** The whole bytes written since the last call. */
  take(): Uint8Array {
    this.flushBytes();
    const parts = this.parts;
    this.parts = [];
    return concatBytes(parts);
  }
}
