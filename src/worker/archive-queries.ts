import sqliteWasm from 'sql.js/dist/sql-wasm.wasm?url';
import type { ByteSource } from '../core/bytes.ts';
import { compareImages } from '../core/compare/compare-images.ts';
import { compareSide } from '../core/compare/side.ts';
import { snapshotBuffers } from '../core/compare/snapshot.ts';
import { LayerContent, type LayerLocation } from '../core/content.ts';
import type { SeekIndexes } from '../core/deflate/seek-index.ts';
import { StrataError } from '../core/errors.ts';
import { fillHashes, neededBodies, type PendingBody, pendingBodies } from '../core/fill-hashes.ts';
import { analyzeImage, type ImageAnalysis } from '../core/fs/analyze-image.ts';
import { filesystemTar } from '../core/fs/export-tar.ts';
import { type MergedView, mergedAt } from '../core/fs/merged.ts';
import { PathSearch } from '../core/fs/path-search.ts';
import { PathVersions } from '../core/fs/versions.ts';
import { treeView } from '../core/fs/view.ts';
import { entryRoles, layerNames } from '../core/image/archive-map.ts';
import type { ImageRecord } from '../core/image/model.ts';
import type { KeptLayers } from '../core/kept-layers.ts';
import { layerLocation } from '../core/layer-location.ts';
import { catalogImage, type ImagePackages } from '../core/packages/catalog.ts';
import { imageBodies } from '../core/packages/image-bodies.ts';
import { sqliteWasmAt } from '../core/packages/rpm-sqlite.ts';
import type { ArchiveRead } from '../core/read-archive.ts';
import { readSparse } from '../core/tar/sparse.ts';
import { analysisSummary, type SummaryWithoutNames, withNames } from './analysis-summary.ts';
import { pathDetails } from './path-details.ts';
import {
  type AnalysisSummary,
  type Answers,
  type ExportWhat,
  type FileBytes,
  type QueryOf,
  type QueryType,
  type RawEntry,
  TOP_LAYER,
} from './protocol.ts';

// sql.js's WebAssembly file, as the build serves it (loaded only when an image has rpmdb.sqlite).
sqliteWasmAt(sqliteWasm);

/** An answer and the buffers it hands over (moved, not copied, to the page). */
export interface Reply<K extends QueryType> {
  answer: Answers[K];
  transfer: Transferable[];
}
type Handler<K extends QueryType> = (
  query: QueryOf<K>,
  signal?: AbortSignal,
  progress?: Progress,
) => Reply<K> | Promise<Reply<K>>;
/** Told how far a long request has got. */
type Progress = (done: number, total: number) => void;

/**
 * Answers the page's questions about the archive its worker holds. The analysis of an image is computed
 * once, on first use; merged views are kept for the last few layers asked for.
 */
export class ArchiveQueries {
  private readonly analyses = new Map<number, ImageAnalysis>();
  private readonly merged = new Map<string, MergedView>();
  private readonly searches = new Map<number, PathSearch>();

  private readonly content: LayerContent;

  constructor(
    private readonly read: ArchiveRead,
    private readonly source: ByteSource,
    keptOnDisk?: KeptLayers,
    seekIndexes?: SeekIndexes,
  ) {
    this.content = new LayerContent(source, undefined, keptOnDisk, seekIndexes);
  }

  /** Set by the worker when every layer has been read. */
  complete = false;

  /**
   * Hashes of skipped bodies arrived: the histories compare their rewrites again (nothing else in
   * them depends on a hash), and what was derived from them is made again on next ask.
   */
  refresh(): void {
    const histories = new Set([
      ...this.growing.values(),
      ...[...this.analyses.values()].map((a) => a.versions),
    ]);
    for (const versions of histories) versions.recompare();
    this.analyses.clear();
    this.lastSummary = undefined;
    this.merged.clear();
    this.searches.clear();
  }
  /**
   * The bodies the first pass skipped that the histories compare (headers first): every image's
   * history is built for it, as the analysis would build it next.
   */
  neededBodies(): PendingBody[] {
    const pending = (image: ImageRecord) =>
      image.layers.some(
        (l) => l.blobPath && this.read.scans.get(l.blobPath)?.entries.anyHashPending(),
      );
    return neededBodies(
      this.read.model.images.flatMap((image, i) =>
        pending(image) ? [{ image, versions: this.versions(i) }] : [],
      ),
    );
  }

