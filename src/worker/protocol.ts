import type { SourceSpec } from '../core/bytes.ts';
import type { CompareSide, ImageComparison } from '../core/compare/compare-images.ts';
import type { DeflatePoint } from '../core/deflate/skim.ts';
import type { Problem } from '../core/errors.ts';
import type { DiveEfficiency } from '../core/fs/dive-efficiency.ts';
import type { FinalCounts } from '../core/fs/merged.ts';
import type { PathNames } from '../core/fs/path-names.ts';
import type { TreeMode, TreeView } from '../core/fs/view.ts';
import type { HiddenFile } from '../core/fs/waste.ts';
import type { LayerNames } from '../core/image/archive-map.ts';
import type { ArchiveModel } from '../core/image/model.ts';
import type { ScanMessage } from '../core/layer/scan-message.ts';
import type { ImagePackages } from '../core/packages/catalog.ts';
import type { Progress } from '../core/read-archive.ts';
import type { EntryMeta } from '../core/tar/encode.ts';

/**
 * Everything the page and an archive worker say to each other. A worker holds one archive for its
 * whole life (an archive session), so no message can belong to another archive; requests carry an
 * id so that their answers, and aborts, find their caller.
 */
/** Folders of kept layers in the origin private file system start so (worker/kept-on-disk.ts). */
export const KEPT_FOLDER_PREFIX = 'strata-kept-';

export type ToWorker =
  /**
   * `keptIn`: the session's folder of kept layers, when the browser has the storage for it;
   * `keeper`: a port to the worker that writes them as the scan decompresses (keeper-worker.ts).
   */
  | { type: 'open'; source: SourceSpec; name: string; keptIn?: string; keeper?: MessagePort }
  /** The digest check kept `bytes` of a layer's decompressed tar (`whole`: all of it). */
  | { type: 'kept'; blobPath: string; bytes: number; whole: boolean }
  /** The digest check, keeping a layer, has written its first `bytes` so far. */
  | { type: 'keeping'; blobPath: string; bytes: number }
  | { type: 'request'; id: number; query: Query }
  | { type: 'abort'; id: number }
  | { type: 'export'; id: number; what: ExportWhat }
  | { type: 'export-ack'; id: number; bytes: number };

/** What can be downloaded as a stream: a layer's blob as stored, its tar, or the filesystem at it. */
export interface ExportWhat {
  kind: 'layer-blob' | 'layer-tar' | 'filesystem';
  image: number;
  layer: number;
}

/** Questions the explorer asks about the open archive; each has one answer type below. */
/** A view query's layer meaning "the newest layer read so far". */
export const TOP_LAYER = -1;

export type Query =
  /**
   * `namesKnown`: how many paths of this image's table the page already holds; only the paths
   * after them are sent (the table only grows as layers arrive).
   */
  | { type: 'analysis'; image: number; namesKnown?: number }
  /** dive's efficiency figure, once every layer has been read (computed only when asked). */
  | { type: 'efficiency'; image: number }
  /** A layer's tree; `layer` TOP_LAYER: the newest layer read so far (the view says which). */
  | { type: 'view'; image: number; layer: number; mode: TreeMode; meta?: boolean }
  | { type: 'details'; image: number; path: number; layer: number }
  | { type: 'filter'; image: number; pattern: string }
  | { type: 'archive-map'; image: number }
  | { type: 'entry-text'; path: string }
  | { type: 'layer-entries'; blobPath: string; limit: number }
  | {
      type: 'file-bytes';
      image: number;
      path: number;
      layer: number;
      start: number;
      length: number;
    }
  /** A file of the image's top filesystem named by its path (for comparing across archives). */
  | { type: 'top-file-bytes'; image: number; path: string; start: number; length: number }
  /** What this image brings to a comparison (its top filesystem as columns). */
  | { type: 'compare-side'; image: number }
  /** This image (left) against a side another session (or this one) gave (right). */
  | { type: 'compare'; image: number; right: CompareSide }
  /** The image's packages after each layer (catalogued once, after the scan). */
  | { type: 'packages'; image: number };

export type QueryType = Query['type'];
export type QueryOf<K extends QueryType> = Extract<Query, { type: K }>;

