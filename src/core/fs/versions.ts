import { type LayerEntries, Marker } from '../layer/entries.ts';
import type { EntryKind } from '../tar/header.ts';
import { PathTable } from './paths.ts';

/** How a layer changed one path. */
export const Change = {
  Added: 1,
  /** Kind, size, data or link target changed. */
  Content: 2,
  /** Only mode, uid or gid changed. */
  Metadata: 3,
  /** Written again with nothing changed but mtime (e.g. a parent re-emitted by the tool). */
  Unchanged: 4,
  Deleted: 5,
} as const;
export type Change = (typeof Change)[keyof typeof Change];

/** A version that no entry wrote: a parent directory the layer implied. */
export const IMPLICIT = -1;
/** A version that removes the path. */
export const DELETED = -2;

export interface LayerChanges {
  paths: number[];
  changes: Change[];
}

/**
 * Every version of every path across the layers, made by applying the layers in order as the OCI
 * image-spec ("Applying Changesets") and Docker do:
 *
 * - a layer's whiteouts apply to the layers below it first, then its other entries, so a whiteout
 *   never hides an entry of its own layer;
 * - `DIR/.wh..wh..opq` hides everything below DIR from lower layers, DIR stays;
 * - `DIR/.wh.NAME` removes DIR/NAME and everything under it;
 * - a non-directory written over a directory removes the directory's subtree; missing parents are
 *   created implicitly (and a non-directory standing where a parent must be is replaced by one);
 * - a hardlink takes the content its target has at that point.
 *
 * Versions are stored by column. Each path's versions form a chain (`prev`), so the filesystem at
 * any layer is one walk over the path table, without replaying layers.
 */
export class PathVersions {
  readonly table = new PathTable();
  /** Per version: path, layer, entry index (or IMPLICIT / DELETED), previous version of the path. */
  readonly vPath: number[] = [];
  readonly vLayer: number[] = [];
  readonly vEntry: number[] = [];
  readonly vPrev: number[] = [];
  /** Where the version's content lies (a hardlink's target entry), as layer and entry; -1 if none. */
  readonly vDataLayer: number[] = [];
  readonly vDataEntry: number[] = [];
  /** The layer whose changes made this version invisible, or -1 if it is visible at the top. */
  readonly vHiddenBy: number[] = [];
  /** Latest version of each path, and the version visible at the current top (-1: none). */
  readonly last: number[] = [-1];
  private readonly cur: number[] = [-1];
  readonly changes: LayerChanges[] = [];
  /** Whiteouts and hardlinks that pointed at nothing: layer, path, what. */
  readonly oddities: { layer: number; path: string; what: string }[] = [];

  readonly layers: (LayerEntries | null)[] = [];

  constructor(layers: readonly (LayerEntries | null)[] = []) {
    for (const entries of layers) this.addLayer(entries);
  }

  /** Applies the next layer on top (layers can arrive one by one, as they are read). */
  addLayer(entries: LayerEntries | null): void {
    this.layers.push(entries);
    this.apply(this.layers.length - 1, entries);
  }

  get versionCount(): number {
    return this.vPath.length;
  }

  private id(path: string): number {
    const before = this.table.size;
    const id = this.table.intern(path);
    for (let i = before; i < this.table.size; i++) {
      this.last.push(-1);
      this.cur.push(-1);
    }
    return id;
  }

  private addVersion(
    path: number,
    layer: number,
    entry: number,
    dataLayer: number,
    dataEntry: number,
  ): number {
    const v = this.vPath.length;
    this.vPath.push(path);
    this.vLayer.push(layer);
    this.vEntry.push(entry);
    this.vPrev.push(this.last[path]!);
    this.vDataLayer.push(dataLayer);
    this.vDataEntry.push(dataEntry);
    this.vHiddenBy.push(-1);
    this.last[path] = v;
    return v;
  }

