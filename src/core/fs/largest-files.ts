import type { MergedView } from './merged.ts';
import type { PathVersions } from './versions.ts';

/** The largest files at the top, largest first (hardlinks to data already listed left out). */
export function largestFiles(
  versions: PathVersions,
  top: MergedView,
  limit = 50,
): { path: string; bytes: number; layer: number }[] {
  const found: { p: number; bytes: number }[] = [];
  const seen = new Set<number>();
  for (let p = 1; p < top.version.length; p++) {
    const v = top.version[p]!;
    if (v < 0 || versions.isDir(v) || versions.kind(v) === 'symlink') continue;
    const bytes = top.bytes[p]!;
    if (bytes === 0) continue;
    found.push({ p, bytes });
  }
  found.sort((x, y) => y.bytes - x.bytes);
  const out: { path: string; bytes: number; layer: number }[] = [];
  for (const { p, bytes } of found) {
    const v = top.version[p]!;
    const data = versions.dataKey(v);
    if (seen.has(data)) continue;
    seen.add(data);
    out.push({ path: `/${versions.table.paths[p]}`, bytes, layer: versions.vLayer[v]! });
    if (out.length === limit) break;
  }
  return out;
}
