import { DELETED, type PathVersions } from '../fs/versions.ts';
import type { ImagePackages, PackageRow } from './catalog.ts';

/** Owned files that exist at the top: counts, bytes (shared data once), owners, and the rest. */
export function ownership(
  versions: PathVersions,
  top: number,
  rows: PackageRow[],
  owned: string[][],
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
      const d = versions.describe(v);
      if (d.kind !== 'file') continue;
      const data = versions.vDataLayer[v]! * 2 ** 32 + versions.vDataEntry[v]!;
      if (seen.has(data)) continue;
      seen.add(data);
      bytes += d.size;
    }
    row.files = files;
    row.bytes = bytes;
  });
  const unowned: { path: string; bytes: number }[] = [];
  let unownedCount = 0;
  let unownedBytes = 0;
  if (top >= 0)
    for (let p = 1; p < table.size; p++) {
      if (owners.has(p)) continue;
      const v = versions.versionAt(p, top);
      if (v < 0 || versions.vEntry[v] === DELETED || versions.isDir(v)) continue;
      const d = versions.describe(v);
      if (d.kind !== 'file') continue;
      unownedCount++;
      unownedBytes += d.size;
      unowned.push({ path: `/${table.paths[p]}`, bytes: d.size });
    }
  unowned.sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : 1));
  return { owners, unowned: unowned.slice(0, 500), unownedCount, unownedBytes };
}
