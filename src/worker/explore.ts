import type { ByteSource } from '../core/bytes.ts';
import { LayerContent, type LayerLocation } from '../core/content.ts';
import { StrataError } from '../core/errors.ts';
import { analyzeImage, type ImageAnalysis } from '../core/fs/analyze-image.ts';
import { filesystemTar } from '../core/fs/export-tar.ts';
import { Change, DELETED, FsHistory } from '../core/fs/history.ts';
import { type MergedView, mergedAt } from '../core/fs/merged.ts';
import { PathSearch, treeView } from '../core/fs/view.ts';
import { entryRoles, layerNames } from '../core/image/archive-map.ts';
import type { ArchiveRead } from '../core/read-archive.ts';
import { plainMeta } from '../core/tar/encode.ts';
import type {
  AnalysisSummary,
  ExportWhat,
  LayerStats,
  PathDetails,
  Query,
  VersionStep,
} from './protocol.ts';

/**
 * Answers the explorer's questions about the open archive. The analysis of an image is computed
 * once, on first use; merged views are kept for the last few layers asked for.
 */
export class Explorer {
  private readonly analyses = new Map<number, ImageAnalysis>();
  private readonly merged = new Map<string, MergedView>();
  private readonly searches = new Map<number, PathSearch>();

  private readonly content: LayerContent;

  constructor(
    private readonly read: ArchiveRead,
    source: ByteSource,
  ) {
    this.content = new LayerContent(source);
  }

  /** Set by the worker when every layer has been read. */
  complete = false;
  /** Histories built layer by layer while the archive is still being read. */
  private readonly growing = new Map<number, FsHistory>();

  /** The full analysis; only once every layer has been read. */
  private analysis(image: number): ImageAnalysis {
    let found = this.analyses.get(image);
    if (!found) {
      const record = this.read.model.images[image];
      if (!record) throw new Error(`no image ${image}`);
      found = analyzeImage(record, this.read.scans, this.history(image));
      this.analyses.set(image, found);
    }
    return found;
  }

  /** The history of the layers read so far (all of them, once the read is complete). */
  private history(image: number): FsHistory {
    const record = this.read.model.images[image];
    if (!record) throw new Error(`no image ${image}`);
    const done = this.analyses.get(image);
    if (done) return done.history;
    let history = this.growing.get(image);
    if (!history) {
      history = new FsHistory();
      this.growing.set(image, history);
    }
    // Add each further layer whose scan has arrived, bottom up; a layer not in the archive counts as empty.
    for (let k = history.layers.length; k < record.layers.length; k++) {
      const blob = record.layers[k]!.blobPath;
      const scan = blob ? this.read.scans.get(blob) : undefined;
      if (blob && !scan) break;
      history.addLayer(scan?.entries ?? null);
    }
    return history;
  }

  private mergedView(image: number, layer: number): MergedView {
    const history = this.history(image);
    // The path table grows while layers arrive: a view is only good for the table it was made on.
    const key = `${image}:${layer}:${history.table.size}`;
    let view = this.merged.get(key);
    if (!view) {
      view = mergedAt(history, layer);
      if (this.merged.size >= 6) this.merged.delete(this.merged.keys().next().value!);
      this.merged.set(key, view);
    }
    return view;
  }

  /** Where the data a path shows at `layer` lies (a deleted path: what it last held). */
  private dataOf(image: number, path: number, layer: number) {
    const history = this.history(image);
    let v = history.versionAt(path, layer);
    if (v < 0)
      v =
        [...history.versionsOf(path)]
          .reverse()
          .find((x) => history.vLayer[x]! <= layer && history.vEntry[x]! >= 0) ?? -1;
    const dataLayer = v < 0 ? -1 : history.vDataLayer[v]!;
    const entries = dataLayer < 0 ? null : history.layers[dataLayer];
    const entry = entries?.get(history.vDataEntry[v]!);
    if (entry?.kind !== 'file')
      throw new StrataError('read-failed', 'This path has no file content.');
    return { ...this.locate(image, dataLayer), entry };
  }

  /** Where a layer's blob lies and how it is compressed. */
  private locate(image: number, layer: number): { key: string; at: LayerLocation } {
    const ref = this.read.model.images[image]?.layers[layer];
    const outer = ref?.blobPath ? this.read.index.resolve(ref.blobPath) : undefined;
    const scan = ref?.blobPath ? this.read.scans.get(ref.blobPath) : undefined;
    if (!outer || !scan)
      throw new StrataError('missing-blob', `Layer ${layer} is not in the archive.`);
    return {
      key: outer.path,
      at: {
        blobOffset: outer.dataOffset,
        blobSize: outer.size,
        outer: this.read.model.compression,
        layer: scan.compression,
      },
    };
  }

  /** A download, as a stream of chunks. */
  exportStream(what: ExportWhat, signal: AbortSignal): AsyncIterable<Uint8Array> {
    if (what.kind === 'layer-blob')
      return this.content.blob(this.locate(what.image, what.layer).at, signal);
    if (what.kind === 'layer-tar')
      return this.content.tar(this.locate(what.image, what.layer).at, signal);
    const history = this.history(what.image);
    return filesystemTar(
      history,
      what.layer,
      (l) => this.content.tar(this.locate(what.image, l).at, signal),
      signal,
    );
  }

