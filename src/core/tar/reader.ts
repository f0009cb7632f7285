import type { ChunkReader } from '../chunk-reader.ts';
import { StrataError } from '../errors.ts';
import { notTar } from '../file-kind.ts';
import {
  cString,
  type EntryKind,
  hasPrefix,
  headerAt,
  headerName,
  isZeroBlock,
  kindOfTypeflag,
  nameFieldLength,
  parseHeader,
  type SparseLayout,
  textOf,
} from './header.ts';
import { NameBuffer } from './name-buffer.ts';
import { countRecord, type PaxRecords, parsePax } from './pax.ts';
import { isPaxSparse, oldGnuSparse, paxSparse } from './sparse.ts';

/** One entry of a tar stream, with PAX and GNU extensions already folded in. */
export interface TarEntry {
  /** The name as stored, not normalised; '' when given as `nameBytes` instead. */
  path: string;
  /**
   * Only from a walk that asked for names as bytes: the header's name field (after its ustar
   * prefix, if it has one) when no PAX path or GNU long name replaces it, or the entry's own PAX
   * `path` record. A scan of a million entries then makes no string per name to keep. A view of what
   * was read: good until the walk reads on, so a visit that reads the body first keeps a copy
   * instead.
   */
  nameBytes: Uint8Array | undefined;
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
  /** For a sparse file (GNU old format or PAX 0.0/0.1/1.0): where its stored data goes. */
  sparse: SparseLayout | undefined;
  headerOffset: number;
  /** Offset of the first body byte in the stream being read (after a sparse map). */
  dataOffset: number;
  /**
   * Bytes of body stored in the archive: `size` for a plain file, the packed segments for a
   * sparse one (its `size` is the real size), 0 for entries without data.
   */
  dataSize: number;
}

/** A name or PAX block larger than this is hostile, not a name. */
const MAX_META_BODY = 16 << 20;

const padded = (size: number) => Math.ceil(size / 512) * 512;

/**
 * Walks a tar stream, handing each entry to `visit`. Its body may be consumed with
 * `reader.take(entry.size)` or `reader.consume` before the promise `visit` returns settles (a
 * visit that returns nothing lets the walk go on at once: no promise per entry, a tenth of the scan
 * of a million headers); whatever is left of it is skipped (by reopening the stream when the
 * source allows and the body is large). An error `visit` throws or rejects with ends the walk.
 *
 * `onNoEndMarker` is told when the stream stops at a header boundary without the two zero blocks
 * that end an archive: a complete archive has them, a cut one may not.
 */
