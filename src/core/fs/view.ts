import { KINDS } from '../layer/entries.ts';
import { mergedAt } from './merged.ts';
import { Change, DELETED, type PathVersions } from './versions.ts';

export type TreeMode = 'changes' | 'merged';

/**
 * What the tree shows for one layer and mode, as columns indexed by path id, so it crosses from
 * the worker to the page without copying (typed arrays are transferred) and the page never holds
 * more than one layer's worth. Names and parents are sent once (they never change).
 */
export interface TreeView {
  layer: number;
  mode: TreeMode;
  /** 1 where the path is shown. */
  shown: Uint8Array;
  /** Index into KINDS (for a deleted path: what it was). */
  kind: Uint8Array;
  /** The Change this layer made to the path, or 0. */
  change: Uint8Array;
  /** File size, or a directory's total below it (in changes mode: of what the layer wrote). */
  bytes: Float64Array;
  /** Shown entries below a directory. */
  count: Int32Array;
  /** The layer that last wrote the path up to this layer (-1: none). */
  writer: Int16Array;
  /** For a directory: how many paths below it this layer added, changed or deleted. */
  changedBelow: Int32Array;
  /** Where shown symlinks point and what shown hardlinks name, by path id. */
  links: Map<number, string>;
  /** What a path this layer deleted held (files: their size), by path id. */
  held: Map<number, number>;
  /** Mode, uid and gid of each shown path, when asked for (an `ls -l` view). */
  meta?: { mode: Uint16Array; uid: Uint32Array; gid: Uint32Array };
}

const KIND_INDEX = new Map(KINDS.map((k, i) => [k, i]));

/** Builds the view; `merged` is the filesystem at `layer` (pass a cached one). */
export function treeView(
  versions: PathVersions,
  layer: number,
  mode: TreeMode,
  merged = mergedAt(versions, layer),
  withMeta = false,
): TreeView {
  const n = versions.table.size;
  const shown = new Uint8Array(n);
  const kind = new Uint8Array(n);
  const change = new Uint8Array(n);
  const bytes = new Float64Array(n);
  const count = new Int32Array(n);
  const writer = new Int16Array(n).fill(-1);
  const changedBelow = new Int32Array(n);
  const links = new Map<number, string>();
  const held = new Map<number, number>();
  const meta = withMeta
    ? { mode: new Uint16Array(n), uid: new Uint32Array(n), gid: new Uint32Array(n) }
    : undefined;
  const parents = versions.table.parents;
  const { paths, changes } = versions.changes[layer] ?? { paths: [], changes: [] };
  // Indexed: an iterator here made two objects per changed path (54 MB for a million).
  for (let i = 0; i < paths.length; i++) change[paths[i]!] = changes[i]!;

  for (let p = 1; p < n; p++) {
    let v = merged.version[p]!;
    if (v < 0 && change[p] === Change.Deleted) v = lastLiveBefore(versions, p, layer);
    if (v < 0) continue;
    const k = versions.kind(v);
    kind[p] = KIND_INDEX.get(k) ?? 0;
    writer[p] = versions.vLayer[v]!;
    const entry = versions.vEntry[v]!;
    if (entry >= 0 && (k === 'symlink' || k === 'hardlink'))
      links.set(p, versions.layers[versions.vLayer[v]!]!.linkTarget(entry));
    if (change[p] === Change.Deleted && !versions.isDir(v)) held.set(p, versions.dataSize(v));
    if (meta) {
      const d = versions.describe(v);
      meta.mode[p] = d.mode;
      meta.uid[p] = d.uid;
      meta.gid[p] = d.gid;
    }
    if (mode === 'merged') {
      shown[p] = 1;
      bytes[p] = merged.version[p]! >= 0 ? merged.bytes[p]! : 0;
    } else if (change[p] !== 0) {
      shown[p] = 1;
      const written =
        change[p] === Change.Added || change[p] === Change.Content || change[p] === Change.Metadata;
      if (written && !versions.isDir(v)) bytes[p] = merged.bytes[p]!;
    }
  }
  shown[0] = 1;
  // Children before parents: a shown child shows its ancestors (as context in changes mode).
  for (let p = n - 1; p > 0; p--) {
    if (!shown[p]) continue;
    const parent = parents[p]!;
    shown[parent] = 1;
    count[parent]! += count[p]! + 1;
    if (mode === 'changes') bytes[parent]! += bytes[p]!;
    const own = change[p] !== 0 && change[p] !== Change.Unchanged ? 1 : 0;
    changedBelow[parent]! += changedBelow[p]! + own;
  }
  if (mode === 'merged') bytes[0] = merged.bytes[0]!;
  return {
    layer,
    mode,
    shown,
    kind,
    change,
    bytes,
    count,
    writer,
    changedBelow,
    links,
    held,
    ...(meta ? { meta } : {}),
  };
}

/** The version a path had just before `layer` deleted it. */
function lastLiveBefore(versions: PathVersions, path: number, layer: number): number {
  let v = versions.last[path]!;
  while (v >= 0 && (versions.vLayer[v]! >= layer || versions.vEntry[v] === DELETED))
    v = versions.vPrev[v]!;
  return v;
}
