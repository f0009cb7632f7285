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
  /** GNU sparse file (typeflag S): its data is a map of holes that we do not expand. */
  sparse: boolean;
}

const utf8 = new TextDecoder('utf-8');

export function isZeroBlock(block: Uint8Array): boolean {
  for (let i = 0; i < 512; i++) if (block[i] !== 0) return false;
  return true;
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
  // Pure-ASCII fast path: most names are ASCII, and TextDecoder has a fixed cost per call.
  if (high < 0x80)
    return String.fromCharCode.apply(null, block.subarray(start, end) as unknown as number[]);
  return utf8.decode(block.subarray(start, end));
}

/**
 * A numeric field: octal ASCII ended by NUL or space, or GNU base-256 when the first byte has its
 * high bit set (sizes past 8 GiB, large uids, negative mtimes).
 */
export function parseNumber(block: Uint8Array, start: number, length: number): number {
  const first = block[start]!;
  if (first & 0x80) {
    // Two's complement after the 0x80 marker bit: 0x40 is then the sign.
    let value = first & 0x40 ? (first & 0x7f) - 0x80 : first & 0x7f;
    for (let i = start + 1; i < start + length; i++) value = value * 256 + block[i]!;
    return value;
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
function checksumMatches(block: Uint8Array): boolean {
  const stored = parseNumber(block, 148, 8);
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

export function parseHeader(block: Uint8Array): RawHeader {
  const magic = cString(block, 257, 6);
  const typeflag = block[156] === 0 ? '0' : String.fromCharCode(block[156]!);
  let name = cString(block, 0, 100);
  // POSIX ustar splits long names into prefix + "/" + name; GNU tar uses those bytes for other
  // fields, and announces itself with the magic "ustar  " (two spaces).
  if (magic === 'ustar' && block[345] !== 0) {
    name = `${cString(block, 345, 155)}/${name}`;
  }
  return {
    name,
    mode: parseNumber(block, 100, 8),
    uid: parseNumber(block, 108, 8),
    gid: parseNumber(block, 116, 8),
    size: parseNumber(block, 124, 12),
    mtime: parseNumber(block, 136, 12),
    checksumOk: checksumMatches(block),
    typeflag,
    linkname: cString(block, 157, 100),
    uname: cString(block, 265, 32),
    gname: cString(block, 297, 32),
    devmajor: parseNumber(block, 329, 8),
    devminor: parseNumber(block, 337, 8),
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

/** PAX extended header records: "%d %s=%s\n", where the length counts the whole record. */
export function parsePax(body: Uint8Array): Map<string, string> {
  const records = new Map<string, string>();
  let at = 0;
  while (at < body.length) {
    let space = at;
    while (space < body.length && body[space] !== 0x20) space++;
    const length = Number.parseInt(cString(body, at, space - at), 10);
    if (!Number.isFinite(length) || length <= 0 || at + length > body.length) break;
    const record = utf8.decode(body.subarray(space + 1, at + length - 1));
    const eq = record.indexOf('=');
    if (eq > 0) records.set(record.slice(0, eq), record.slice(eq + 1));
    at += length;
  }
  return records;
}