export async function walkTar(
  reader: ChunkReader,
  visit: (entry: TarEntry) => undefined | Promise<void>,
  onNoEndMarker?: (offset: number) => void,
  /** Names as bytes where they can be (TarEntry.nameBytes). */
  namesAsBytes = false,
): Promise<void> {
  let globalPax = new Map<string, string>();
  let pax: PaxRecords | undefined;
  let longName: string | undefined;
  let longLink: string | undefined;
  // When names are taken as bytes: the path the last PAX header gave, the last GNU long name, and
  // a ustar name joined to its prefix.
  const paxPath = new NameBuffer();
  const longPath = new NameBuffer();
  const joined = new NameBuffer();
  let first = true;

  while (true) {
    const headerOffset = reader.offset;
    const block = reader.tryRead(512) ?? (await reader.readExact(512, 'a tar header'));
    if (block === null) {
      if (first) throw new StrataError('empty', 'The file is empty.');
      onNoEndMarker?.(headerOffset);
      return;
    }
    if (isZeroBlock(block)) {
      // The end is two zero blocks (or the end of the data after one, which many writers leave).
      // A zero block followed by a header hides everything after it from a reader that stops.
      const next = reader.tryRead(512) ?? (await reader.readExact(512, 'the end of the archive'));
      if (next === null || isZeroBlock(next)) return;
      if (parseHeader(next).checksumOk)
        throw new StrataError(
          'bad-header',
          'A zero block sits between tar entries: the entries after it would be lost to most tools.',
          `zero block at byte ${headerOffset}, header after it at byte ${headerOffset + 512}`,
        );
      return;
    }
    const header = parseHeader(block, !namesAsBytes);
    if (!header.checksumOk) {
      if (first) {
        throw notTar(block) ?? new StrataError('not-tar', 'This is not a tar archive.');
      }
      throw new StrataError(
        'bad-checksum',
        'A tar header is damaged (its checksum does not match).',
        `header at byte ${headerOffset}`,
      );
    }
    first = false;
    if (!Number.isSafeInteger(header.size) || header.size < 0)
      throw new StrataError(
        'bad-header',
        `A tar header gives an impossible size (${header.size}).`,
        headerAt(headerOffset),
      );
    const kind = kindOfTypeflag(header.typeflag);

    if (
      kind === 'pax' ||
      kind === 'pax-global' ||
      kind === 'gnu-longname' ||
      kind === 'gnu-longlink'
    ) {
      if (header.size > MAX_META_BODY) {
        throw new StrataError(
          'bad-header',
          `A tar extension header claims ${header.size} bytes, more than any name needs.`,
          headerAt(headerOffset),
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
      // Read before the padding is passed: a view of a chunk lasts only until the next is read.
      if (kind === 'pax') {
        pax = parsePax(body, headerAt(headerOffset), namesAsBytes);
        // A walk that takes names as bytes has its path as bytes: copied now.
        if (pax.pathAt) paxPath.keep(body, pax.pathAt.from, pax.pathAt.to);
      } else if (kind === 'pax-global')
        globalPax = new Map([...globalPax, ...parsePax(body, headerAt(headerOffset)).records]);
      else if (kind === 'gnu-longname') {
        // As bytes up to its NUL (as cString reads it), for a walk that takes names so.
        if (namesAsBytes) longPath.keepUntilNul(body);
        else longName = cString(body, 0, body.length);
      } else longLink = cString(body, 0, body.length);
      await reader.skip(padded(header.size) - header.size, 'tar padding');
      continue;
    }

    const local = pax?.records;
    const records =
      local === undefined
        ? globalPax
        : globalPax.size === 0
          ? local
          : new Map([...globalPax, ...local]);
    // Sparse data (old GNU or PAX) may rename the entry: its name is then never taken as bytes.
    const sparseNamed =
      header.sparse ||
      (records.size > 0 && (!!records.get('GNU.sparse.name') || isPaxSparse(records)));
    // A PAX path of its own, held as bytes (a walk that takes names so), names it as bytes too.
    // A NUL would end such a name (nameOf): that one is text.
    const nameFromPax = paxPath.length > 0 && !sparseNamed && !paxPath.holdsNul();
    if (paxPath.length >= 0 && !nameFromPax)
      records.set('path', textOf(paxPath.view, 0, paxPath.length));
    // A GNU long name held as bytes names it so where no PAX path or sparse data does; else text.
    const nameFromLong =
      longPath.length > 0 && !nameFromPax && !records.get('path') && !sparseNamed;
    if (longPath.length >= 0 && !nameFromLong) longName = textOf(longPath.view, 0, longPath.length);
    // Most entries have no PAX records: then every field is the header's.
    const plain = records.size === 0 && !nameFromPax;
    // The name field is the name, its bytes as read (see TarEntry.nameBytes), unless a record or
    // a GNU long name gives another: PAX records of times alone (Go's archive/tar writes one per
    // entry whose time has a fraction of a second) leave it so.
    const nameInHeader = !sparseNamed && (plain || !records.get('path'));
    const nameBytes = nameFromPax
      ? paxPath.view
      : nameFromLong
        ? longPath.view
        : namesAsBytes && nameInHeader && longName === undefined
          ? hasPrefix(block)
            ? joined.keepPrefixed(block)
            : block.subarray(0, nameFieldLength(block))
          : undefined;
    // The header's own name, made only when nothing else names the entry.
    const stored = () => (nameBytes || !namesAsBytes ? header.name : headerName(block));
    let path =
      nameFromPax || nameFromLong
        ? ''
        : plain
          ? (longName ?? stored())
          : records.get('GNU.sparse.name') || records.get('path') || longName || stored();
    let size = plain ? header.size : countRecord(records, 'size', header.size, headerOffset);
    let sparse: SparseLayout | undefined;
    if (kind === 'file' && header.sparse) {
      sparse = await oldGnuSparse(reader, block, headerAt(headerOffset));
    } else if (kind === 'file' && !plain && isPaxSparse(records)) {
      const layout = await paxSparse(
        reader,
        records,
        pax?.sparsePairs ?? [],
        size,
        headerAt(headerOffset),
      );
      sparse = layout.sparse;
      size -= layout.mapBytes;
    }
    if (sparse && sparse.segments.reduce((n, s) => n + s.length, 0) !== size)
      throw new StrataError(
        'bad-header',
        `The sparse map of ${path} does not add up to the ${size} bytes stored for it.`,
        headerAt(headerOffset),
      );
    // GNU tar's PAX 1.0 names the header GNUSparseFile.NNN/name; the real name is in the records.
    if (sparse && !records.get('GNU.sparse.name') && /(^|\/)GNUSparseFile\.\d+\//.test(path))
      path = path.replace(/(^|\/)GNUSparseFile\.\d+\//, '$1');
    const entry: TarEntry = {
      path,
      nameBytes,
      kind,
      size: sparse ? sparse.realSize : size,
      mode: header.mode,
      uid: plain ? header.uid : countRecord(records, 'uid', header.uid, headerOffset),
      gid: plain ? header.gid : countRecord(records, 'gid', header.gid, headerOffset),
      uname: (plain ? undefined : records.get('uname')) || header.uname,
      gname: (plain ? undefined : records.get('gname')) || header.gname,
      mtime: (plain ? undefined : timeRecord(records, 'mtime')) ?? header.mtime,
      linkname: (plain ? undefined : records.get('linkpath')) || longLink || header.linkname,
      devmajor: header.devmajor,
      devminor: header.devminor,
      xattrs: plain ? undefined : xattrsOf(records),
      sparse,
      headerOffset,
      dataOffset: reader.offset,
      // Hardlinks, symlinks, directories and devices carry no body whatever their size field
      // says (golang archive/tar: only regular files and unknown types have data).
      dataSize: kind === 'file' ? size : 0,
    };
    pax = undefined;
    paxPath.clear();
    longPath.clear();
    longName = undefined;
    longLink = undefined;

    const visited = visit(entry);
    if (visited) await visited;
    const consumed = reader.offset - entry.dataOffset;
    if (consumed > entry.dataSize)
      throw new Error(`a reader took ${consumed} bytes of a ${entry.dataSize}-byte body`);
    const rest = padded(entry.dataSize) - consumed;
    if (!reader.trySkip(rest)) await reader.skip(rest, () => `the body of ${nameOf(entry)}`);
  }
}

/** An entry's name as stored, whether given as a string or as bytes. */
export function nameOf(entry: TarEntry): string {
  return entry.nameBytes ? cString(entry.nameBytes, 0, entry.nameBytes.length) : entry.path;
}

/** Ends a walk whose reader stopped asking (readTar's consumer left the loop). */
const STOPPED = new Error('the reader stopped');

/**
 * The walk as an async iterable, for readers that go through entries in a loop of their own
 * (exports, digest checks). Each entry's body may be read before asking for the next one.
 */
export async function* readTar(
  reader: ChunkReader,
  onNoEndMarker?: (offset: number) => void,
): AsyncGenerator<TarEntry> {
  // The walk hands each entry over, then waits until the loop asks for the next.
  let give: (result: IteratorResult<TarEntry, undefined>) => void = () => {};
  let fail: (error: unknown) => void = () => {};
  const handed = () =>
    new Promise<IteratorResult<TarEntry, undefined>>((resolve, reject) => {
      give = resolve;
      fail = reject;
    });
  let next = handed();
  let waiting: { go: () => void; stop: (error: unknown) => void } | undefined;
  const walk = walkTar(
    reader,
    (entry) =>
      new Promise<void>((go, stop) => {
        waiting = { go, stop };
        give({ value: entry, done: false });
      }),
    onNoEndMarker,
  ).then(
    () => give({ value: undefined, done: true }),
    (error: unknown) => {
      if (error !== STOPPED) fail(error);
    },
  );
  try {
    while (true) {
      const result = await next;
      if (result.done) return;
      next = handed();
      yield result.value;
      const resumed = waiting!;
      waiting = undefined;
      resumed.go();
    }
  } finally {
    // Left early: the walk, waiting for its entry to be done with, is told to end.
    waiting?.stop(STOPPED);
    await walk;
  }
}

/** PAX times may have fractions and be negative (`mtime=1795845007.298607623`, `-1.5`). */
function timeRecord(records: Map<string, string>, key: string): number | undefined {
  const text = records.get(key);
  if (!text || !/^-?[0-9]+(\.[0-9]+)?$/.test(text)) return undefined;
  return Number(text);
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