  async fileBytes(q: Extract<Query, { type: 'file-bytes' }>) {
    const { key, entry, at } = this.dataOf(q.image, q.path, q.layer);
    const start = Math.min(q.start, entry.size);
    const length = Math.min(q.length, entry.size - start);
    const bytes = await this.content.read(at, key, entry.dataOffset, start, length);
    return { answer: { bytes, size: entry.size, start }, transfer: [bytes.buffer] };
  }

  answer(query: Exclude<Query, { type: 'file-bytes' }>): {
    answer: unknown;
    transfer: Transferable[];
  } {
    switch (query.type) {
      case 'analysis': {
        const summary = this.summary(query.image);
        return { answer: summary, transfer: [summary.parents.buffer] };
      }
      case 'view': {
        const history = this.history(query.image);
        const view = treeView(
          history,
          query.layer,
          query.mode,
          this.mergedView(query.image, query.layer),
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
          ],
        };
      }
      case 'details':
        return { answer: this.details(query.image, query.path, query.layer), transfer: [] };
      case 'filter': {
        // While layers still arrive the path table grows, so a search is kept only once complete.
        let search = this.complete ? this.searches.get(query.image) : undefined;
        if (!search) {
          search = new PathSearch(this.history(query.image));
          if (this.complete) this.searches.set(query.image, search);
        }
        const ids = search.find(query.pattern);
        return { answer: ids, transfer: [ids.buffer] };
      }
      case 'archive-map': {
        const { model, index } = this.read;
        return {
          answer: {
            roles: [...entryRoles(model, index)],
            layers: layerNames(model, index, query.image),
          },
          transfer: [],
        };
      }
      case 'entry-text': {
        const body = this.read.index.body(query.path);
        return {
          answer: body ? new TextDecoder().decode(body.subarray(0, 1 << 20)) : null,
          transfer: [],
        };
      }
      case 'layer-entries': {
        const scan = this.read.scans.get(query.blobPath);
        if (!scan) return { answer: { total: 0, rows: [] }, transfer: [] };
        const rows = [];
        for (let i = 0; i < Math.min(scan.entries.length, query.limit); i++) {
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
      }
      default: {
        const unknown: never = query;
        throw new Error(`unknown query ${JSON.stringify(unknown)}`);
      }
    }
  }

  private summary(image: number): AnalysisSummary {
    const record = this.read.model.images[image]!;
    const history = this.history(image);
    const complete = this.complete && history.layers.length === record.layers.length;
    const a = complete ? this.analysis(image) : undefined;
    const layers: LayerStats[] = record.layers.map((layer, i) => {
      const scan = layer.blobPath ? this.read.scans.get(layer.blobPath) : undefined;
      const counts = { added: 0, content: 0, metadata: 0, unchanged: 0, deleted: 0 };
      for (const change of history.changes[i]?.changes ?? []) {
        if (change === Change.Added) counts.added++;
        else if (change === Change.Content) counts.content++;
        else if (change === Change.Metadata) counts.metadata++;
        else if (change === Change.Unchanged) counts.unchanged++;
        else counts.deleted++;
      }
      return {
        index: i,
        size: scan?.size ?? null,
        entries: scan?.entries.length ?? null,
        compression: scan?.compression ?? null,
        ...counts,
        reclaimableStored: a?.reclaimable.byStoringLayer[i] ?? 0,
        reclaimableHidden: a?.reclaimable.byHidingLayer[i] ?? 0,
      };
    });
    return {
      image,
      names: history.table.names,
      parents: Int32Array.from(history.table.parents),
      layers,
      layersReady: history.layers.length,
      complete,
      final: a?.final ?? null,
      efficiency: a?.efficiency ?? null,
      reclaimableBytes: a?.reclaimable.bytes ?? null,
      hiddenFiles: a?.reclaimable.files.slice(0, 500) ?? [],
      hiddenFileCount: a?.reclaimable.files.length ?? 0,
      oddities: history.oddities.slice(0, 200),
    };
  }

  private details(image: number, path: number, layer: number): PathDetails | null {
    const history = this.history(image);
    const versions = history.versionsOf(path);
    if (versions.length === 0) return null;
    // The version shown: the one visible at `layer`, else the last before it (a deleted path).
    let shown = history.versionAt(path, layer);
    if (shown < 0)
      shown =
        [...versions]
          .reverse()
          .find((v) => history.vLayer[v]! <= layer && history.vEntry[v] !== DELETED) ??
        versions[0]!;
    const steps: VersionStep[] = versions.map((v) => {
      const l = history.vLayer[v]!;
      const list = history.changes[l];
      const at = list ? list.paths.indexOf(path) : -1;
      return {
        layer: l,
        change: at >= 0 ? list!.changes[at]! : 0,
        implicit: history.vEntry[v] === -1,
        size: history.vEntry[v]! >= 0 ? history.describe(v).size : 0,
      };
    });
    const entryIndex = history.vEntry[shown]!;
    const base = {
      path: `/${history.table.paths[path]}`,
      pathId: path,
      layer: history.vLayer[shown]!,
      deletedAtLayer: history.versionAt(path, layer) < 0,
      history: steps,
    };
    if (entryIndex < 0) {
      return {
        ...plainMeta(base.path, 'dir'),
        ...base,
        implicit: true,
        xattrs: {},
        hardlinkSize: null,
      };
    }
    const { marker, dataOffset, contentHash, xattrs, ...meta } =
      history.layers[history.vLayer[shown]!]!.get(entryIndex);
    return {
      ...meta,
      ...base,
      implicit: false,
      xattrs: xattrs ?? {},
      hardlinkSize: meta.kind === 'hardlink' ? history.describe(shown).size : null,
    };
  }
}
