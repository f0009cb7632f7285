import { pathMaker } from '../fs/all-paths.ts';
import type { MergedView } from '../fs/merged.ts';
import type { PathVersions } from '../fs/versions.ts';

/**
 * One image's top filesystem as plain columns, one row per visible path (root excluded), paths
 * without the leading `/`. It is what crosses from one archive's worker to another's when two
 * images are compared, so it holds only what a comparison looks at.
 */
export interface FsSnapshot {
  paths: string[];
  /** The kind a container sees: a hardlink is the file it shares. */
  kinds: string[];
  sizes: Float64Array;
  /** Hash of the content ('' for anything without a body). */
  hashes: string[];
  /** A symlink's target ('' otherwise). */
  links: string[];
  modes: Uint32Array;
  uids: Uint32Array;
  gids: Uint32Array;
}

export function snapshotOf(versions: PathVersions, top: MergedView): FsSnapshot {
  const rows: number[] = [];
  for (let p = 1; p < top.version.length; p++) if (top.version[p]! >= 0) rows.push(p);
  const snapshot: FsSnapshot = {
    paths: [],
    kinds: [],
    sizes: new Float64Array(rows.length),
    hashes: [],
    links: [],
    modes: new Uint32Array(rows.length),
    uids: new Uint32Array(rows.length),
    gids: new Uint32Array(rows.length),
  };
  const pathOf = pathMaker(versions.table);
  for (const [i, p] of rows.entries()) {
    const d = versions.describe(top.version[p]!);
    snapshot.paths.push(pathOf(p));
    snapshot.kinds.push(d.kind);
    snapshot.sizes[i] = d.size;
    snapshot.hashes.push(d.hash);
    snapshot.links.push(d.link);
    snapshot.modes[i] = d.mode;
    snapshot.uids[i] = d.uid;
    snapshot.gids[i] = d.gid;
  }
  return snapshot;
}

/** The buffers a snapshot can hand over instead of copying. */
export function snapshotBuffers(s: FsSnapshot): ArrayBuffer[] {
  return [s.sizes.buffer, s.modes.buffer, s.uids.buffer, s.gids.buffer] as ArrayBuffer[];
}