  /** Histories built layer by layer while the archive is still being read. */
  private readonly growing = new Map<number, PathVersions>();

  /** The full analysis; only once every layer has been read. */
  private analysis(image: number): ImageAnalysis {
    let found = this.analyses.get(image);
    if (!found) {
      const record = this.read.model.images[image];
      if (!record) throw new Error(`no image ${image}`);
      found = analyzeImage(record, this.read.scans, this.versions(image));
      this.analyses.set(image, found);
      // Its top view (made here, on first use) is the tree's first view: kept with the others.
      const top = found.versions.layers.length - 1;
      this.merged.set(mergedKey(image, top, found.versions), found.top);
    }
    return found;
  }

  /** The versions of the layers read so far (all of them, once the read is complete). */
  private versions(image: number): PathVersions {
    const record = this.read.model.images[image];
    if (!record) throw new Error(`no image ${image}`);
    const done = this.analyses.get(image);
    if (done) return done.versions;
    let versions = this.growing.get(image);
    if (!versions) {
      versions = new PathVersions();
      this.growing.set(image, versions);
    }
    // Add each further layer whose scan has arrived, bottom up; a layer not in the archive counts as empty.
    for (let k = versions.layers.length; k < record.layers.length; k++) {
      const blob = record.layers[k]!.blobPath;
      const scan = blob ? this.read.scans.get(blob) : undefined;
      if (blob && !scan) break;
      versions.addLayer(scan?.entries ?? null);
    }
    return versions;
  }

  private mergedView(image: number, layer: number): MergedView {
    const versions = this.versions(image);
    const key = mergedKey(image, layer, versions);
    let view = this.merged.get(key);
    if (!view) {
      view = mergedAt(versions, layer);
      if (this.merged.size >= 6) this.merged.delete(this.merged.keys().next().value!);
      this.merged.set(key, view);
    }
    return view;
  }

  /** Where the data a path shows at `layer` lies (a deleted path: what it last held). */
  private dataOf(image: number, path: number, layer: number) {
    const versions = this.versions(image);
    let v = versions.versionAt(path, layer);
    if (v < 0)
      v =
        [...versions.versionsOf(path)]
          .reverse()
          .find((x) => versions.vLayer[x]! <= layer && versions.vEntry[x]! >= 0) ?? -1;
    const dataLayer = v < 0 ? -1 : versions.dataLayer(v);
    const entries = dataLayer < 0 ? null : versions.layers[dataLayer];
    const entry = entries?.get(versions.dataEntry(v));
    if (entry?.kind !== 'file')
      throw new StrataError('read-failed', 'This path has no file content.');
    return { ...this.locate(image, dataLayer), entry };
  }

  /** Where a layer's blob lies and how it is compressed. */
  private locate(image: number, layer: number): { key: string; at: LayerLocation } {
    return layerLocation(this.read, image, layer);
  }

  /** A download, as a stream of chunks. */
  exportStream(what: ExportWhat, signal: AbortSignal): AsyncIterable<Uint8Array> {
    if (what.kind === 'layer-blob')
      return this.content.blob(this.locate(what.image, what.layer).at, signal);
    if (what.kind === 'layer-tar')
      return this.content.tar(this.locate(what.image, what.layer).at, signal);
    const versions = this.versions(what.image);
    return filesystemTar(
      versions,
      what.layer,
      (l) => this.content.tar(this.locate(what.image, l).at, signal),
      signal,
    );
  }

