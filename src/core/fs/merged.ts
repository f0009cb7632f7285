import type { PathVersions } from './versions.ts';

/**
 * The filesystem as it stands after one layer: for each path id, the version visible (-1: none),
 * and for directories the bytes and entries below them. Built in one pass over the path table
 * from the version chains, so switching layers never replays the layers.
 */
export interface MergedView {
  layer: number;
  version: Int32Array;
  /** A file's apparent size (hardlinks resolved); a directory's total below it. */
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
    if (v >= 0 && !versions.isDir(v)) bytes[p] = versions.describe(v).size;
  }
  version[0] = 0;
  const parents = versions.table.parents;
  // Ids were handed out parents first, so high to low visits children before parents.
  for (let p = n - 1; p > 0; p--) {
    if (version[p]! < 0) continue;
    const parent = parents[p]!;
    bytes[parent]! += bytes[p]!;
    count[parent]! += count[p]! + 1;
  }
  return { layer, version, bytes, count };
}

export interface FinalCounts {
  entries: number;
  /** Everything that is not a directory. */
  files: number;
  dirs: number;
  symlinks: number;
  hardlinks: number;
  /** Apparent size of regular files and hardlinks. */
  bytes: number;
}

export function countsOf(versions: PathVersions, view: MergedView): FinalCounts {
  const counts: FinalCounts = {
    entries: 0,
    files: 0,
    dirs: 0,
    symlinks: 0,
    hardlinks: 0,
    bytes: 0,
  };
  for (let p = 1; p < view.version.length; p++) {
    const v = view.version[p]!;
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
    if (kind === 'file' || kind === 'hardlink') counts.bytes += view.bytes[p]!;
  }
  return counts;
}
