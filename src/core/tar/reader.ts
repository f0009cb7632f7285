import type { ChunkReader } from '../chunk-reader.ts';
import { StrataError } from '../errors.ts';
import {
  cString,
  type EntryKind,
  isZeroBlock,
  kindOfTypeflag,
  parseHeader,
  parsePax,
} from './header.ts';

/** One entry of a tar stream, with PAX and GNU extensions already folded in. */
export interface TarEntry {
  /** The name as stored, not normalised. */
  path: string;
  kind: EntryKind;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  /** Seconds since the epoch; PAX may give fractions. */
  mtime: number;
  linkname: string;
  devmajor: number;
  devminor: number;
  xattrs: Record<string, string> | undefined;
  sparse: boolean;
  headerOffset: number;
  /** Offset of the first body byte in the stream being read. */
  dataOffset: number;
}

/** A name or PAX block larger than this is hostile, not a name. */
const MAX_META_BODY = 16 << 20;

const padded = (size: number) => Math.ceil(size / 512) * 512;

/**
 * Walks a tar stream. Each yielded entry's body may be consumed with `reader.take(entry.size)`
 * before asking for the next entry; whatever is left of it is skipped (by reopening the stream
 * when the source allows and the body is large).
 *
 * `onNoEndMarker` is told when the stream stops at a header boundary without the two zero blocks
 * that end an archive: a complete archive has them, a cut one may not.
 */
export async function* readTar(
  reader: ChunkReader,
  onNoEndMarker?: (offset: number) => void,
): AsyncGenerator<TarEntry> {
  let globalPax = new Map<string, string>();
  let pax: Map<string, string> | undefined;
  let longName: string | undefined;
  let longLink: string | undefined;
  let first = true;

  while (true) {
    const headerOffset = reader.offset;
    const block = reader.tryRead(512) ?? (await reader.readExact(512, 'a tar header'));
    if (block === null) {
      if (first) throw new StrataError('empty', 'The file is empty.');
      onNoEndMarker?.(headerOffset);
      return;
    }
    if (isZeroBlock(block)) return;
    const header = parseHeader(block);
    if (!header.checksumOk) {
      if (first) {
        throw new StrataError(
          'not-tar',
          'This is not a tar archive: its first block is not a tar header.',
        );
      }
      throw new StrataError(
        'bad-checksum',
        'A tar header is damaged (its checksum does not match).',
        `header at byte ${headerOffset}`,
      );
    }
    first = false;
    const kind = kindOfTypeflag(header.typeflag);

    if (
      kind === 'pax' ||
      kind === 'pax-global' ||
      kind === 'gnu-longname' ||
      kind === 'gnu-longlink'
    ) {
      if (header.size > MAX_META_BODY) {
        throw new StrataError(
          'bad-checksum',
          `A tar extension header claims ${header.size} bytes, more than any name needs.`,
          `header at byte ${headerOffset}`,
        );
      }
      const body =
        (await reader.readExact(header.size, 'a tar extension header')) ?? new Uint8Array(0);
      if (body.length < header.size) {
        throw new StrataError(
          'truncated',
          'The file ends in a tar extension header.',
          `at byte ${reader.offset}`,
        );
      }
      await reader.skip(padded(header.size) - header.size, 'tar padding');
      if (kind === 'pax') pax = parsePax(body);
      else if (kind === 'pax-global') globalPax = new Map([...globalPax, ...parsePax(body)]);
      else if (kind === 'gnu-longname') longName = cString(body, 0, body.length);
      else longLink = cString(body, 0, body.length);
      continue;
    }

    const records =
      pax === undefined ? globalPax : globalPax.size === 0 ? pax : new Map([...globalPax, ...pax]);
    const entry: TarEntry = {
      path: records.get('path') ?? longName ?? header.name,
      kind,
      size: numberRecord(records, 'size') ?? header.size,
      mode: header.mode,
      uid: numberRecord(records, 'uid') ?? header.uid,
      gid: numberRecord(records, 'gid') ?? header.gid,
      uname: records.get('uname') ?? header.uname,
      gname: records.get('gname') ?? header.gname,
      mtime: numberRecord(records, 'mtime') ?? header.mtime,
      linkname: records.get('linkpath') ?? longLink ?? header.linkname,
      devmajor: header.devmajor,
      devminor: header.devminor,
      xattrs: xattrsOf(records),
      sparse: header.sparse,
      headerOffset,
      dataOffset: reader.offset,
    };
    pax = undefined;
    longName = undefined;
    longLink = undefined;

    // Hardlinks, symlinks, directories and devices carry no body whatever their size field says
    // (golang archive/tar: only regular files and unknown types have data).
    const bodySize = kind === 'file' ? entry.size : 0;
    yield entry;
    const consumed = reader.offset - entry.dataOffset;
    await reader.skip(padded(bodySize) - consumed, `the body of ${entry.path}`);
  }
}

function numberRecord(records: Map<string, string>, key: string): number | undefined {
  const text = records.get(key);
  if (text === undefined) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

function xattrsOf(records: Map<string, string>): Record<string, string> | undefined {
  let xattrs: Record<string, string> | undefined;
  for (const [key, value] of records) {
    const prefix = key.startsWith('SCHILY.xattr.')
      ? 13
      : key.startsWith('LIBARCHIVE.xattr.')
        ? 17
        : 0;
    if (prefix === 0) continue;
    xattrs ??= {};
    xattrs[key.slice(prefix)] = value;
  }
  return xattrs;
}