  /** Answers one query; the table below gives each kind of query its one answer type. */
  answer<K extends QueryType>(
    query: QueryOf<K>,
    signal?: AbortSignal,
    progress?: Progress,
  ): Promise<Reply<K>> {
    const handler = this.handlers[query.type as K] as Handler<K>;
    try {
      return Promise.resolve(handler(query, signal, progress));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private readonly handlers: { [K in QueryType]: Handler<K> } = {
    analysis: (q) => {
      const summary = this.summary(q.image, q.namesKnown ?? 0);
      return { answer: summary, transfer: [summary.parents.buffer] };
    },
    efficiency: (q) => {
      if (!this.complete) throw new Error('The archive has not been read to its end yet.');
      return { answer: this.analysis(q.image).efficiency, transfer: [] };
    },
    view: (q) => {
      const versions = this.versions(q.image);
      const layer = q.layer === TOP_LAYER ? versions.layers.length - 1 : q.layer;
      if (layer < 0) throw new Error('No layer of this image has been read yet.');
      const view = treeView(
        versions,
        layer,
        q.mode,
        this.mergedView(q.image, layer),
        q.meta ?? false,
      );
      return {
        answer: view,
        transfer: [
          view.shown.buffer,
          view.kind.buffer,
          view.change.buffer,
          view.bytes.buffer,
          view.count.buffer,
          view.writer.buffer,
          view.changedBelow.buffer,
          ...(view.meta ? [view.meta.mode.buffer, view.meta.uid.buffer, view.meta.gid.buffer] : []),
        ],
      };
    },
    details: (q) => ({
      answer: pathDetails(this.versions(q.image), q.path, q.layer),
      transfer: [],
    }),
    filter: (q) => {
      // While layers still arrive the path table grows, so a search is kept only once complete.
      let search = this.complete ? this.searches.get(q.image) : undefined;
      if (!search) {
        search = new PathSearch(this.versions(q.image).table);
        if (this.complete) this.searches.set(q.image, search);
      }
      const ids = search.find(q.pattern);
      return { answer: ids, transfer: [ids.buffer] };
    },
    'archive-map': (q) => {
      const { model, index } = this.read;
      return {
        answer: { roles: [...entryRoles(model, index)], layers: layerNames(model, index, q.image) },
        transfer: [],
      };
    },
    'entry-text': (q) => {
      const body = this.read.index.body(q.path);
      return {
        answer: body ? new TextDecoder().decode(body.subarray(0, 1 << 20)) : null,
        transfer: [],
      };
    },
    'layer-entries': (q) => {
      const scan = this.read.scans.get(q.blobPath);
      if (!scan) return { answer: { total: 0, rows: [] }, transfer: [] };
      const rows: RawEntry[] = [];
      for (let i = 0; i < Math.min(scan.entries.length, q.limit); i++) {
        const e = scan.entries.get(i);
        rows.push({
          path: e.path,
          kind: e.kind,
          size: e.size,
          mode: e.mode,
          linkTarget: e.linkTarget,
        });
      }
      return { answer: { total: scan.entries.length, rows }, transfer: [] };
    },
    'file-bytes': (q, signal) =>
      this.fileBytes(q.image, q.path, q.layer, q.start, q.length, signal),
    'top-file-bytes': (q, signal) => {
      const versions = this.versions(q.image);
      const id = versions.table.get(q.path.replace(/^\/+/, ''));
      if (id === undefined) throw new StrataError('read-failed', `${q.path} is not in this image.`);
      return this.fileBytes(q.image, id, versions.layers.length - 1, q.start, q.length, signal);
    },
    'compare-side': async (q, signal) => {
      const side = await this.compareSide(q.image, signal);
      return { answer: side, transfer: snapshotBuffers(side.snapshot) };
    },
    compare: async (q, signal) => ({
      answer: compareImages(await this.compareSide(q.image, signal), q.right),
      transfer: [],
    }),
    packages: async (q, signal, progress) => {
      const found = await this.catalog(q.image, signal, progress);
      const { owners, ...rest } = found;
      const ownedPaths = Int32Array.from(owners.keys());
      const ownerOf = Int32Array.from(owners.values());
      return {
        answer: { ...rest, image: q.image, ownedPaths, ownerOf },
        transfer: [ownedPaths.buffer, ownerOf.buffer],
      };
    },
  };

  private readonly catalogs = new Map<number, Promise<ImagePackages>>();

  /** An image's packages, catalogued once (a request aborted before the end does not keep it). */
  private catalog(
    image: number,
    signal?: AbortSignal,
    progress?: Progress,
  ): Promise<ImagePackages> {
    if (!this.complete)
      throw new StrataError('read-failed', 'The archive is still being read; packages come after.');
    let found = this.catalogs.get(image);
    if (!found) {
      const versions = this.analysis(image).versions;
      found = catalogImage(versions, imageBodies(this.read, image, versions, this.content), {
        signal,
        onProgress: progress,
      });
      this.catalogs.set(image, found);
      found.catch(() => this.catalogs.delete(image));
    }
    return found;
  }

  private async compareSide(image: number, signal?: AbortSignal) {
    if (!this.complete)
      throw new StrataError(
        'read-failed',
        'The archive is still being read; compare when it is done.',
      );
    const record = this.read.model.images[image];
    if (!record?.included) throw new StrataError('read-failed', `No image ${image} to compare.`);
    // Another image's files are compared by content: every body the first pass skipped is read.
    const blobs = new Set(record.layers.map((l) => l.blobPath));
    const skipped = pendingBodies(this.read).filter((b) => blobs.has(b.blobPath));
    if (skipped.length > 0) await fillHashes(this.read, this.source, skipped, { signal });
    return compareSide(record, this.read.scans, this.analysis(image));
  }

  /** Part of a file's content as it stands at a layer (a sparse file with its holes as zeros). */
  private async fileBytes(
    image: number,
    path: number,
    layer: number,
    from: number,
    count: number,
    signal?: AbortSignal,
  ): Promise<{ answer: FileBytes; transfer: Transferable[] }> {
    const { key, entry, at } = this.dataOf(image, path, layer);
    const start = Math.min(from, entry.size);
    const length = Math.min(count, entry.size - start);
    const layout = entry.sparse;
    const bytes = layout
      ? await readSparse(layout, start, length, (offset, n) =>
          this.content.read(at, key, entry.dataOffset, offset, n, signal),
        )
      : await this.content.read(at, key, entry.dataOffset, start, length, signal);
    return { answer: { bytes, size: entry.size, start }, transfer: [bytes.buffer] };
  }

  private summary(image: number, namesKnown: number): AnalysisSummary {
    const record = this.read.model.images[image]!;
    const versions = this.versions(image);
    const complete = this.complete && versions.layers.length === record.layers.length;
    const analysis = complete ? this.analysis(image) : undefined;
    // The page asks again as the last layers arrive and when the read ends; the same layers give
    // the same summary, made once (its `parents` goes to the page, so each answer gets a copy).
    const last = this.lastSummary;
    let summary = last?.summary;
    if (
      !summary ||
      last?.image !== image ||
      last.versions !== versions ||
      last.layers !== versions.layers.length ||
      last.analysis !== analysis
    ) {
      summary = analysisSummary(image, record, versions, this.read.scans, analysis);
      this.lastSummary = { image, versions, layers: versions.layers.length, analysis, summary };
    }
    // Only the paths the page does not have yet (all of them if it says it has more than exist).
    return withNames(summary, versions, namesKnown);
  }
  private lastSummary:
    | {
        image: number;
        versions: PathVersions;
        layers: number;
        analysis: ImageAnalysis | undefined;
        summary: SummaryWithoutNames;
      }
    | undefined;
}

/** A merged view is only good for the path table it was made on, which grows while layers arrive. */
function mergedKey(image: number, layer: number, versions: PathVersions): string {
  return `${image}:${layer}:${versions.table.size}`;
}
