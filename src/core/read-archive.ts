import { type ByteSource, bytesSource, readTransient } from './bytes.ts';
import { ChunkReader } from './chunk-reader.ts';
import {
  type Compression,
  counted,
  detectCompression,
  guardedDecoded,
  guardedDecompress,
  peek,
} from './compression.ts';
import { ARCHIVE_NOTED_EVERY, type NotedPlace } from './deflate/noted-places.ts';
import { seenBy, WindowKeeper } from './deflate/windows.ts';
import { type Problem, StrataError, throwIfAborted } from './errors.ts';
import { notTar } from './file-kind.ts';
import { readDockerArchive } from './image/docker-archive.ts';
import type {
  ArchiveModel,
  ArtifactRecord,
  ImageRecord,
  OuterEntry,
  Variant,
} from './image/model.ts';
import { readOciArchive } from './image/oci-archive.ts';
import { OuterIndex } from './image/outer-index.ts';
import { indexOuter } from './index-outer.ts';
import type { KeptLayerWriter } from './kept-layers.ts';
import { LayerEntries } from './layer/entries.ts';
import { type LayerScan, scanLayer } from './layer/scan.ts';
import { type ScanElsewhere, scanBlobAt, scanInParallel } from './layer/scan-blob.ts';
import { DEFAULT_LIMITS, type Limits } from './limits.ts';
import { ARCHIVE_PLACES_BUDGET, takingPlaces, type ZstdPlace } from './zstd.ts';

export interface Progress {
  phase: 'index' | 'layers' | 'done';
  /** Archive bytes read so far (of the file as stored). */
  bytesRead: number;
  bytesTotal: number;
  /** Layers scanned so far, of `layerCount`. */
  layersDone: number;
  layerCount: number;
  /** Outer path of the layer being read. */
  current: string | null;
}

export interface ReadOptions {
  signal?: AbortSignal;
  /**
   * The model (tags, config, history, layer list) as soon as it is known, before layers are read,
   * with the read itself, whose `scans` fill in as layers are read.
   */
  onModel?: (model: ArchiveModel, read: ArchiveRead) => void;
  /** Each layer blob when its scan ends. */
  onLayer?: (blobPath: string, scan: LayerScan) => void;
  onProgress?: (progress: Progress) => void;
  /** Defaults to DEFAULT_LIMITS; tests lower them. */
  limits?: Limits;
  /**
   * Headers first: in an uncompressed archive, the bodies of uncompressed layers are not hashed
   * (fillHashes does it later, for those that matter), and those of at least this many bytes are
   * not read at all (layer/scan.ts ScanOptions.seek).
   */
  skipBodiesFrom?: number;
  /**
   * Keep the output around every 8 MiB of gzip data (a gzip layer's, or a gzip-wrapped archive's)
   * for a seek index (core/deflate/): LayerScan.seekWindows, ArchiveRead.outerWindows.
   */
  seekWindows?: boolean;
  /** With seekWindows, gzip layers' places are noted as they are scanned (ScanOptions.notePlaces). */
  notePlaces?: boolean;
  /**
   * Scans a layer blob of an uncompressed archive somewhere else (a pool of workers): every such
   * blob is handed over at once, and the results are taken in layer order. Without it, layers are
   * scanned here, one after another.
   */
  scanElsewhere?: ScanElsewhere;
  /**
   * Where to keep each layer's decompressed tar as it is scanned, when it is not a plain slice of
   * the file (a compressed layer, or any layer of a compressed archive); kept-layers.ts.
   */
  keep?: (blobPath: string) => KeptLayerWriter | undefined | Promise<KeptLayerWriter | undefined>;
  /**
   * Decompresses a compressed archive from its start somewhere else (a worker of its own, on
   * another core): the decoded chunks, and the compressed bytes consumed for what was delivered.
   * Without it, the archive is decompressed here.
   */
  decodeElsewhere?: (compression: Compression, places: boolean) => DecodedElsewhere;
}

export interface DecodedElsewhere {
  chunks: AsyncIterable<Uint8Array>;
  stored: () => number;
  /** A zstd archive's places its decoder noted (zstd.ts), as they arrive. */
  places?: () => ZstdPlace[];
  /** A gzip archive's places its decoder noted (deflate/noted-places.ts), as they arrive. */
  noted?: () => NotedPlace[];
}

