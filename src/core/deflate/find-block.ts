import { kraftLeft, peekBits, readCodeLengths } from './codes.ts';
import { DeflateSkimmer, NO_PLACES } from './skim.ts';

/**
 * Finds where a deflate block starts in the middle of a stream, with no walk from its start (the
 * way rapidgzip starts decoding anywhere): at every bit, a header that zlib itself would accept,
 * dynamic codes complete, then the blocks after it walked until two more headers prove as sound.
 * Random bits pass the first test at about one position in a few thousand and practically never
 * the rest; whatever uses a block found this way still checks it against a walk from elsewhere
 * (deflate/tail.ts: the stream's end, or the block found after it).
 */

/** How far the walk of the blocks after a candidate may go. */
const CONFIRM_BYTES = 1 << 20;
/** How much of that walk is made at a time. */
const CONFIRM_STEP = 16 << 10;
/** Headers after the candidate that must prove sound. */
const CONFIRM_HEADERS = 2;

/**
 * The first bit in [fromBit, toBit) of `bytes` where a non-final block starts, or -1. The blocks
 * after it are walked in `bytes` (so they should reach a little past `toBit`).
 */
export function findBlockStart(bytes: Uint8Array, fromBit: number, toBit: number): number {
  const end = Math.min(toBit, bytes.length * 8 - 3);
  // A byte at a time: its eight bits' headers read from one 32-bit word.
  for (let i = fromBit >> 3; i * 8 < end; i++) {
    const word = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    for (let k = i * 8 < fromBit ? fromBit & 7 : 0; k < 8; k++) {
      const bit = i * 8 + k;
      if (bit >= end) return -1;
      const first = (word >>> k) & 7;
      // Not final, and stored (000) or dynamic (101, type 2 read lowest bit first): a fixed
      // block's header is any three bits, with nothing after it to check. A dynamic one has at
      // most 286 literal/length codes (257 + 29) and 30 distance codes (1 + 29).
      if (first === 4) {
        if (((word >>> (k + 3)) & 31) > 29 || ((word >>> (k + 8)) & 31) > 29) continue;
        if (!codeLengthCodeComplete(bytes, bit)) continue;
      } else if (first === 0) {
        // A stored block's length and its complement, from the next byte boundary on.
        const at = (bit + 10) >> 3;
        const length = bytes[at]! | (bytes[at + 1]! << 8);
        if ((length ^ 0xffff) !== (bytes[at + 2]! | (bytes[at + 3]! << 8))) continue;
      } else continue;
      if (headerEnd(bytes, bit, false) >= 0 && confirmed(bytes, bit)) return bit;
    }
  }
  return -1;
}

/**
 * Whether the dynamic block header at `bit` has a complete code length code: the test most
 * candidates fail, made without building anything (a block search tries thousands of them per
 * block it finds).
 */
function codeLengthCodeComplete(bytes: Uint8Array, bit: number): boolean {
  let count = (peekBits(bytes, bit + 13) & 15) + 4;
  // Lengths of at most 7 bits: complete when they use up all 2^7 codes.
  let used = 0;
  for (let p = bit + 17; count > 0; count -= 5, p += 15) {
    const lengths = peekBits(bytes, p) & 0x7fff;
    // Only the `count` lengths left count: the bits past them are the next field's.
    used += CODES_USED[count >= 5 ? lengths : lengths & ((1 << (3 * count)) - 1)]!;
    if (used > 128) return false;
  }
  return used === 128;
}

/** For five 3-bit code lengths (15 bits, the first lowest): the codes of 7 bits they use. */
const CODES_USED = (() => {
  const table = new Uint16Array(1 << 15);
  for (let v = 0; v < table.length; v++)
    for (let j = 0; j < 5; j++) {
      const length = (v >> (3 * j)) & 7;
      if (length > 0) table[v]! += 1 << (7 - length);
    }
  return table;
})();

/**
 * The bit after the block header at `bit` if it is one zlib accepts (final ones only when `final`
 * is allowed), else -1: a stored block's length and its complement agree; a dynamic block's code
 * length code is complete, its literal/length code complete (one code of one bit aside), the end
 * of block has a code, and its distance code is complete or a single code (RFC 1951 3.2.7,
 * zlib's inftrees.c).
 */
export function headerEnd(bytes: Uint8Array, bit: number, final: boolean): number {
  const i = bit >> 3;
  const first = ((bytes[i]! | (bytes[i + 1]! << 8)) >> (bit & 7)) & 7;
  if (first & 1 && !final) return -1;
  const type = first >> 1;
  if (type === 1) return bit + 3;
  if (type === 0) {
    const aligned = Math.ceil((bit + 3) / 8);
    if (aligned + 4 > bytes.length) return -1;
    const length = bytes[aligned]! | (bytes[aligned + 1]! << 8);
    const inverse = bytes[aligned + 2]! | (bytes[aligned + 3]! << 8);
    return (length ^ 0xffff) === inverse ? (aligned + 4) * 8 : -1;
  }
  if (type !== 2) return -1;
  const read = readCodeLengths(bytes, bit + 3, true);
  if (typeof read === 'string' || read.literals[256] === 0) return -1;
  return soundCode(read.literals) && soundCode(read.distances) ? read.end : -1;
}

/** Complete, or one code of one bit (zlib accepts that incomplete code alone). */
function soundCode(lengths: Uint8Array): boolean {
  const left = kraftLeft(lengths);
  if (left === 0) return true;
  let used = 0;
  let max = 0;
  for (const l of lengths)
    if (l > 0) {
      used++;
      max = Math.max(max, l);
    }
  return left > 0 && used <= 1 && max <= 1;
}

/**
 * Whether the blocks from `bit` on walk cleanly through CONFIRM_HEADERS more sound headers (or to
 * the member's end) within CONFIRM_BYTES.
 */
function confirmed(bytes: Uint8Array, bit: number): boolean {
  const from = Math.floor(bit / 8);
  const skimmer = new DeflateSkimmer(NO_PLACES, {
    start: { bit: bit % 8, out: 0 },
    blockStarts: true,
  });
  // Walked a piece at a time, only as far as the headers it needs (blocks are tens of KiB).
  const limit = Math.min(bytes.length, from + CONFIRM_BYTES);
  try {
    for (let at = from; at < limit; at += CONFIRM_STEP) {
      skimmer.push(bytes.subarray(at, Math.min(limit, at + CONFIRM_STEP)));
      if (skimmer.blockStarts!.length / 2 - 1 >= CONFIRM_HEADERS) break;
    }
  } catch {
    return false;
  }
  const starts = skimmer.blockStarts!;
  const headers = starts.length / 2 - 1;
  for (let i = 1; i <= Math.min(headers, CONFIRM_HEADERS); i++)
    if (headerEnd(bytes, from * 8 + starts[2 * i]!, true) < 0) return false;
  if (headers >= CONFIRM_HEADERS) return true;
  // Fewer blocks than that before the member's end: its trailer must then come where it should.
  try {
    return from + CONFIRM_BYTES >= bytes.length && skimmer.end() !== undefined;
  } catch {
    return false;
  }
}