  kind(v: number): EntryKind {
    const entry = this.vEntry[v]!;
    if (entry === IMPLICIT) return 'dir';
    return this.layers[this.vLayer[v]!]!.kind(entry);
  }

  isDir(v: number): boolean {
    return v >= 0 && this.vEntry[v] !== DELETED && this.kind(v) === 'dir';
  }

  /** Applies one layer; records what changed. */
  private apply(layer: number, entries: LayerEntries | null): void {
    const before = new Map<number, number>();
    const remember = (p: number) => {
      if (!before.has(p)) before.set(p, this.cur[p]!);
    };
    const hide = (p: number) => {
      const v = this.cur[p]!;
      if (v < 0) return;
      remember(p);
      this.vHiddenBy[v] = layer;
      this.cur[p] = -1;
      this.addVersion(p, layer, DELETED, -1, -1);
    };
    // Everything visible below p, deepest first; an explicit stack, as paths may be very deep.
    const hideBelow = (p: number) => {
      const order: number[] = [];
      const stack = [...(this.table.children[p] ?? [])];
      while (stack.length > 0) {
        const child = stack.pop()!;
        if (this.cur[child]! < 0) continue;
        order.push(child);
        for (const grandchild of this.table.children[child] ?? []) stack.push(grandchild);
      }
      for (let i = order.length - 1; i >= 0; i--) hide(order[i]!);
    };

    if (entries) {
      // Pass 1: whiteouts and opaque markers against the layers below.
      for (let i = 0; i < entries.length; i++) {
        const marker = entries.marker(i);
        if (marker === Marker.None || marker === Marker.Ignored) continue;
        const path = entries.paths[i]!;
        const slash = path.lastIndexOf('/');
        const dir = slash < 0 ? '' : path.slice(0, slash);
        if (marker === Marker.Opaque) {
          const d = this.table.get(dir);
          if (d !== undefined) hideBelow(d);
          continue;
        }
        const target = `${dir ? `${dir}/` : ''}${path.slice(slash + 1 + 4)}`;
        const t = this.table.get(target);
        if (t === undefined || this.cur[t]! < 0) {
          this.oddities.push({
            layer,
            path: target,
            what: 'whiteout of a path that does not exist below',
          });
          continue;
        }
        hideBelow(t);
        hide(t);
      }
      // Pass 2: everything else, in stream order.
      for (let i = 0; i < entries.length; i++) {
        const marker = entries.marker(i);
        if (marker !== Marker.None) {
          // An opaque marker implies its directory exists in this layer.
          if (marker === Marker.Opaque) {
            const path = entries.paths[i]!;
            const slash = path.lastIndexOf('/');
            if (slash > 0)
              this.ensureDir(this.id(path.slice(0, slash)), layer, remember, hideBelow);
          }
          continue;
        }
        const p = this.id(entries.paths[i]!);
        const parent = this.table.parents[p]!;
        if (parent > 0) this.ensureDir(parent, layer, remember, hideBelow);
        const kind = entries.kind(i);
        const old = this.cur[p]!;
        if (old >= 0 && kind !== 'dir' && this.isDir(old)) hideBelow(p);
        remember(p);
        let dataLayer = layer;
        let dataEntry = i;
        if (kind === 'hardlink') {
          const target = this.table.get(entries.linkTarget(i));
          const tv = target === undefined ? -1 : this.cur[target]!;
          dataLayer = tv < 0 ? -1 : this.vDataLayer[tv]!;
          dataEntry = tv < 0 ? -1 : this.vDataEntry[tv]!;
          // Only regular file data can be shared by a hardlink; anything else is a broken link.
          if (dataLayer < 0 || this.layers[dataLayer]!.kind(dataEntry) !== 'file') {
            this.oddities.push({
              layer,
              path: entries.paths[i]!,
              what: `hardlink to ${tv < 0 ? 'a missing' : 'a non-file'} target ${entries.linkTarget(i)}`,
            });
            dataLayer = -1;
            dataEntry = -1;
          }
        }
        if (old >= 0) this.vHiddenBy[old] = layer;
        this.cur[p] = this.addVersion(p, layer, i, dataLayer, dataEntry);
      }
    }

    const paths: number[] = [];
    const changes: Change[] = [];
    for (const [p, was] of before) {
      const now = this.cur[p]!;
      let change: Change | undefined;
      if (was < 0 && now >= 0) change = Change.Added;
      else if (was >= 0 && now < 0) change = Change.Deleted;
      else if (was >= 0 && now >= 0 && this.vLayer[now] === layer) {
        // An implicit directory counts as a change only where it replaced a non-directory.
        if (this.vEntry[now]! >= 0) change = this.compare(was, now);
        else if (!this.isDir(was)) change = Change.Content;
      }
      if (change !== undefined) {
        paths.push(p);
        changes.push(change);
      }
    }
    this.changes.push({ paths, changes });
  }