export interface ArchiveRead {
  model: ArchiveModel;
  /** Layer scans by the blob's path in the outer archive; a blob shared by images is read once. */
  scans: Map<string, LayerScan>;
  /** The outer archive's entries, with the small files (the JSON documents) kept. */
  index: OuterIndex;
  /**
   * A gzip-wrapped archive's output around every SEEK_EVERY-th byte, for a seek index into it
   * (deflate/windows.ts); filled as the archive is read.
   */
  outerWindows?: Uint8Array[];
  /** For a zstd archive (`docker save | zstd`): its decoder every 64 MiB or more (zstd.ts). */
  outerPlaces?: ZstdPlace[];
  /**
   * For a gzip archive, with notePlaces: places noted as it was decoded (deflate/noted-places.ts);
   * it then needs no outerWindows.
   */
  outerNoted?: NotedPlace[];
}

/**
 * Reads an image archive of any variant into the model, then scans its layers.
 *
 * An uncompressed archive is read in two passes: first its headers only (bodies skipped by
 * reopening the file past them), which yields the model at once; then each layer blob by its own
 * range. A compressed archive (`docker save | gzip`) cannot be entered in the middle, so it is
 * read once, and every body that looks like a layer is scanned as it streams past.
 */
export async function readArchive(
  source: ByteSource,
  options: ReadOptions = {},
): Promise<ArchiveRead> {
  const { signal } = options;
  if (source.size === 0) throw new StrataError('empty', 'The file is empty.');
  const { head } = await peek(source.read(0, Math.min(source.size, 512), signal), 512);
  const compression = detectCompression(head);
  // A file that is neither compressed nor a tar is named for what it seems to be.
  const refusal = compression === 'none' ? notTar(head) : undefined;
  if (refusal) throw refusal;
  const warnings: Problem[] = [];
  const index = new OuterIndex();
  const scans = new Map<string, LayerScan>();
  const progress: Progress = {
    phase: 'index',
    bytesRead: 0,
    bytesTotal: source.size,
    layersDone: 0,
    layerCount: 0,
    current: null,
  };
  const report = throttle(() => options.onProgress?.({ ...progress }));
  const entryBudget = { left: (options.limits ?? DEFAULT_LIMITS).entries };
  const outerWindows = new WindowKeeper();
  // A zstd or gzip archive's places: noted here, or by the decoder elsewhere.
  const placesWanted =
    options.seekWindows === true &&
    (compression === 'zstd' || (compression === 'gzip' && options.notePlaces === true));
  const outerPlaces: ZstdPlace[] = [];
  const outerNoted: NotedPlace[] = [];
  let elsewherePlaces: (() => ZstdPlace[]) | undefined;
  let elsewhereNoted: (() => NotedPlace[]) | undefined;
  const windowsOf = () => {
    const places = elsewherePlaces?.() ?? outerPlaces;
    const noted = elsewhereNoted?.() ?? outerNoted;
    return {
      ...(compression === 'gzip' && options.seekWindows && outerWindows.windows.length > 0
        ? { outerWindows: outerWindows.windows }
        : {}),
      ...(places.length > 0 ? { outerPlaces: places } : {}),
      ...(noted.length > 0 ? { outerNoted: noted } : {}),
    };
  };
  const keepOf = (path: string) => {
    const { keep } = options;
    return keep && { writer: () => keep(path), archive: compression };
  };

  let indexError: StrataError | undefined;
  try {
    if (compression === 'none') {
      // The outer walk copies the bodies it keeps: chunks can share one buffer.
      const reader = new ChunkReader(
        (offset) => readTransient(source, offset, undefined, signal),
        source.seekable,
        0,
        signal,
        4 << 20,
        source.size,
      );
      try {
        await indexOuter(reader, index, warnings, undefined);
      } finally {
        // The walk stops at the end marker: the padding after it is not read.
        await reader.close();
      }
    } else {
      const limits = options.limits ?? DEFAULT_LIMITS;
      const elsewhere = options.decodeElsewhere?.(compression, placesWanted);
      elsewherePlaces = elsewhere?.places;
      elsewhereNoted = elsewhere?.noted;
      const tar = elsewhere
        ? counted(guardedDecoded(elsewhere.chunks, elsewhere.stored, limits, 'The archive'), () => {
            progress.bytesRead = Math.min(source.size, elsewhere.stored());
            report();
          })
        : guardedDecompress(
            compression,
            source.read(0, undefined, signal),
            () => source.read(0, undefined, signal),
            limits,
            'The archive',
            (n) => {
              progress.bytesRead = Math.min(source.size, progress.bytesRead + n);
              report();
            },
            !placesWanted
              ? undefined
              : compression === 'zstd'
                ? { zstd: takingPlaces(ARCHIVE_PLACES_BUDGET, (place) => outerPlaces.push(place)) }
                : {
                    gzip: {
                      every: ARCHIVE_NOTED_EVERY,
                      found: (place) => outerNoted.push(place),
                      lost: () => (outerNoted.length = 0),
                    },
                  },
          );
      const seen = compression === 'gzip' && options.seekWindows ? seenBy(tar, outerWindows) : tar;
      const reader = new ChunkReader(() => seen, false, 0, signal);
      await indexOuter(reader, index, warnings, async (path, body) => {
        progress.current = path;
        scans.set(
          path,
          await scanLayer(body, undefined, {
            signal,
            entryBudget,
            keep: keepOf(path),
            ...(options.limits ? { limits: options.limits } : {}),
            ...(options.seekWindows ? { seekWindows: true } : {}),
          }),
        );
      });
    }
  } catch (error) {
    if (!(error instanceof StrataError) || error.code === 'cancelled') throw error;
    if (index.entries.length === 0) throw error;
    // Keep what was read before the damage; the model may still be complete enough to show.
    indexError = error;
    warnings.push({
      ...error.toProblem(),
      message: `${error.message} What came before it was read.`,
    });
  }

  let found: Awaited<ReturnType<typeof readImages>>;
  try {
    found = await readImages(index, warnings, indexError);
  } catch (error) {
    // When the archive was cut short, that is the reason nothing could be read.
    throw indexError ?? error;
  }
  const { variant, images, artifacts } = found;
  const model: ArchiveModel = {
    variant,
    compression,
    archiveBytes: source.size,
    entries: index.entries,
    images,
    artifacts,
    warnings,
  };
  options.onModel?.(model, { model, scans, index, ...windowsOf() });

  const blobs = layerBlobs(images, index);
  progress.phase = 'layers';
  progress.layerCount = blobs.length;
  const elsewhere = scanInParallel(blobs, options.scanElsewhere, {
    skip: (path) => compression !== 'none' || scans.has(path) || index.body(path) !== undefined,
    options: {
      signal,
      limits: options.limits,
      skipBodiesFrom: options.skipBodiesFrom,
      entriesLeft: entryBudget.left,
    },
    onBytes: (n) => {
      progress.bytesRead += n;
      report();
    },
  });
  for (const entry of blobs) {
    throwIfAborted(signal);
    progress.current = entry.path;
    let scan = scans.get(entry.path);
    const kept = index.body(entry.path);
    if (!scan && kept) {
      scan = await scanLayer(bytesSource(kept).read(0), undefined, {
        signal,
        entryBudget,
        keep: keepOf(entry.path),
        ...(options.limits ? { limits: options.limits } : {}),
        ...(options.seekWindows ? { seekWindows: true } : {}),
      });
      scans.set(entry.path, scan);
    } else if (!scan && compression !== 'none') {
      // Offsets in a compressed archive are offsets in its decompressed stream: never read the
      // file itself at one. Every layer body was scanned as it streamed past, so this one was
      // not in the archive's data at all.
      scan = {
        compression: 'none',
        entries: new LayerEntries(),
        size: 0,
        tarBytes: 0,
        tarEntries: 0,
        error: new StrataError('missing-blob', `The data of ${entry.path} was not read.`),
        skipped: undefined,
      };
      scans.set(entry.path, scan);
    } else if (!scan && elsewhere.has(entry.path)) {
      scan = await elsewhere.get(entry.path)!;
      entryBudget.left -= scan.entries.length;
      scans.set(entry.path, scan);
    } else if (!scan) {
      const base = progress.bytesRead;
      scan = await scanBlobAt(
        source,
        { path: entry.path, start: entry.dataOffset, size: entry.size },
        {
          signal,
          entryBudget,
          limits: options.limits,
          skipBodiesFrom: options.skipBodiesFrom,
          seekWindows: options.seekWindows,
          notePlaces: options.notePlaces,
          keep: keepOf(entry.path),
          onBytes: (n) => {
            progress.bytesRead = base + n;
            report();
          },
        },
      );
      progress.bytesRead = base + entry.size;
      scans.set(entry.path, scan);
    }
    if (scan.error) {
      warnings.push({
        code: scan.error.code,
        message: `Layer ${entry.path} could be read only in part: ${scan.error.message}`,
        detail: `${entry.path}${scan.error.detail ? `, ${scan.error.detail}` : ''}`,
      });
    }
    if (scan.clamped) {
      warnings.push({
        code: 'unsafe-name',
        message: `${scan.clamped.count} entr${scan.clamped.count === 1 ? 'y' : 'ies'} of layer ${entry.path} named a place above the root; ${scan.clamped.count === 1 ? 'it was' : 'they were'} kept inside the image, as a container runtime does.`,
        detail: scan.clamped.example,
      });
    }
    if (scan.skipped) {
      warnings.push({
        code: 'limit',
        message: `${scan.skipped.count} entr${scan.skipped.count === 1 ? 'y' : 'ies'} of layer ${entry.path} were left out: ${scan.skipped.why}.`,
        detail: scan.skipped.example,
      });
    }
    progress.layersDone++;
    options.onLayer?.(entry.path, scan);
    report();
  }
  progress.phase = 'done';
  progress.bytesRead = source.size;
  progress.current = null;
  options.onProgress?.({ ...progress });
  return { model, scans, index, ...windowsOf() };
}

