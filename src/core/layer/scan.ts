import { createXXHash64 } from 'hash-wasm';
import { ChunkReader } from '../chunk-reader.ts';
import { type Compression, detectCompression, guardedDecompress, peek } from '../compression.ts';
import { type GzipNoting, LAYER_NOTED_EVERY, type NotedPlace } from '../deflate/noted-places.ts';
import { seenBy, WindowKeeper } from '../deflate/windows.ts';
import { StrataError } from '../errors.ts';
import { type KeptLayerWriter, keeping, worthKeeping } from '../kept-layers.ts';
import { DEFAULT_LIMITS, type Limits } from '../limits.ts';
import { climbsAboveRoot, normalise } from '../paths.ts';
import { nameOf, type TarEntry, walkTar } from '../tar/reader.ts';
import { LAYER_PLACES_BUDGET, takingPlaces, type ZstdPlace } from '../zstd.ts';
import { LayerEntries, Marker, markerOf, PENDING_HASH } from './entries.ts';
import { type NameRange, plainName } from './name-bytes.ts';

/** What reading one layer blob found. */
export interface LayerScan {
  compression: Compression;
  entries: LayerEntries;
  /** Sum of the entries' sizes, as dive counts a layer's size. */
  size: number;
  /** Bytes of the decompressed tar stream read up to its end marker. */
  tarBytes: number;
  /** Every entry of the tar, the root (`./`) included, which `entries` leaves out. */
  tarEntries: number;
  /** Set when the layer could be read only in part: what stopped it. */
  error: StrataError | undefined;
  /** Entries left out (past a limit), for the warnings. */
  skipped: { count: number; example: string; why: string } | undefined;
  /** Entries whose names reached above the root (`../x`) and were kept inside it. */
  clamped?: { count: number; example: string } | undefined;
  /**
   * A gzip layer's output around every SEEK_EVERY-th byte (deflate/windows.ts), for a seek index
   * into it; absent when the layer is shorter.
   */
  seekWindows?: Uint8Array[] | undefined;
  /**
   * A gzip layer's places to resume from, noted as it was decoded every LAYER_NOTED_EVERY bytes or more
   * (deflate/noted-places.ts); a layer with them has no seekWindows.
   */
  gzipPlaces?: NotedPlace[] | undefined;
  /** A zstd layer's decoder as it was every PLACES_EVERY bytes or more (zstd.ts), to resume from. */
  zstdPlaces?: ZstdPlace[] | undefined;
}

export { PENDING_HASH } from './entries.ts';

export interface ScanOptions {
  signal?: AbortSignal;
  /**
   * Headers first: for an uncompressed blob that can be read from any offset, no body is hashed
   * (its hash is left PENDING_HASH) and bodies of at least `skipFrom` bytes are not even read (the
   * blob is reopened past them).
   */
  seek?: { open: (offset: number) => AsyncIterable<Uint8Array>; size: number; skipFrom: number };
  limits?: Limits;
  /**
   * Where to keep the decompressed tar as it streams past (kept-layers.ts), when it is worth
   * keeping (`worthKeeping`, with the archive's compression in `archive`); never for a blob read
   * by seeking.
   */
  keep?:
    | {
        writer: () => KeptLayerWriter | undefined | Promise<KeptLayerWriter | undefined>;
        archive: Compression;
      }
    | undefined;
  /** Entries the archive may still hold (limits.entries, shared by its layers). */
  entryBudget?: { left: number };
  /**
   * Keep a gzip layer's seekWindows and a zstd layer's zstdPlaces (the browser, for its seek
   * index; the CLI has no use).
   */
  seekWindows?: boolean;
  /**
   * With seekWindows, a gzip layer's places are noted as it is decoded (LayerScan.gzipPlaces):
   * where the platform's DecompressionStream allows it (DecodePlaces.gzip), the browser's.
   */
  notePlaces?: boolean;
  /** Told the decompressed bytes read so far, now and then. */
  onBytes?: (tarBytes: number) => void;
  /**
   * The blob again from its start in chunks whose memory is used again (ByteSource.readReused),
   * read instead when it turns out uncompressed (and not kept): the tar walk copies all it keeps,
   * and a new buffer per chunk left the command line's peak tens of MB of them.
   */
  plainAgain?: () => AsyncIterable<Uint8Array>;
}