/** The answer to each kind of query: both sides are checked against this table. */
export interface Answers {
  analysis: AnalysisSummary;
  efficiency: DiveEfficiency;
  view: TreeView;
  details: PathDetails | null;
  filter: Int32Array;
  'archive-map': { roles: [string, string][]; layers: LayerNames[] };
  /** The text of a small outer file (a JSON document), or null if it was not kept. */
  'entry-text': string | null;
  'layer-entries': { total: number; rows: RawEntry[] };
  /** Part of a file's content as it stands at a layer (hardlinks give their target's). */
  'file-bytes': FileBytes;
  'top-file-bytes': FileBytes;
  'compare-side': CompareSide;
  compare: ImageComparison;
  packages: PackagesSummary;
}

/** An image's packages as the page needs them; owners as two parallel columns. */
export interface PackagesSummary extends Omit<ImagePackages, 'owners'> {
  image: number;
  /** Path ids of owned files at the top, and the index of the package that owns each. */
  ownedPaths: Int32Array;
  ownerOf: Int32Array;
}

export interface FileBytes {
  bytes: Uint8Array;
  /** The whole file's size. */
  size: number;
  start: number;
}

/** One tar entry of a layer, as stored (whiteout markers included). */
export interface RawEntry {
  path: string;
  kind: string;
  size: number;
  mode: number;
  linkTarget: string;
}

export interface LayerStats {
  index: number;
  size: number | null;
  entries: number | null;
  compression: string | null;
  added: number;
  content: number;
  metadata: number;
  unchanged: number;
  deleted: number;
  reclaimableStored: number;
  reclaimableHidden: number;
}

/** One image's analysis as the page needs it; the path table is sent once, here. */
export interface AnalysisSummary {
  image: number;
  /** The path table's names and parents, from path `namesFrom` on (the page has those before). */
  namesFrom: number;
  names: PathNames;
  parents: Int32Array;
  layers: LayerStats[];
  /** Layers read so far, from the bottom: the views cover these. */
  layersReady: number;
  /** Every layer has been read; the figures below are known only then. */
  complete: boolean;
  final: FinalCounts | null;
  reclaimableBytes: number | null;
  /** The largest hidden files (at most 500), and how many there are in all. */
  hiddenFiles: HiddenFile[];
  hiddenFileCount: number;
  /** The largest files of the final filesystem (at most 50), with the layer that wrote each. */
  largestFiles: { path: string; bytes: number; layer: number }[];
  oddities: { layer: number; path: string; what: string }[];
}

/** A path's change in one layer (versions.ts Change, or 0 when the layer only implied it). */
export interface VersionStep {
  layer: number;
  change: number;
  implicit: boolean;
  size: number;
  /** What the version is, as metadata: for comparing versions beyond their content. */
  kind: string;
  mode: number;
  uid: number;
  gid: number;
}

export interface PathDetails extends EntryMeta {
  pathId: number;
  /** A directory no entry wrote: implied by a path below it. */
  implicit: boolean;
  /** The layer whose entry is shown. */
  layer: number;
  /** The path is not in the filesystem at the layer asked about (it was deleted). */
  deletedAtLayer: boolean;
  xattrs: Record<string, string>;
  /** For a hardlink: the size of the data it shares. */
  hardlinkSize: number | null;
  versions: VersionStep[];
}

/** What the page is told about a scanned layer blob (the entries stay in the worker). */
export interface LayerSummary {
  blobPath: string;
  compression: string;
  entries: number;
  size: number;
  error: Problem | null;
}

export type FromWorker =
  | { type: 'progress'; progress: Progress }
  | { type: 'model'; model: ArchiveModel }
  | { type: 'layer'; layer: LayerSummary }
  /** The first pass is over: the tree is ready. `checking` large bodies are still to be hashed. */
  | { type: 'done'; warnings: Problem[]; checking?: number }
  /** How far the second pass (hashing skipped bodies) has got; done -1: it stopped. */
  | { type: 'checking'; done: number; total: number }
  /** The second pass is over: figures that depended on those hashes may have changed. */
  | { type: 'refined' }
  /** How many compressed bytes of gzip layers the skimmer has walked, of how many. */
  | { type: 'skimming'; done: number; total: number }
  /**
   * The skimmer is done with the gzip layers (or had none): the digest check may start, keeping
   * on disk none of the `indexed` ones (blob paths; '' for a whole gzip-wrapped archive).
   */
  | { type: 'skimmed'; indexed: string[] }
  | { type: 'failed'; problem: Problem }
  | { type: 'answer'; id: number; answer: Answers[QueryType] }
  | { type: 'request-failed'; id: number; problem: Problem }
  /** How far a long request has got (cataloguing packages). */
  | { type: 'request-progress'; id: number; done: number; total: number }
  | { type: 'export-chunk'; id: number; chunk: Uint8Array }
  | { type: 'export-end'; id: number }
  | { type: 'export-failed'; id: number; problem: Problem };

