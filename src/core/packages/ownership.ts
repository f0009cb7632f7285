import { DELETED, type PathVersions } from '../fs/versions.ts';
import type { ImagePackages, PackageRow } from './catalog.ts';

/** Owned files that exist at the top: counts, bytes (shared data once), owners, and the rest. */
export function ownership(
  versions: PathVersions,
  top: number,
  rows: PackageRow[],
  owned: string[][],
  /** Each path by id (all-paths.ts pathMaker). */
  pathOf: (p: number) => string,
): Pick<ImagePackages, 'owners' | 'unowned' | 'unownedCount' | 'unownedBytes'> {
  const owners = new Map<number, number>();
  const table = versions.table;
  rows.forEach((row, i) => {
    const seen = new Set<number>();
    let files = 0;
    let bytes = 0;
    for (const path of owned[i]!) {
      const id = table.get(path.replace(/^\/+/, ''));
      const v = id === undefined || top < 0 ? -1 : versions.versionAt(id, top);
      if (v >= 0 && versions.isDir(v)) continue;
      files++;
      if (v < 0 || id === undefined) continue;
      if (!owners.has(id)) owners.set(id, i);
      if (versions.dataKind(v) !== 'file') continue;
      const data = versions.dataKey(v);
      if (seen.has(data)) continue;
      seen.add(data);
      bytes += versions.dataSize(v);
    }
    row.files = files;
    row.bytes = bytes;
  });
  // Unowned files by id and size; only the 500 listed get a path string and an object.
  const ids: number[] = [];
  const sizes: number[] = [];
  let unownedBytes = 0;
  if (top >= 0)
    for (let p = 1; p < table.size; p++) {
      if (owners.has(p)) continue;
      const v = versions.versionAt(p, top);
      if (v < 0 || versions.vEntry[v] === DELETED || versions.isDir(v)) continue;
      if (versions.dataKind(v) !== 'file') continue;
      const size = versions.dataSize(v);
      ids.push(p);
      sizes.push(size);
      unownedBytes += size;
    }
  // Ties by path: a million empty files each a slice of one string, not a path made.
  const unowned = largestFirst(ids, sizes, pathOf, LISTED).map((i) => ({
    path: `/${pathOf(ids[i]!)}`,
    bytes: sizes[i]!,
  }));
  return { owners, unowned, unownedCount: ids.length, unownedBytes };
}

/** How many unowned files are listed. */
const LISTED = 500;

/**
 * The indices of the `count` largest, ties by path, in that order, without sorting them all: the
 * size of the `count`-th largest bounds the list, and paths of that size are kept in a short
 * sorted list (a million empty files compare with its last path, most of them once).
 */
export function largestFirst(
  ids: readonly number[],
  sizes: readonly number[],
  pathOf: (id: number) => string,
  count: number,
): number[] {
  const byOrder = (a: number, b: number) =>
    sizes[b]! - sizes[a]! || (pathOf(ids[a]!) < pathOf(ids[b]!) ? -1 : 1);
  if (sizes.length <= count) return sizes.map((_, i) => i).sort(byOrder);
  const bound = Float64Array.from(sizes).sort()[sizes.length - count]!;
  const above: number[] = [];
  // The tied ones kept so far, sorted, with their paths (each path asked for once).
  const tied: number[] = [];
  const tiedPaths: string[] = [];
  const room = () => count - above.length;
  for (let i = 0; i < sizes.length; i++) if (sizes[i]! > bound) above.push(i);
  for (let i = 0; i < sizes.length; i++) {
    if (sizes[i] !== bound) continue;
    const path = pathOf(ids[i]!);
    if (tied.length === room() && path >= tiedPaths.at(-1)!) continue;
    let lo = 0;
    let hi = tied.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (tiedPaths[mid]! < path) lo = mid + 1;
      else hi = mid;
    }
    tied.splice(lo, 0, i);
    tiedPaths.splice(lo, 0, path);
    if (tied.length > room()) {
      tied.pop();
      tiedPaths.pop();
    }
  }
  return [...above.sort(byOrder), ...tied];
}