async function readImages(
  index: OuterIndex,
  warnings: Problem[],
  indexError: StrataError | undefined,
): Promise<{ variant: Variant; images: ImageRecord[]; artifacts: ArtifactRecord[] }> {
  const artifacts: ArtifactRecord[] = [];
  let result: { variant: Variant; images: ImageRecord[] };
  if (index.has('manifest.json')) {
    result = await readDockerArchive(index, warnings, artifacts);
  } else if (index.has('index.json')) {
    result = { variant: 'oci', images: await readOciArchive(index, warnings, artifacts) };
  } else if (indexError) {
    throw indexError;
  } else if (index.has('repositories')) {
    throw new StrataError(
      'not-an-image',
      'This archive is in the format docker save wrote before Docker 1.10 (no manifest.json), which Strata does not read. Save the image again with a current docker.',
    );
  } else {
    throw new StrataError(
      'not-an-image',
      'This tar is not a container image: it has neither manifest.json nor index.json. It may be a plain filesystem archive (docker export, or buildx type=tar) rather than docker save output.',
    );
  }
  if (result.images.length === 0) {
    throw new StrataError(
      'not-an-image',
      artifacts.length > 0
        ? `This archive holds no image, only ${artifacts.length === 1 ? 'an artifact' : `${artifacts.length} artifacts`} (${[...new Set(artifacts.map((a) => a.artifactType ?? 'unknown type'))].join(', ')}).`
        : 'No image could be read from this archive.',
      warnings.map((w) => w.message).join(' '),
    );
  }
  return { ...result, artifacts };
}

/** Each layer blob the images need, once, in the order the images list them. */
function layerBlobs(images: ImageRecord[], index: OuterIndex): OuterEntry[] {
  const seen = new Set<string>();
  const out: OuterEntry[] = [];
  for (const image of images) {
    for (const layer of image.layers) {
      if (!layer.blobPath || seen.has(layer.blobPath)) continue;
      seen.add(layer.blobPath);
      const entry = index.resolve(layer.blobPath);
      if (entry) out.push(entry);
    }
  }
  return out;
}

/** Calls `fn` at most every 100 ms. */
function throttle(fn: () => void): () => void {
  let last = 0;
  return () => {
    const now = Date.now();
    if (now - last < 100) return;
    last = now;
    fn();
  };
}

export type { Compression };