/** What the digest checker says: progress per blob, then every mismatch (an empty list: all match). */
export type FromVerifier =
  | { type: 'progress'; done: number; total: number }
  | { type: 'kept'; blobPath: string; bytes: number; whole: boolean }
  | { type: 'keeping'; blobPath: string; bytes: number }
  | { type: 'done'; total: number; problems: Problem[] };

/** From the archive worker to the keeper, over their port: one layer's tar, chunk by chunk. */
export type ToKeeper =
  | { type: 'begin'; blobPath: string }
  | { type: 'chunk'; blobPath: string; bytes: Uint8Array }
  | { type: 'end'; blobPath: string; whole: boolean };

/**
 * From the keeper: each chunk acknowledged once handled; `stop` when it can take no more of a
 * layer (no room); after each `end`, how much of the layer it kept.
 */
export type FromKeeper =
  /** `buffer`: a full piece's memory, sent back to be filled again (no allocation per piece). */
  | { type: 'ack'; blobPath: string; bytes: number; buffer?: ArrayBuffer }
  | { type: 'stop'; blobPath: string }
  | { type: 'kept'; blobPath: string; bytes: number; whole: boolean };

/** From a scan worker of the archive worker's pool (scan-worker.ts). */
export type FromScanner =
  | { type: 'bytes'; n: number }
  | {
      type: 'scanned';
      scan: ScanMessage;
      /** What of the layer was kept on disk as it was scanned, if any. */
      kept: { bytes: number; whole: boolean } | undefined;
    }
  | { type: 'failed'; problem: Problem };

/** To the skimmer (skim-worker.ts): the gzip layers of an uncompressed archive, in order to skim. */
export interface SkimJob {
  type: 'job';
  source: SourceSpec;
  layers: { blobPath: string; start: number; size: number }[];
}

/**
 * To the skimmer: places of layer `blobPath` were found from its end back to the block at `bit`
 * (skim-tail-worker.ts); the walk stops there if it has not passed it.
 */
export interface SkimMeet {
  type: 'meet';
  blobPath: string;
  bit: number;
  stored: boolean;
}

/** To a skimmer or the tail skimmer: wait (a read waits for places the other walk is nearer to). */
export type SkimPause = { type: 'pause' } | { type: 'resume' };

/**
 * To the tail skimmer (skim-tail-worker.ts): the gzip member to walk from its end (`windowsKept`:
 * the scan's windows of it, which give its size with the trailer), then how far into it the walk
 * from its start has come, so that the two stop where they meet.
 */
export type ToTailSkimmer =
  | {
      type: 'job';
      source: SourceSpec;
      blobPath: string;
      start: number;
      size: number;
      windowsKept: number;
      every: number;
      /** Segments to walk this time (Infinity: until the walks meet); the next job goes on. */
      segments: number;
    }
  /** How far the walk from the start is into the member being walked (Infinity: past it). */
  | { type: 'passed'; bytes: number }
  | SkimPause;

/** From the tail skimmer: each segment's places, from the end backwards, then that it stopped. */
export type FromTailSkimmer =
  /**
   * A segment's places: it starts at the block at `bit` (`stored` or not), `from` bytes of output
   * in; `endBit`, with the first, is where the deflate data ends.
   */
  | {
      type: 'tail-found';
      blobPath: string;
      points: DeflatePoint[];
      bit: number;
      stored: boolean;
      from: number;
      endBit?: number;
    }
  | { type: 'tail-done'; blobPath: string };

/** From the skimmer: places to resume from as they are found, then how each layer ended. */
export type FromSkimmer =
  | { type: 'found'; blobPath: string; points: DeflatePoint[] }
  /** Compressed bytes walked so far, in all layers (layers found not to be gzip count whole). */
  | { type: 'walked'; bytes: number }
  | { type: 'ended'; blobPath: string; endBit: number; size: number }
  /** The walk stopped at the block at `bit` (SkimMeet), `out` bytes of output in. */
  | { type: 'met'; blobPath: string; bit: number; out: number }
  | { type: 'failed'; blobPath: string; message: string }
  | { type: 'done' };
