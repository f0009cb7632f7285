/**
 * PAX extended headers (POSIX pax; GNU tar and Go's archive/tar write them): their records, and
 * counts read from them.
 */
import { StrataError } from '../errors.ts';
import { cString, headerAt, textOf } from './header.ts';

/** PAX records, with the repeated GNU sparse 0.0 records kept in order (a Map keeps only the last). */
export interface PaxRecords {
  records: Map<string, string>;
  /** `GNU.sparse.offset` and `GNU.sparse.numbytes` values, in the order they came. */
  sparsePairs: string[];
  /** Where the `path` record's value lies in the body, when it was asked for as bytes. */
  pathAt?: { from: number; to: number };
}

/**
 * PAX extended header records: "%d %s=%s\n", where the length counts the whole record (POSIX
 * pax "extended header"; golang archive/tar parsePAX). A length that does not land on the record's
 * newline, or a record without "=", is a damaged header: nothing is silently left out.
 */
export function parsePax(body: Uint8Array, where: string, pathAsBytes = false): PaxRecords {
  const records = new Map<string, string>();
  const sparsePairs: string[] = [];
  let pathAt: PaxRecords['pathAt'];
  let at = 0;
  const damaged = (why: string) =>
    new StrataError('bad-header', `A PAX extended header is damaged: ${why}.`, where);
  while (at < body.length) {
    // GNU tar pads the block with NULs after the last record.
    if (body[at] === 0) {
      for (let i = at; i < body.length; i++)
        if (body[i] !== 0) throw damaged('bytes after the padding');
      break;
    }
    let space = at;
    while (space < body.length && space - at < 20 && body[space] !== 0x20) space++;
    const length = recordLength(body, at, space);
    if (length < 0 || body[space] !== 0x20)
      throw damaged(`a record at byte ${at} does not start with its length`);
    if (length <= space - at + 1 || at + length > body.length || body[at + length - 1] !== 0x0a)
      throw damaged(`the record at byte ${at} says it is ${length} bytes long, which it is not`);
    // Split at the first "=" byte, which no other UTF-8 character holds.
    const end = at + length - 1;
    const eq = body.subarray(space + 1, end).indexOf(0x3d) + space + 1;
    if (eq <= space + 1) throw damaged(`the record at byte ${at} has no "key=value"`);
    const key = knownKey(body, space + 1, eq) ?? textOf(body, space + 1, eq);
    at += length;
    // A path asked for as bytes is left where it lies in the body, not made text.
    if (key === 'path' && pathAsBytes) {
      pathAt = { from: eq + 1, to: end };
      continue;
    }
    const value = textOf(body, eq + 1, end);
    if (key === 'GNU.sparse.offset' || key === 'GNU.sparse.numbytes') sparsePairs.push(value);
    records.set(key, value);
  }
  return pathAt ? { records, sparsePairs, pathAt } : { records, sparsePairs };
}

/**
 * The decimal length a PAX record starts with, up to `space` or a NUL (as a C string ends), or -1
 * when there are no digits or anything but digits: no string or pattern per record (two records
 * an entry in a layer written by Go's archive/tar).
 */
function recordLength(body: Uint8Array, at: number, space: number): number {
  let end = at;
  while (end < space && body[end] !== 0) end++;
  if (end === at) return -1;
  let value = 0;
  for (let i = at; i < end; i++) {
    const c = body[i]!;
    if (c < 0x30 || c > 0x39) return -1;
    value = value * 10 + (c - 0x30);
  }
  // Past 15 digits a sum may round otherwise than the number read whole does.
  return end - at > 15 ? Number(cString(body, at, end - at)) : value;
}

/** The keys most records have, kept as the same strings instead of one made per record. */
const KNOWN_KEYS = ['path', 'size', 'mtime', 'atime', 'ctime', 'uid', 'gid', 'uname', 'gname'];

function knownKey(body: Uint8Array, from: number, to: number): string | undefined {
  next: for (const key of KNOWN_KEYS) {
    if (key.length !== to - from) continue;
    for (let i = 0; i < key.length; i++) if (body[from + i] !== key.charCodeAt(i)) continue next;
    return key;
  }
  return undefined;
}

/**
 * A PAX number that counts something (size, uid, gid, sparse offsets): plain decimal digits, as
 * GNU tar and Go's archive/tar demand. An empty value means "keep the header's field".
 */
export function countRecord(
  records: Map<string, string>,
  key: string,
  fallback: number,
  headerOffset: number | string,
): number {
  const text = records.get(key);
  if (text === undefined || text === '') return fallback;
  const value = /^[0-9]{1,16}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value))
    throw new StrataError(
      'bad-header',
      `A PAX "${key}" of "${text.slice(0, 40)}" is not a count.`,
      typeof headerOffset === 'number' ? headerAt(headerOffset) : headerOffset,
    );
  return value;
}
