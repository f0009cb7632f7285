/**
 * A tar entry's name, as the bytes its header stores, taken to a layer path without making a
 * string: most names in a layer are a clean path but for a leading `./` or `/` and a trailing `/`.
 * In the browser a million-entry scan spent about a third of its time making, checking and
 * packing name strings (decoding 101 ms, packing 70, normalising, depth and marker checks 65 of
 * 793 ms).
 */

const SLASH = 0x2f;
const DOT = 0x2e;

/** Where a name's normal form lies in its bytes, and how many parts it has. */
export interface NameRange {
  from: number;
  to: number;
  depth: number;
  /** Where its last `/` is in the bytes, or `from - 1` when it has none. */
  slash: number;
}

/**
 * Whether `bytes` is such a name: ASCII, and after a leading `./` (or several) and `/`s and
 * before trailing `/`s a path with no empty, `.` or `..` part and no `.wh.` (whiteout markers
 * are told apart by markerOf). Then `out` says where that path lies: the same path `normalise`
 * makes of the name (paths.ts; tested against it), a marker of none, at the same depth. For
 * anything else the caller makes the name a string and takes the general way.
 */
export function plainName(bytes: Uint8Array, out: NameRange): boolean {
  const n = bytes.length;
  let from = 0;
  while (from + 1 < n && bytes[from] === DOT && bytes[from + 1] === SLASH) from += 2;
  while (from < n && bytes[from] === SLASH) from++;
  let to = n;
  while (to > from && bytes[to - 1] === SLASH) to--;
  let depth = 1;
  let slash = from - 1;
  let partStart = from;
  for (let i = from; i <= to; i++) {
    const b = i < to ? bytes[i]! : SLASH;
    if (b >= 0x80) return false;
    if (b === SLASH) {
      const length = i - partStart;
      // An empty part (the root itself, when nothing is left), `.` or `..`.
      if (length === 0) return false;
      if (bytes[partStart] === DOT && (length === 1 || (length === 2 && bytes[i - 1] === DOT)))
        return false;
      if (i < to) {
        depth++;
        slash = i;
      }
      partStart = i + 1;
    } else if (
      b === DOT &&
      i + 3 < to &&
      bytes[i + 1] === 0x77 && // w
      bytes[i + 2] === 0x68 && // h
      bytes[i + 3] === DOT
    )
      return false;
  }
  out.from = from;
  out.to = to;
  out.depth = depth;
  out.slash = slash;
  return true;
}
