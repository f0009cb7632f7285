import type { ImageRecord } from '../image/model.ts';
import type { LayerEntries } from '../layer/entries.ts';
import type { LayerScan } from '../layer/scan.ts';
import { type DiveEfficiency, diveEfficiency } from './dive-efficiency.ts';
import { countsOf, type FinalCounts, type MergedView, mergedAt } from './merged.ts';
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
  added: string[];
  /** Content and metadata changes; unchanged rewrites are not listed. */
  modified: string[];
  /** The part of `modified` where only mode, uid or gid changed. */
  metadataOnly: string[];
  deleted: string[];
  counts: {
    added: number;
    modified: number;
    content: number;
    metadata: number;
    unchanged: number;
    deleted: number;
  };
}

/** One layer's changes as sorted absolute paths. */
export function changeLists(versions: PathVersions, layer: number): ChangeLists {
  const { paths, changes } = versions.changes[layer] ?? { paths: [], changes: [] };
  const lists: ChangeLists = {
    added: [],
    modified: [],
    metadataOnly: [],
    deleted: [],
    counts: { added: 0, modified: 0, content: 0, metadata: 0, unchanged: 0, deleted: 0 },
  };
  for (const [i, p] of paths.entries()) {
    const path = `/${versions.table.paths[p]}`;
    switch (changes[i]) {
      case Change.Added:
        lists.added.push(path);
        break;
      case Change.Content:
        lists.modified.push(path);
        lists.counts.content++;
        break;
      case Change.Metadata:
        lists.modified.push(path);
        lists.metadataOnly.push(path);
        lists.counts.metadata++;
        break;
      case Change.Unchanged:
        lists.counts.unchanged++;
        break;
      case Change.Deleted:
        lists.deleted.push(path);
        break;
    }
  }
  for (const list of [lists.added, lists.modified, lists.metadataOnly, lists.deleted]) list.sort();
  lists.counts.added = lists.added.length;
  lists.counts.modified = lists.modified.length;
  lists.counts.deleted = lists.deleted.length;
  return lists;
}
