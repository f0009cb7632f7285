import { DELETED, type PathVersions } from '../core/fs/versions.ts';
import { plainMeta } from '../core/tar/encode.ts';
import type { PathDetails, VersionStep } from './protocol.ts';

/**
 * Everything the details pane shows of one path at a layer: the version visible there (or, for a
 * deleted path, the last one before), its entry's metadata, and every version of it by layer.
 */
export function pathDetails(store: PathVersions, path: number, layer: number): PathDetails | null {
  const own = store.versionsOf(path);
  if (own.length === 0) return null;
  // The version shown: the one visible at `layer`, else the last before it (a deleted path).
  let shown = store.versionAt(path, layer);
  if (shown < 0)
    shown =
      [...own].reverse().find((v) => store.vLayer[v]! <= layer && store.vEntry[v] !== DELETED) ??
      own[0]!;
  const steps: VersionStep[] = own.map((v) => {
    const l = store.vLayer[v]!;
    const list = store.changes[l];
    const at = list ? list.paths.indexOf(path) : -1;
    const live = store.vEntry[v]! >= 0;
    const d = live ? store.describe(v) : undefined;
    return {
      layer: l,
      change: at >= 0 ? list!.changes[at]! : 0,
      implicit: store.vEntry[v] === -1,
      size: d?.size ?? 0,
      kind: d?.kind ?? (store.vEntry[v] === -1 ? 'dir' : 'deleted'),
      mode: d?.mode ?? 0,
      uid: d?.uid ?? 0,
      gid: d?.gid ?? 0,
    };
  });
  const entryIndex = store.vEntry[shown]!;
  const base = {
    path: `/${store.table.path(path)}`,
    pathId: path,
    layer: store.vLayer[shown]!,
    deletedAtLayer: store.versionAt(path, layer) < 0,
    versions: steps,
  };
  if (entryIndex < 0) {
    return {
      ...plainMeta(base.path, 'dir'),
      ...base,
      implicit: true,
      xattrs: {},
      hardlinkSize: null,
    };
  }
  const { marker, dataOffset, contentHash, xattrs, ...meta } =
    store.layers[store.vLayer[shown]!]!.get(entryIndex);
  return {
    ...meta,
    ...base,
    implicit: false,
    xattrs: xattrs ?? {},
    hardlinkSize: meta.kind === 'hardlink' ? store.describe(shown).size : null,
  };
}
