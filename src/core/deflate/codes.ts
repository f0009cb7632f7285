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

/** Builds the table of a canonical Huffman code (RFC 1951 3.2.2) from its code lengths. */
export function buildTable(lengths: Uint8Array, count: number): Table {
  let max = 0;
  const perLength = new Uint16Array(16);
  for (let i = 0; i < count; i++) {
    const l = lengths[i]!;
    perLength[l]!++;
    if (l > max) max = l;
  }
  perLength[0] = 0;
  const next = new Uint16Array(16);
  let code = 0;
  let left = 1;
  for (let l = 1; l <= 15; l++) {
    code = (code + perLength[l - 1]!) << 1;
    next[l] = code;
    left = (left << 1) - perLength[l]!;
    if (left < 0) throw new Error('over-subscribed Huffman code');
  }
  const bits = Math.max(max, 1);
  const entries = new Uint16Array(1 << bits);
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
    for (let k = reversed; k < entries.length; k += 1 << l) entries[k] = (sym << 4) | l;
  }
  return { entries, mask: entries.length - 1 };
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
