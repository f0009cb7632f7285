import { asciiText } from '../ascii-text.ts';

/**
 * One 512-byte tar header block, decoded. Field offsets and number encodings follow
 * POSIX ustar, GNU tar and golang/go archive/tar format.go (summarised in shared/docs/FORMATS.md §8).
 */
export type EntryKind = 'file' | 'hardlink' | 'symlink' | 'char' | 'block' | 'dir' | 'fifo';

/** Typeflags that describe the next entry rather than being one. */
export type MetaFlag = 'pax' | 'pax-global' | 'gnu-longname' | 'gnu-longlink';

export interface RawHeader {
  name: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  checksumOk: boolean;
  typeflag: string;
  linkname: string;
  uname: string;
  gname: string;
  devmajor: number;
  devminor: number;
  /** Old GNU sparse file (typeflag S): the map of its data is in the header (see gnuSparseOf). */
  sparse: boolean;
}

/** Where the data of a sparse file lies: stored segments, in order; the rest reads as zeros. */
export interface SparseLayout {
  /** The file's real size (holes included). */
  realSize: number;
  /** Each stored segment's place in the file; the archive holds them one after another. */
  segments: { offset: number; length: number }[];
}

const utf8 = new TextDecoder('utf-8');

export function isZeroBlock(block: Uint8Array): boolean {
  for (let i = 0; i < 512; i++) if (block[i] !== 0) return false;
  return true;
}

/**
 * bytes[start, end) as UTF-8 text (a PAX record). ASCII, nearly every record, goes to `asciiText`.
 */
export function textOf(bytes: Uint8Array, start: number, end: number): string {
  let high = 0;
  for (let i = start; i < end; i++) high |= bytes[i]!;
  return high < 0x80 ? asciiText(bytes, start, end) : utf8.decode(bytes.subarray(start, end));
}

/** A NUL-terminated string field. */
export function cString(block: Uint8Array, start: number, length: number): string {
  const limit = start + length;
  let end = start;
  let high = 0;
  for (; end < limit; end++) {
    const c = block[end]!;
    if (c === 0) break;
    high |= c;
  }
  if (end === start) return '';
  return high < 0x80 ? asciiText(block, start, end) : utf8.decode(block.subarray(start, end));
}

/**
 * A numeric field: octal ASCII ended by NUL or space, or GNU base-256 when the first byte has its
 * high bit set (sizes past 8 GiB, large uids, negative mtimes).
 */
export function parseNumber(block: Uint8Array, start: number, length: number): number {
  const first = block[start]!;
  if (first & 0x80) {
    // Two's complement after the 0x80 marker bit: 0x40 is then the sign. A value past 2^53 is
    // not a number this reader can trust: NaN, which callers that need a count refuse.
    let value = first & 0x40 ? (first & 0x7f) - 0x80 : first & 0x7f;
    for (let i = start + 1; i < start + length; i++) value = value * 256 + block[i]!;
    return Number.isSafeInteger(value) ? value : Number.NaN;
  }
  let value = 0;
  let i = start;
  const end = start + length;
  while (i < end && (block[i] === 0x20 || block[i] === 0)) i++;
  for (; i < end; i++) {
    const c = block[i]!;
    if (c < 0x30 || c > 0x37) break;
    value = value * 8 + (c - 0x30);
  }
  return value;
}

/** The header checksum: the byte sum with the checksum field read as eight spaces. */
export function checksumMatches(block: Uint8Array): boolean {
  const stored = parseNumber(block, 148, 8);
  // The usual case first, four bytes at a time: it was a fifth of the time to read a layer of a
  // million empty files.
  if ((block.byteOffset & 3) === 0 && stored === unsignedSum(block)) return true;
  let unsigned = 8 * 0x20;
  let high = 0;
  for (let i = 0; i < 148; i++) {
    const b = block[i]!;
    unsigned += b;
    high += b >> 7;
  }
  for (let i = 156; i < 512; i++) {
    const b = block[i]!;
    unsigned += b;
    high += b >> 7;
  }
  // Some old writers summed signed bytes; Go and GNU tar accept either.
  return stored === unsigned || stored === unsigned - 256 * high;
}

/**
 * The unsigned byte sum of a 4-byte-aligned block, checksum field as spaces. Each word adds its
 * bytes in two 16-bit lanes (at most 128 x 510 = 65,280 each: no lane overflows into the other).
 */
