/** Deflate's code tables (RFC 1951 3.2): what the skimmer reads symbols with. */

// RFC 1951 3.2.5: base lengths and extra bits of length codes 257-285, extra bits of distances.
export const LENGTH_BASE = new Uint16Array([
  3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
  163, 195, 227, 258,
]);
export const LENGTH_EXTRA = new Uint8Array([
  0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
]);
export const DISTANCE_EXTRA = new Uint8Array([
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
]);
// RFC 1951 3.2.7: the order in which code length code lengths are stored.
export const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** A decoding table: entry = symbol << 4 | code length, indexed by the next `bits` bits. */
export interface Table {
  entries: Uint16Array;
  mask: number;
}

/**
 * Builds the table of a canonical Huffman code (RFC 1951 3.2.2) from its code lengths, in `into`
 * when it is large enough (a skimmer builds two tables per block, tens of thousands of times).
 */
export function buildTable(lengths: Uint8Array, count: number, into?: Uint16Array): Table {
  let max = 0;
  const perLength = new Uint16Array(16);
  for (let i = 0; i < count; i++) {
    const l = lengths[i]!;
    perLength[l]!++;
    if (l > max) max = l;
  }
  perLength[0] = 0;
  const next = new Uint16Array(16);
  // Where each length's symbols start in `byLength` (symbols sorted by length, then value).
  const start = new Uint16Array(17);
  let code = 0;
  let left = 1;
  for (let l = 1; l <= 15; l++) {
    code = (code + perLength[l - 1]!) << 1;
    next[l] = code;
    left = (left << 1) - perLength[l]!;
    if (left < 0) throw new Error('over-subscribed Huffman code');
    start[l + 1] = start[l]! + perLength[l]!;
  }
  const byLength = new Uint16Array(start[16]!);
  const reversedOf = new Uint16Array(count);
  for (let sym = 0; sym < count; sym++) {
    const l = lengths[sym]!;
    if (l === 0) continue;
    let c = next[l]!++;
    // Codes are sent from their top bit; the table is indexed by bits as read, lowest first.
    let reversed = 0;
    for (let i = 0; i < l; i++) {
      reversed = (reversed << 1) | (c & 1);
      c >>= 1;
    }
    reversedOf[sym] = reversed;
    byLength[start[l]!++] = sym;
  }
  const bits = Math.max(max, 1);
  const size = 1 << bits;
  const entries = into && into.length >= size ? into.subarray(0, size) : new Uint16Array(size);
  // Shortest codes first: once every code of length up to l has its one slot in the first 2^l
  // entries, those entries repeat every 2^l, so they are copied once to fill 2^(l+1), and each
  // code of length l+1 then takes its one slot there (a slot no shorter code's prefix holds).
  entries.fill(0, 0, 2);
  let filled = 2;
  let from = 0;
  for (let l = 1; l <= bits; l++) {
    if (l > 1) {
      entries.copyWithin(filled, 0, filled);
      filled *= 2;
    }
    // Every symbol of length l, as `start[l]` now marks the end of their run.
    for (; from < start[l]!; from++)
      entries[reversedOf[byLength[from]!]!] = (byLength[from]! << 4) | l;
  }
  return { entries, mask: size - 1 };
}

export const FIXED_LITERALS = (() => {
  const lengths = new Uint8Array(288);
  lengths.fill(8, 0, 144);
  lengths.fill(9, 144, 256);
  lengths.fill(7, 256, 280);
  lengths.fill(8, 280, 288);
  return buildTable(lengths, 288);
})();
export const FIXED_DISTANCES = buildTable(new Uint8Array(30).fill(5), 30);

/** 2^15 less the share of it that codes of these lengths take (negative: over-subscribed). */
export function kraftLeft(lengths: Uint8Array, count = lengths.length): number {
  let left = 1 << 15;
  for (let i = 0; i < count; i++) if (lengths[i]) left -= 1 << (15 - lengths[i]!);
  return left;
}

/** A dynamic block's code lengths (RFC 1951 3.2.7), and the bit just past them. */
export interface CodeLengths {
  /** The code length code's lengths, by symbol. */
  codeLengths: Uint8Array;
  literals: Uint8Array;
  distances: Uint8Array;
  end: number;
}

/**
 * Reads a dynamic block's code lengths from bit `at` of `bytes` (just past the block's three
 * header bits); what is wrong with them instead, if anything. `strict` also refuses what zlib
 * refuses before reading them: more than 286 literal/length or 30 distance codes, or a code
 * length code that is not complete (the block finder's test of a header; find-block.ts).
 */
export function readCodeLengths(
  bytes: Uint8Array,
  at: number,
  strict: boolean,
): CodeLengths | string {
  let p = at;
  const bits = (count: number) => {
    const value = peekBits(bytes, p) & ((1 << count) - 1);
    p += count;
    return value;
  };
  const literalCount = bits(5) + 257;
  const distanceCount = bits(5) + 1;
  if (strict && (literalCount > 286 || distanceCount > 30)) return 'too many codes';
  const codeLengthCount = bits(4) + 4;
  const codeLengths = new Uint8Array(19);
  for (let i = 0; i < codeLengthCount; i++) codeLengths[CODE_LENGTH_ORDER[i]!] = bits(3);
  if (strict && kraftLeft(codeLengths) !== 0) return 'incomplete code length code';
  const lengthCode = buildTable(codeLengths, 19);
  const lengths = new Uint8Array(literalCount + distanceCount);
  for (let i = 0; i < lengths.length; ) {
    const entry = lengthCode.entries[peekBits(bytes, p) & lengthCode.mask]!;
    if ((entry & 15) === 0) return 'invalid code length code';
    p += entry & 15;
    const sym = entry >> 4;
    if (sym < 16) lengths[i++] = sym;
    else {
      let repeat: number;
      let value = 0;
      if (sym === 16) {
        if (i === 0) return 'repeat with no previous length';
        value = lengths[i - 1]!;
        repeat = 3 + bits(2);
      } else if (sym === 17) repeat = 3 + bits(3);
      else repeat = 11 + bits(7);
      if (i + repeat > lengths.length) return 'too many code lengths';
      lengths.fill(value, i, i + repeat);
      i += repeat;
    }
  }
  if (p > bytes.length * 8) return 'deflate data cut short';
  return {
    codeLengths,
    literals: lengths.subarray(0, literalCount),
    distances: lengths.subarray(literalCount),
    end: p,
  };
}

/** The bits of `bytes` from bit `p` on, at least 17 of them. */
export function peekBits(bytes: Uint8Array, p: number): number {
  const i = p >> 3;
  return (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16)) >>> (p & 7);
}
