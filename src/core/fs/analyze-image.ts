import type { ImageRecord } from '../image/model.ts';
import type { LayerEntries } from '../layer/entries.ts';
import type { LayerScan } from '../layer/scan.ts';
import { type DiveEfficiency, diveEfficiency } from './dive-efficiency.ts';
import { type FinalCounts, finalCounts, type MergedView, mergedAt } from './merged.ts';
import { sortedPaths } from './path-order.ts';
import type { PathTable } from './paths.ts';
import { Change, PathVersions } from './versions.ts';
import { type Reclaimable, reclaimable } from './waste.ts';

/** Everything derived from one image's layers, computed once. */
export interface ImageAnalysis {
  versions: PathVersions;
  /** The filesystem after the last layer: made on first use (the counts below need no view). */
  readonly top: MergedView;
  final: FinalCounts;
  /**
   * dive's figure, computed on first use: it is there to compare with dive, and walking dive's
   * trees costs as much as the rest of the analysis, so the app asks for it only when shown.
   */
  readonly efficiency: DiveEfficiency;
  reclaimable: Reclaimable;
}

/** The scans of an image's layers, in order; a layer not in the archive counts as empty. */
export function layerEntriesOf(
  image: ImageRecord,
  scans: Map<string, LayerScan>,
): (LayerEntries | null)[] {
  return image.layers.map((layer) =>
    layer.blobPath ? (scans.get(layer.blobPath)?.entries ?? null) : null,
  );
}

/** `versions` may be one already built from the same layers (as they arrived), to reuse it. */
export function analyzeImage(
  image: ImageRecord,
  scans: Map<string, LayerScan>,
  built?: PathVersions,
): ImageAnalysis {
  const layers = layerEntriesOf(image, scans);
  const versions = built?.layers.length === layers.length ? built : new PathVersions(layers);
  const diveLayers = image.layers.flatMap((layer) => {
    const scan = layer.blobPath ? scans.get(layer.blobPath) : undefined;
    return scan ? [{ entries: scan.entries, size: scan.size }] : [];
  });
  let efficiency: DiveEfficiency | undefined;
  let top: MergedView | undefined;
  return {
    versions,
    get top() {
      top ??= mergedAt(versions, layers.length - 1);
      return top;
    },
    final: finalCounts(versions),
    get efficiency() {
      efficiency ??= diveEfficiency(diveLayers, { versions });
      return efficiency;
    },
    reclaimable: reclaimable(versions),
  };
}

export interface ChangeLists {
  added: PathList;
  /** Content and metadata changes; unchanged rewrites are not listed. */
  modified: PathList;
  /** The part of `modified` where only mode, uid or gid changed. */
  metadataOnly: PathList;
  deleted: PathList;
  counts: {
    added: number;
    modified: number;
    content: number;
    metadata: number;
    unchanged: number;
    deleted: number;
  };
}

/**
 * Sorted absolute paths, named one at a time from their ids: the change list of a layer of a
 * million files costs 4 MB instead of 70 (a string each). `toJSON` gives them all, as an array.
 */
export class PathList implements Iterable<string> {
  constructor(
    private readonly table: PathTable,
    readonly ids: Int32Array,
  ) {}
  get length(): number {
    return this.ids.length;
  }
  at(i: number): string {
    return `/${this.table.path(this.ids[i]!)}`;
  }
  *[Symbol.iterator](): Iterator<string> {
    for (let i = 0; i < this.ids.length; i++) yield this.at(i);
  }
  toJSON(): string[] {
    return [...this];
  }
}

/** The table's paths in sorted order, kept while the table has not grown. */
const orderOf = new WeakMap<PathTable, Int32Array>();
function sortedOrder(table: PathTable): Int32Array {
  let order = orderOf.get(table);
  if (order?.length !== table.size) {
    order = sortedPaths(table);
    orderOf.set(table, order);
  }
  return order;
}

/** One layer's changes as sorted absolute paths. */
export function changeLists(versions: PathVersions, layer: number): ChangeLists {
  const { paths, changes } = versions.changes[layer] ?? {
    paths: new Int32Array(0),
    changes: new Uint8Array(0),
  };
  const tally = new Int32Array(6);
  // Each path's change in this layer (0: none), then the lists picked in sorted order.
  const changeOf = new Uint8Array(versions.table.size);
  for (let i = 0; i < paths.length; i++) {
    changeOf[paths[i]!] = changes[i]!;
    tally[changes[i]!]!++;
  }
  const added = new Int32Array(tally[Change.Added]!);
  const modified = new Int32Array(tally[Change.Content]! + tally[Change.Metadata]!);
  const metadataOnly = new Int32Array(tally[Change.Metadata]!);
  const deleted = new Int32Array(tally[Change.Deleted]!);
  let [a, m, o, d] = [0, 0, 0, 0];
  for (const p of sortedOrder(versions.table)) {
    const c = changeOf[p]!;
    if (c === 0) continue;
    if (c === Change.Added) added[a++] = p;
    else if (c === Change.Deleted) deleted[d++] = p;
    else if (c === Change.Content) modified[m++] = p;
    else if (c === Change.Metadata) {
      modified[m++] = p;
      metadataOnly[o++] = p;
    }
  }
  const named = (ids: Int32Array) => new PathList(versions.table, ids);
  return {
    added: named(added),
    modified: named(modified),
    metadataOnly: named(metadataOnly),
    deleted: named(deleted),
    counts: {
      added: added.length,
      modified: modified.length,
      content: tally[Change.Content]!,
      metadata: metadataOnly.length,
      unchanged: tally[Change.Unchanged]!,
      deleted: deleted.length,
    },
  };
}
