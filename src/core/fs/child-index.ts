/**
 * Children of every path id, from the parent table, as two typed arrays (the children of `p` are
 * `ids[offsets[p]]` up to `ids[offsets[p + 1]]`, in id order): 8 MB for a million paths, where an array
 * per path grew the page's heap by 31 MB. The tree and the size map each keep one per image.
 */
export interface ChildIndex {
  offsets: Int32Array;
  ids: Int32Array;
}

export function childIndex(parents: Int32Array): ChildIndex {
  const n = parents.length;
  const counts = new Int32Array(n + 1);
  for (let p = 1; p < n; p++) counts[parents[p]! + 1]!++;
  for (let i = 1; i <= n; i++) counts[i]! += counts[i - 1]!;
  const offsets = counts.slice();
  const fill = counts.slice(0, n);
  const ids = new Int32Array(Math.max(0, n - 1));
  for (let p = 1; p < n; p++) ids[fill[parents[p]!]!++] = p;
  return { offsets, ids };
}

/** The children of `p`, in id order. */
export function childrenAt(index: ChildIndex, p: number): Int32Array {
  return index.ids.subarray(index.offsets[p], index.offsets[p + 1]);
}
