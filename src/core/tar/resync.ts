import { ChunkReader, type Opener } from '../chunk-reader.ts';
import { checksumMatches, isZeroBlock } from './header.ts';

/** How much is looked through at each place tried. */
const PROBE = 256 << 10;
/** The first step to the next place tried, doubled each time up to LONGEST_STEP. */
const FIRST_STEP = 1 << 20;
const LONGEST_STEP = 64 << 20;

/**
 * Where a tar header seems to start at or after `from` (a multiple of 512, as every header of a
 * tar stream is): the first block there whose checksum holds and whose magic is ustar's or GNU's,
 * or undefined before `end`. A body can hold such a block too (a tar inside the layer), so a place
 * found here is a guess: layer/pieces.ts trusts it only once the walk before it arrives there.
 *
 * A large body is not read through: the search looks at PROBE bytes, then tries further on, in
 * steps that double up to LONGEST_STEP (the walk before covers what lies between).
 */
export async function findHeader(
  open: Opener,
  from: number,
  end: number,
  signal?: AbortSignal,
): Promise<number | undefined> {
  let step = FIRST_STEP;
  let at = Math.ceil(from / 512) * 512;
  while (at + 512 <= end) {
    const reader = new ChunkReader(open, true, at, signal, Number.POSITIVE_INFINITY, end);
    try {
      for (let n = 0; n < PROBE && reader.offset + 512 <= end; n += 512) {
        const offset = reader.offset;
        const block = reader.tryRead(512) ?? (await reader.readExact(512, 'a tar header'));
        if (block === null) return undefined;
        if (looksLikeHeader(block)) return offset;
      }
    } finally {
      await reader.close();
    }
    at += step;
    step = Math.min(step * 2, LONGEST_STEP);
  }
  return undefined;
}

/** A header's checksum and magic ("ustar\0" or GNU's "ustar  "): a v7 header is not looked for. */
function looksLikeHeader(block: Uint8Array): boolean {
  if (isZeroBlock(block)) return false;
  const magic = block[257] === 0x75 && block[258] === 0x73 && block[259] === 0x74;
  return magic && block[260] === 0x61 && block[261] === 0x72 && checksumMatches(block);
}
