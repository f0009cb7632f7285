import type { PathVersions } from './versions.ts';

/**
 * The filesystem as it stands after one layer: for each path id, the version visible (-1: none),
 * and for directories the bytes and entries below them. Built in one pass over the path table
 * from the version chains, so switching layers never replays the layers.
 */
export interface MergedView {
  layer: number;
  version: Int32Array;
  /**
   * A file's apparent size (a hardlink: its data's size); a directory's total below it counted as
   * `du` counts it: data shared by hardlinks once per directory, however many links it has there.
   */
  bytes: Float64Array;
  /** Visible entries below a directory (0 for files). */
  count: Int32Array;
}

export function mergedAt(versions: PathVersions, layer: number): MergedView {
  const n = versions.table.size;
  const version = new Int32Array(n).fill(-1);
  const bytes = new Float64Array(n);
  const count = new Int32Array(n);
  for (let p = 1; p < n; p++) {
    const v = versions.versionAt(p, layer);
    version[p] = v;
    if (v < 0 || versions.isDir(v)) continue;
    bytes[p] = versions.dataSize(v);
  }
  version[0] = 0;
  const byData = hardlinkedData(versions, n, (p) => version[p]!);
  const shared = new Uint8Array(n);
  for (const paths of byData.values()) if (paths.length > 1) for (const p of paths) shared[p] = 1;
  const parents = versions.table.parents;
  // Ids were handed out parents first, so high to low visits children before parents.
  for (let p = n - 1; p > 0; p--) {
    if (version[p]! < 0) continue;
    const parent = parents[p]!;
    if (!shared[p]) bytes[parent]! += bytes[p]!;
    count[parent]! += count[p]! + 1;
  }
  // Shared data: once in every folder that holds one of its paths, up to the root (as du does).
  for (const paths of byData.values()) {
    if (paths.length < 2) continue;
    const size = bytes[paths[0]!]!;
    const done = new Set<number>();
    for (const p of paths) {
      for (let a = parents[p]!; a >= 0 && !done.has(a); a = parents[a]!) {
        done.add(a);
        bytes[a]! += size;
      }
    }
  }
  return { layer, version, bytes, count };
}

/**
 * The visible paths (`versionOf`) holding each piece of data that some visible hardlink holds, by
 * data key: data is shared only through hardlinks, so ordinary files (nearly all) are looked up
 * only when there is such data at all.
 */
export function hardlinkedData(
  versions: PathVersions,
  n: number,
  versionOf: (p: number) => number,
): Map<number, number[]> {
  const byData = new Map<number, number[]>();
  for (let p = 1; p < n; p++) {
    const v = versionOf(p);
    if (v < 0 || versions.kind(v) !== 'hardlink' || versions.dataLayer(v) < 0) continue;
    if (versions.dataSize(v) > 0) byData.set(versions.dataKey(v), []);
  }
  if (byData.size > 0)
    for (let p = 1; p < n; p++) {
      const v = versionOf(p);
      if (v >= 0 && !versions.isDir(v) && versions.dataLayer(v) >= 0)
        byData.get(versions.dataKey(v))?.push(p);
    }
  return byData;
}

export interface FinalCounts {
  entries: number;
  /** Everything that is not a directory. */
  files: number;
  dirs: number;
  symlinks: number;
  hardlinks: number;
  /** Apparent size of regular files and hardlinks, each link counted in full. */
  bytes: number;
  /** The same with data shared by hardlinks counted once, as `du` counts it. */
  uniqueBytes: number;
}

/**
 * The filesystem after the last layer, counted from the version chains without a view of every
 * path (the command line wants the counts, not the view: 16 MB for a million paths). uniqueBytes
 * is the root's total in `mergedAt`: data shared by hardlinks counted once.
 */
export function finalCounts(versions: PathVersions): FinalCounts {
  const layer = versions.layers.length - 1;
  const n = versions.table.size;
  const counts: FinalCounts = {
    entries: 0,
    files: 0,
    dirs: 0,
    symlinks: 0,
    hardlinks: 0,
    bytes: 0,
    uniqueBytes: 0,
  };
  for (let p = 1; p < n; p++) {
    const v = versions.versionAt(p, layer);
    if (v < 0) continue;
    counts.entries++;
    const kind = versions.kind(v);
    if (kind === 'dir') {
      counts.dirs++;
      continue;
    }
    counts.files++;
    if (kind === 'symlink') counts.symlinks++;
    if (kind === 'hardlink') counts.hardlinks++;
    const size = versions.dataSize(v);
    counts.uniqueBytes += size;
    if (kind === 'file' || kind === 'hardlink') counts.bytes += size;
  }
  // Data held by several visible paths counts once.
  const byData = hardlinkedData(versions, n, (p) => versions.versionAt(p, layer));
  for (const paths of byData.values())
    if (paths.length > 1)
      counts.uniqueBytes -=
        (paths.length - 1) * versions.dataSize(versions.versionAt(paths[0]!, layer));
  return counts;
}
