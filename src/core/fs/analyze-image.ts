import type { ImageRecord } from '../image/model.ts';
import type { LayerEntries } from '../layer/entries.ts';
import type { LayerScan } from '../layer/scan.ts';
import { type DiveEfficiency, diveEfficiency } from './dive-efficiency.ts';
import { countsOf, type FinalCounts, type MergedView, mergedAt } from './merged.ts';
import { pathRanks } from './path-order.ts';
import type { PathTable } from './paths.ts';
import { Change, PathVersions } from './versions.ts';
import { type Reclaimable, reclaimable } from './waste.ts';

/** Everything derived from one image's layers, computed once. */
export interface ImageAnalysis {
  versions: PathVersions;
  top: MergedView;
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
  const top = mergedAt(versions, layers.length - 1);
  const diveLayers = image.layers.flatMap((layer) => {
    const scan = layer.blobPath ? scans.get(layer.blobPath) : undefined;
    return scan ? [{ entries: scan.entries, size: scan.size }] : [];
  });
  let efficiency: DiveEfficiency | undefined;
  return {
    versions,
    top,
    final: countsOf(versions, top),
    get efficiency() {
      efficiency ??= diveEfficiency(diveLayers, { versions });
      return efficiency;
    },
    reclaimable: reclaimable(versions, top),
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
    return `/${this.table.paths[this.ids[i]!]}`;
  }
  *[Symbol.iterator](): Iterator<string> {
    for (let i = 0; i < this.ids.length; i++) yield this.at(i);
  }
  toJSON(): string[] {
    return [...this];
  }
}

/** Each path's rank in sorted order and the path of each rank, kept while the table has not grown. */
const orderOf = new WeakMap<PathTable, { ranks: Int32Array; byRank: Int32Array }>();
function sortedOrder(table: PathTable): { ranks: Int32Array; byRank: Int32Array } {
  let order = orderOf.get(table);
  if (order?.ranks.length !== table.size) {
    const ranks = pathRanks(table);
    const byRank = new Int32Array(ranks.length);
    for (let p = 0; p < ranks.length; p++) byRank[ranks[p]!] = p;
    order = { ranks, byRank };
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
  const { ranks, byRank } = sortedOrder(versions.table);
  const tally = new Int32Array(6);
  for (const c of changes) tally[c]!++;
  // Each list as ranks first (sorted as numbers, then turned back into path ids).
  const added = new Int32Array(tally[Change.Added]!);
  const modified = new Int32Array(tally[Change.Content]! + tally[Change.Metadata]!);
  const metadataOnly = new Int32Array(tally[Change.Metadata]!);
  const deleted = new Int32Array(tally[Change.Deleted]!);
  let [a, m, o, d] = [0, 0, 0, 0];
  for (let i = 0; i < paths.length; i++) {
    const c = changes[i]!;
    const rank = ranks[paths[i]!]!;
    if (c === Change.Added) added[a++] = rank;
    else if (c === Change.Deleted) deleted[d++] = rank;
    else if (c === Change.Content) modified[m++] = rank;
    else if (c === Change.Metadata) {
      modified[m++] = rank;
      metadataOnly[o++] = rank;
    }
  }
  const named = (ranked: Int32Array) => {
    ranked.sort();
    for (let i = 0; i < ranked.length; i++) ranked[i] = byRank[ranked[i]!]!;
    return new PathList(versions.table, ranked);
  };
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
