import { hardlinkedData, type MergedView } from './merged.ts';
import type { PathVersions } from './versions.ts';

/**
 * The largest files at the top, largest first, ties in path id order (hardlinks to data already
 * listed left out). Kept in a small heap instead of sorting every file: an object per file and a
 * sort took 170 ms of the 150,000-file image's summary.
 */
export function largestFiles(
  versions: PathVersions,
  top: MergedView,
  limit = 50,
): { path: string; bytes: number; layer: number }[] {
  const n = top.version.length;
  // Data several visible paths hold is listed once, under the first of them (they are in id order).
  const repeated = new Uint8Array(n);
  for (const paths of hardlinkedData(versions, n, (p) => top.version[p]!).values())
    for (let i = 1; i < paths.length; i++) repeated[paths[i]!] = 1;
  const heap = new SmallestFirst(limit, top.bytes);
  for (let p = 1; p < n; p++) {
    const v = top.version[p]!;
    if (v < 0 || repeated[p] || top.bytes[p] === 0) continue;
    if (versions.isDir(v) || versions.kind(v) === 'symlink') continue;
    heap.offer(p);
  }
  return heap.drain().map((p) => ({
    path: `/${versions.table.path(p)}`,
    bytes: top.bytes[p]!,
    layer: versions.vLayer[top.version[p]!]!,
  }));
}

/**
 * The `limit` largest path ids by `bytes` (a lower id first among equals), kept as a binary heap
 * whose root is the one to drop first.
 */
class SmallestFirst {
  private readonly ids: number[] = [];
  constructor(
    private readonly limit: number,
    private readonly bytes: Float64Array,
  ) {}

  /** Whether `a` ranks below `b`: fewer bytes, or as many and a later id. */
  private below(a: number, b: number): boolean {
    const x = this.bytes[a]!;
    const y = this.bytes[b]!;
    return x < y || (x === y && a > b);
  }

  offer(id: number): void {
    const { ids } = this;
    if (ids.length < this.limit) {
      ids.push(id);
      for (let i = ids.length - 1; i > 0; ) {
        const up = (i - 1) >> 1;
        if (!this.below(ids[i]!, ids[up]!)) break;
        [ids[i], ids[up]] = [ids[up]!, ids[i]!];
        i = up;
      }
    } else if (ids.length > 0 && this.below(ids[0]!, id)) {
      ids[0] = id;
      this.sink(0);
    }
  }

  private sink(from: number): void {
    const { ids } = this;
    for (let i = from; ; ) {
      let low = i;
      for (const c of [2 * i + 1, 2 * i + 2])
        if (c < ids.length && this.below(ids[c]!, ids[low]!)) low = c;
      if (low === i) return;
      [ids[i], ids[low]] = [ids[low]!, ids[i]!];
      i = low;
    }
  }

  /** The ids kept, largest first. */
  drain(): number[] {
    return [...this.ids].sort((a, b) => (this.below(a, b) ? 1 : -1));
  }
}