function unsignedSum(block: Uint8Array): number {
  // One view of each buffer as words, not one per block: a million blocks made a million views.
  if (block.buffer !== wordsOf) {
    wordsOf = block.buffer;
    words = new Uint32Array(block.buffer, 0, block.buffer.byteLength >>> 2);
  }
  const base = block.byteOffset >>> 2;
  // A local, not the module's variable, and two sums taking every other word (a million headers:
  // 260 ms with one sum over the module's variable, 170 ms so, in Node). Words 37 and 38 are the
  // checksum field (bytes 148-155).
  const view = words;
  let even = 0;
  let odd = 0;
  for (let i = base; i < base + 36; i += 2) {
    const w = view[i]!;
    const x = view[i + 1]!;
    even += (w & 0x00ff00ff) + ((w >>> 8) & 0x00ff00ff);
    odd += (x & 0x00ff00ff) + ((x >>> 8) & 0x00ff00ff);
  }
  for (let i = base + 39; i < base + 127; i += 2) {
    const w = view[i]!;
    const x = view[i + 1]!;
    even += (w & 0x00ff00ff) + ((w >>> 8) & 0x00ff00ff);
    odd += (x & 0x00ff00ff) + ((x >>> 8) & 0x00ff00ff);
  }
  const w36 = view[base + 36]!;
  const w127 = view[base + 127]!;
  const lanes =
    even +
    odd +
    (w36 & 0x00ff00ff) +
    ((w36 >>> 8) & 0x00ff00ff) +
    (w127 & 0x00ff00ff) +
    ((w127 >>> 8) & 0x00ff00ff);
  return (lanes & 0xffff) + Math.floor(lanes / 0x10000) + 8 * 0x20;
}
let wordsOf: ArrayBufferLike | undefined;
let words: Uint32Array<ArrayBufferLike> = new Uint32Array(0);

/** Whether the magic field says POSIX ustar: "ustar" and a NUL (GNU's is "ustar  "). */
function isUstar(block: Uint8Array): boolean {
  return (
    block[257] === 0x75 &&
    block[258] === 0x73 &&
    block[259] === 0x74 &&
    block[260] === 0x61 &&
    block[261] === 0x72 &&
    block[262] === 0
  );
}

/**
 * The owner names of the last header, and their bytes: a layer's entries nearly all have the
 * same, so the string is decoded once instead of for every entry.
 */
const lastOwner = { bytes: new Uint8Array(64), uname: '', gname: '' };
function ownerNames(block: Uint8Array): { uname: string; gname: string } {
  const known = lastOwner.bytes;
  if (!sameName(known, 0, block, 265) || !sameName(known, 32, block, 297)) {
    known.set(block.subarray(265, 329));
    lastOwner.uname = cString(block, 265, 32);
    lastOwner.gname = cString(block, 297, 32);
  }
  return lastOwner;
}

/** Whether two 32-byte NUL-terminated fields hold the same name (bytes past the NUL do not count). */
function sameName(a: Uint8Array, from: number, b: Uint8Array, at: number): boolean {
  for (let i = 0; i < 32; i++) {
    const c = b[at + i]!;
    if (a[from + i] !== c) return false;
    if (c === 0) return true;
  }
  return true;
}

/** The entry's name as the header stores it: the name field, after the ustar prefix if any. */
export function headerName(block: Uint8Array): string {
  const name = cString(block, 0, 100);
  // POSIX ustar splits long names into prefix + "/" + name; GNU tar uses those bytes for other
  // fields, and announces itself with the magic "ustar  " (two spaces).
  return hasPrefix(block) ? `${cString(block, 345, 155)}/${name}` : name;
}

/** Whether the name has a ustar prefix before it (see headerName). */
export function hasPrefix(block: Uint8Array): boolean {
  return isUstar(block) && block[345] !== 0;
}

/** How many bytes of the name field come before its NUL (at most 100). */
export function nameFieldLength(block: Uint8Array): number {
  let end = 0;
  while (end < 100 && block[end] !== 0) end++;
  return end;
}

/** The header's fields; `name` is '' unless `withName` (a reader taking the name's bytes). */
export function parseHeader(block: Uint8Array, withName = true): RawHeader {
  const owner = ownerNames(block);
  const typeflag = block[156] === 0 ? '0' : String.fromCharCode(block[156]!);
  const device = typeflag === '3' || typeflag === '4';
  return {
    name: withName ? headerName(block) : '',
    mode: parseNumber(block, 100, 8),
    uid: parseNumber(block, 108, 8),
    gid: parseNumber(block, 116, 8),
    size: parseNumber(block, 124, 12),
    mtime: parseNumber(block, 136, 12),
    checksumOk: checksumMatches(block),
    typeflag,
    linkname: cString(block, 157, 100),
    uname: owner.uname,
    gname: owner.gname,
    // Device numbers mean something only for character and block devices (POSIX ustar).
    devmajor: device ? parseNumber(block, 329, 8) : 0,
    devminor: device ? parseNumber(block, 337, 8) : 0,
    sparse: typeflag === 'S',
  };
}

export function kindOfTypeflag(typeflag: string): EntryKind | MetaFlag {
  switch (typeflag) {
    case '1':
      return 'hardlink';
    case '2':
      return 'symlink';
    case '3':
      return 'char';
    case '4':
      return 'block';
    case '5':
      return 'dir';
    case '6':
      return 'fifo';
    case 'x':
      return 'pax';
    case 'g':
      return 'pax-global';
    case 'L':
      return 'gnu-longname';
    case 'K':
      return 'gnu-longlink';
    default:
      // '0', '7' (contiguous) and unknown flags read as regular files, as POSIX asks.
      return 'file';
  }
}

/** Where a damaged header is, in words. */
export const headerAt = (headerOffset: number) => `header at byte ${headerOffset}`;