/**
 * Reads one layer blob: compression told by magic bytes, then every tar entry with its metadata,
 * whiteout marker and an xxhash64 of its body taken as the bytes stream past (so that same-size
 * rewrites can be told from identical copies without a second read). A damaged layer keeps what
 * was read before the damage and reports the error in `error`.
 *
 * `reopen` gives the blob again from its start; gzip needs it to fall back for multi-member data.
 */
export async function scanLayer(
  blob: AsyncIterable<Uint8Array>,
  reopen: (() => AsyncIterable<Uint8Array>) | undefined,
  options: ScanOptions = {},
): Promise<LayerScan> {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const budget = options.entryBudget ?? { left: limits.entries };
  const { head, stream } = await peek(blob, 6);
  const compression = detectCompression(head);
  const seek = compression === 'none' ? options.seek : undefined;
  const again =
    compression === 'none' && !seek && !(options.keep && worthKeeping(options.keep.archive, 'none'))
      ? options.plainAgain
      : undefined;
  let reader: ChunkReader;
  let kept: ReturnType<typeof keeping> | undefined;
  let windows: WindowKeeper | undefined;
  const places: ZstdPlace[] = [];
  let gzipPlaces: NotedPlace[] | undefined = [];
  const reread = seek?.open ?? again;
  if (reread) {
    // The peeked stream is let go; the blob is read again from 0 (a seekable read can jump past
    // bodies).
    const it = stream[Symbol.asyncIterator]();
    await it.next();
    await it.return?.();
    reader = new ChunkReader(reread, !!seek, 0, options.signal, seek?.skipFrom, seek?.size);
  } else {
    const zstd =
      compression === 'zstd' && options.seekWindows
        ? takingPlaces(LAYER_PLACES_BUDGET, (place) => places.push(place))
        : undefined;
    const gzip: GzipNoting | undefined =
      compression === 'gzip' && options.seekWindows && options.notePlaces
        ? {
            every: LAYER_NOTED_EVERY,
            found: (place) => gzipPlaces?.push(place),
            // Read again by another decoder (several members), or too few found: none are kept.
            lost: () => (gzipPlaces = undefined),
          }
        : undefined;
    const decoded = guardedDecompress(
      compression,
      stream,
      reopen,
      limits,
      'This layer',
      undefined,
      {
        zstd,
        gzip,
      },
    );
    if (compression === 'gzip' && options.seekWindows) windows = new WindowKeeper();
    const tar = windows ? seenBy(decoded, windows) : decoded;
    const { keep } = options;
    const writer =
      keep && worthKeeping(keep.archive, compression) ? await keep.writer() : undefined;
    kept = writer && keeping(tar, writer);
    reader = new ChunkReader(() => kept?.stream ?? tar, false, 0, options.signal);
  }
  let skipped: LayerScan['skipped'];
  let clamped: LayerScan['clamped'];
  let tarEntries = 0;
  const entries = new LayerEntries();
  const hasher = await createXXHash64();
  const update = (piece: Uint8Array) => hasher.update(piece);
  let size = 0;
  let error: StrataError | undefined;
  let lastReport = 0;
  // Where the last name taken from its bytes lies in them (name-bytes.ts).
  const name: NameRange = { from: 0, to: 0, depth: 0, slash: -1 };
  // An entry as the layer keeps it; its body, if hashed, was read before (`digest`: its hash, the
  // bytes put straight into the hash columns, with no hex string made and parsed back).
  const record = (entry: TarEntry, contentHash: string, digest?: Uint8Array): undefined => {
    tarEntries++;
    const bytes = entry.nameBytes;
    const asBytes = bytes !== undefined && plainName(bytes, name);
    let path = '';
    let depth = name.depth;
    if (!asBytes) {
      const stored = nameOf(entry);
      path = normalise(stored);
      if (climbsAboveRoot(stored)) {
        clamped ??= { count: 0, example: stored.slice(0, 200) };
        clamped.count++;
      }
      if (path === '') return;
      depth = depthOf(path);
    }
    if (depth > limits.pathDepth) {
      skipped ??= {
        count: 0,
        example: (asBytes ? nameOf(entry) : path).slice(0, 200),
        why: `deeper than ${limits.pathDepth} folders`,
      };
      skipped.count++;
      return;
    }
    if (budget.left <= 0) {
      throw new StrataError(
        'limit',
        `The archive has more than ${limits.entries.toLocaleString('en')} entries in all its layers; the rest of this layer was not read.`,
      );
    }
    budget.left--;
    size += entry.size;
    const i = entries.push(
      {
        path,
        kind: entry.kind,
        marker: asBytes ? Marker.None : markerOf(path),
        size: entry.size,
        mode: entry.mode,
        uid: entry.uid,
        gid: entry.gid,
        uname: entry.uname,
        gname: entry.gname,
        mtime: entry.mtime,
        linkTarget: entry.kind === 'hardlink' ? normalise(entry.linkname) : entry.linkname,
        xattrs: entry.xattrs,
        dataOffset: entry.dataOffset,
        contentHash,
        devmajor: entry.devmajor,
        devminor: entry.devminor,
        sparse: entry.sparse,
      },
      asBytes ? bytes : undefined,
      name,
    );
    if (digest) entries.setDigest(i, digest);
    if (options.onBytes && reader.offset - lastReport > 8 << 20) {
      lastReport = reader.offset;
      options.onBytes(reader.offset);
    }
  };
  try {
    await walkTar(
      reader,
      (entry) => {
        if (entry.kind !== 'file' || entry.dataSize === 0) return record(entry, '');
        // Headers first: not hashed now, the walk passes the body (reopening the blob after a large one).
        if (seek && !entry.sparse) return record(entry, PENDING_HASH);
        // A sparse file's stored segments (and its map, below) identify its content as well.
        hasher.init();
        if (entry.sparse) hasher.update(JSON.stringify(entry.sparse));
        // Its name's bytes are a view of the header's chunk, which reading the body may refill (a
        // source that reuses its buffer): the name is made a string first.
        if (entry.nameBytes) {
          entry.path = nameOf(entry);
          entry.nameBytes = undefined;
        }
        return reader
          .consume(entry.dataSize, update, `the body of ${entry.path}`)
          .then(() => record(entry, '', hasher.digest('binary')));
      },
      undefined,
      true,
    );
  } catch (caught) {
    if (caught instanceof StrataError && caught.code === 'cancelled') throw caught;
    if (caught instanceof StrataError && caught.code === 'empty') {
      // A zero-byte blob: an empty layer written without even the end-of-archive blocks.
    } else {
      error =
        caught instanceof StrataError
          ? caught
          : new StrataError(
              'read-failed',
              caught instanceof Error ? caught.message : String(caught),
            );
    }
  } finally {
    await reader.close();
    await kept?.finish(error === undefined);
  }
  entries.settle();
  return {
    compression,
    entries,
    size,
    tarBytes: reader.offset,
    tarEntries,
    error,
    skipped,
    clamped,
    // Places the scan noted make the windows needless (they are for a walk that finds places).
    ...(gzipPlaces && gzipPlaces.length > 0 && !error
      ? { gzipPlaces }
      : windows && windows.windows.length > 0
        ? { seekWindows: windows.windows }
        : {}),
    ...(places.length > 0 ? { zstdPlaces: places } : {}),
  };
}

function depthOf(path: string): number {
  let n = 1;
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) n++;
  return n;
}
