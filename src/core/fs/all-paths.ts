import { StrataError } from '../errors.ts';
import { nameAt } from './path-names.ts';
import type { PathTable } from './paths.ts';

/**
 * Every path of a table, absolute ("/" and the path), end to end in one string with a NUL after
 * each (no path holds one). For passes over every path: one string to slice instead of a string
 * made per path from its name and its folder's (a million paths: 14 MB, laid out in about 50 ms).
 */
export interface AllPaths {
  text: string;
  /** Where path `p`'s NUL is in `text`; the root is "/" and ends at 1. */
  ends: Int32Array;
}

/** The path of `p` as the table has it (no leading slash), a slice of `all`. */
export function pathIn(all: AllPaths, p: number): string {
  return p === 0 ? '' : all.text.slice(all.ends[p - 1]! + 2, all.ends[p]!);
}

/**
 * Each path of the table (no leading slash) for a pass over many of them: slices of all the paths
 * in one string, or each made on its own when they are too long to lay out together.
 */
export function pathMaker(table: PathTable): (p: number) => string {
  let all: AllPaths;
  try {
    all = allPaths(table, MAKER_MOST);
  } catch (error) {
    if (error instanceof StrataError && error.code === 'limit') return (p) => table.path(p);
    throw error;
  }
  return (p) => pathIn(all, p);
}

/**
 * `most`: the most bytes the paths may take together; past it, a 'limit' error. `lower`: ASCII
 * letters lower-cased as they are laid out (the search's text, with no second copy made for it);
 * other letters are left as they are.
 */
export function allPaths(table: PathTable, most = MAX_TOTAL, lower = false): AllPaths {
  return table.packedNames.allBytes
    ? fromBytes(table, most, lower)
    : fromStrings(table, table.namesFrom(0), most, lower);
}

const SLASH = 0x2f;
const UPPER_A = 0x41;
const UPPER_Z = 0x5a;

function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (run) => run.toLowerCase());
}
/** The most bytes all paths may take together (a million paths of usual depth take 14 MB). */
const MAX_TOTAL = 512 << 20;
/**
 * The most a pass that can make each path on its own lays them all out for: their bytes and the
 * string made of them live together while it is made (a million files in a deep tree: 89 MB of
 * paths, 180 MB at once, after the image was shown).
 */
const MAKER_MOST = 32 << 20;
/**
 * Each path's length as "/path", and the length of them all with a NUL after each. Each path holds
 * its folder's: paths made very deep (through a symlink's long target) would add up past any
 * memory, and such an image gets an error instead of a frozen tab.
 */
function laidOut(
  table: PathTable,
  nameLength: (p: number) => number,
  most: number,
): { lengths: Int32Array; total: number } {
  const lengths = new Int32Array(table.size);
  lengths[0] = 1; // "/"
  let total = 2;
  for (let p = 1; p < table.size; p++) {
    const parent = table.parents[p]!;
    lengths[p] = (parent === 0 ? 0 : lengths[parent]!) + 1 + nameLength(p);
    total += lengths[p]! + 1;
  }
  if (total > most)
    throw new StrataError(
      'limit',
      `The image's paths are too long to list together (${total} bytes): they were not listed.`,
    );
  return { lengths, total };
}

/** Reads ASCII as ASCII (only ASCII is written through it). */
const latin1 = new TextDecoder('latin1');

/** From ASCII names, as bytes: each path a copy of its parent's (parents come first) and its name. */
function fromBytes(table: PathTable, most: number, lower: boolean): AllPaths {
  const { parents } = table;
  const names = table.packedNames;
  const { lengths, total } = laidOut(table, (p) => names.byteLength(p), most);
  const bytes = new Uint8Array(total);
  const ends = new Int32Array(table.size);
  bytes[0] = SLASH;
  ends[0] = 1;
  let at = 2;
  for (let p = 1; p < table.size; p++) {
    const parent = parents[p]!;
    if (parent !== 0) {
      const length = lengths[parent]!;
      const start = ends[parent]! - length;
      // A call costs more than copying a short folder's bytes one by one.
      if (length > 64) bytes.copyWithin(at, start, start + length);
      else for (let k = 0; k < length; k++) bytes[at + k] = bytes[start + k]!;
      at += length;
    }
    bytes[at++] = SLASH;
    const from = at;
    at = names.copyBytes(p, bytes, at);
    // Only the name: the folder before it was copied from its own path, lower-cased already.
    if (lower)
      for (let k = from; k < at; k++) {
        const b = bytes[k]!;
        if (b >= UPPER_A && b <= UPPER_Z) bytes[k] = b + 32;
      }
    ends[p] = at++; // then the NUL
  }
  return { text: latin1.decode(bytes), ends };
}

/** From any names: each path its parent's and its name, as strings, then joined. */
function fromStrings(
  table: PathTable,
  names: { text: string; ends: Int32Array },
  most: number,
  lower: boolean,
): AllPaths {
  laidOut(table, (p) => names.ends[p]! - names.ends[p - 1]!, most);
  const absolute = new Array<string>(table.size);
  absolute[0] = '/';
  for (let p = 1; p < table.size; p++) {
    const parent = table.parents[p]!;
    const name = nameAt(names, p);
    absolute[p] = `${parent === 0 ? '' : absolute[parent]}/${lower ? asciiLower(name) : name}`;
  }
  const ends = new Int32Array(table.size);
  let end = -1;
  for (let p = 0; p < table.size; p++) {
    end += absolute[p]!.length + 1;
    ends[p] = end;
  }
  return { text: `${absolute.join('\0')}\0`, ends };
}
