import { findBlockStart } from './find-block.ts';
import { type DeflatePoint, DeflateSkimmer, NO_PLACES } from './skim.ts';
import { MAX_MATCH } from './windows.ts';

/**
 * Places to resume from found from a gzip member's end backwards, a segment at a time, while the
 * skimmer walks it from its start: a file near the end of a large layer then opens long before
 * the walk from the start gets there. A segment starts at a block found in its bytes
 * (find-block.ts) and is walked to the segment after it, whose start it must meet exactly, or to
 * the member's end; its output is then known from the end: the member's size less what the
 * segments after it hold. The walk from the start checks every place the two both find
 * (SeekIndexes.found).
 */

/** Compressed bytes per segment (about 30 MB of output, 0.1 s of walking). */
export const SEGMENT = 16 << 20;
/** How far into a segment its first block is looked for. */
const SEARCH = 4 << 20;

/**
 * A member's decompressed size from its trailer's ISIZE (the size modulo 2^32, RFC 1952 2.3.1)
 * and the number of windows the scan kept: with `kept` windows, the output reached
 * kept·every + MAX_MATCH but not (kept + 1)·every + MAX_MATCH, a span that holds one value of
 * any residue modulo 2^32.
 */
export function decodedSize(isize: number, kept: number, every: number): number {
  const least = kept * every + MAX_MATCH;
  const size = least - (least % 2 ** 32) + isize;
  return size < least ? size + 2 ** 32 : size;
}

/** One segment's walk: where it starts, and its places. */
export interface TailSegment {
  /** Bit of the segment's first block header, in the blob. */
  startBit: number;
  /** Output before that block. */
  startOut: number;
  /** The block is stored (SkimOptions.stopStored, for the walk of the segment before it). */
  stored: boolean;
  /** Where the walk ended: the next segment's start, or the end of the member's deflate data. */
  endBit: number;
  /** The places due in the segment, in order of output. */
  points: DeflatePoint[];
}

/**
 * Walks the segment whose bytes are `bytes`, bytes [fromByte, …) of the blob: from the first
 * block found in it to `stopAt` (the next segment's start, whose output is `endOut`), or to the
 * member's end when there is none (`endOut`: the member's size). A place is due at each
 * multiple of `every` in (startOut, endOut]; one due where a stored block ends is left out, as
 * is one due at the segment's very start (the walk from the start finds those). Undefined when
 * no block is found or the walk does not meet its end exactly.
 */
export function skimSegment(
  bytes: Uint8Array,
  fromByte: number,
  stopAt: { bit: number; stored: boolean } | undefined,
  endOut: number,
  every: number,
): TailSegment | undefined {
  const found = findBlockStart(bytes, 0, Math.min(bytes.length, SEARCH) * 8);
  if (found < 0) return undefined;
  const startBit = fromByte * 8 + found;
  const stored = ((bytes[found >> 3]! | (bytes[(found >> 3) + 1]! << 8)) >> (found & 7)) & 7;
  const stopBit = stopAt?.bit ?? -1;
  const stop = stopAt ? { stopBit, stopStored: stopAt.stored } : {};
  const walk = new DeflateSkimmer(NO_PLACES, {
    start: { bit: startBit, out: 0 },
    blockStarts: true,
    ...stop,
  });
  let size: number;
  let endBit: number;
  try {
    walk.push(bytes.subarray(found >> 3));
    const index = walk.end();
    if (!index) return undefined;
    size = index.size;
    endBit = index.endBit;
  } catch {
    return undefined;
  }
  const startOut = endOut - size;
  if (startOut <= 0) return undefined;
  const starts = walk.blockStarts!;
  const points: DeflatePoint[] = [];
  for (let due = (Math.floor(startOut / every) + 1) * every; due <= endOut; due += every) {
    // The last block that starts before the place is due, walked again with its output known.
    let i = 0;
    while (2 * (i + 1) < starts.length && startOut + starts[2 * (i + 1) + 1]! < due) i++;
    const bit = starts[2 * i]!;
    const next = 2 * (i + 1) < starts.length ? starts[2 * (i + 1)]! : stopBit;
    const last = 2 * (i + 1) >= starts.length;
    const block = new DeflateSkimmer(every, {
      start: { bit, out: startOut + starts[2 * i + 1]! },
      ...(last ? stop : { stopBit: next }),
    });
    try {
      // Its bytes alone (and a few past the next block's header, which the walk stops at).
      const to = next >= 0 ? Math.ceil(next / 8) + 8 - fromByte : bytes.length;
      block.push(bytes.subarray(Math.floor(bit / 8) - fromByte, to));
      block.end();
    } catch {
      return undefined;
    }
    const point = block.found.find((p) => p.out >= due);
    if (point && point.out - due < MAX_MATCH) points.push(point);
  }
  return { startBit, startOut, stored: stored === 0, endBit, points };
}