  /** Makes sure a directory stands at `p` (and above it), creating implicit ones where needed. */
  private ensureDir(
    p: number,
    layer: number,
    remember: (p: number) => void,
    hideBelow: (p: number) => void,
  ): void {
    const chain = [...this.table.ancestors(p), p];
    for (const a of chain) {
      const v = this.cur[a]!;
      if (v >= 0 && this.isDir(v)) continue;
      remember(a);
      if (v >= 0) {
        this.vHiddenBy[v] = layer;
        hideBelow(a);
      }
      this.cur[a] = this.addVersion(a, layer, IMPLICIT, -1, -1);
    }
  }

  /** Content first (kind, size, data hash, link target), then metadata (mode, uid, gid). */
  private compare(was: number, now: number): Change {
    const a = this.describe(was);
    const b = this.describe(now);
    if (a.kind !== b.kind || a.size !== b.size || a.hash !== b.hash || a.link !== b.link)
      return Change.Content;
    if (a.mode !== b.mode || a.uid !== b.uid || a.gid !== b.gid) return Change.Metadata;
    return Change.Unchanged;
  }

  /** What a version holds, hardlinks resolved to their target's content. */
  describe(v: number): {
    kind: EntryKind;
    size: number;
    hash: string;
    link: string;
    mode: number;
    uid: number;
    gid: number;
  } {
    const entry = this.vEntry[v]!;
    if (entry < 0) return { kind: 'dir', size: 0, hash: '', link: '', mode: 0o755, uid: 0, gid: 0 };
    const own = this.layers[this.vLayer[v]!]!;
    const kind = own.kind(entry);
    const dataLayer = this.vDataLayer[v]!;
    const data = dataLayer >= 0 ? this.layers[dataLayer]! : undefined;
    const dataEntry = this.vDataEntry[v]!;
    const resolved = kind === 'hardlink' && data !== undefined;
    return {
      kind: resolved ? data.kind(dataEntry) : kind,
      size: resolved ? data.size(dataEntry) : own.size(entry),
      hash: resolved ? data.hashes[dataEntry]! : own.hashes[entry]!,
      link: kind === 'symlink' ? own.linkTarget(entry) : '',
      mode: own.mode(entry) & 0o7777,
      uid: own.uid(entry),
      gid: own.gid(entry),
    };
  }

  /** The version of a path visible after layer `layer`, or -1. */
  versionAt(path: number, layer: number): number {
    let v = this.last[path]!;
    while (v >= 0 && this.vLayer[v]! > layer) v = this.vPrev[v]!;
    if (v < 0 || this.vEntry[v] === DELETED) return -1;
    return v;
  }

  /** Every version of a path, oldest first. */
  versionsOf(path: number): number[] {
    const out: number[] = [];
    for (let v = this.last[path]!; v >= 0; v = this.vPrev[v]!) out.push(v);
    return out.reverse();
  }
}
