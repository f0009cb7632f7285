import { type LayerEntries, Marker } from '../layer/entries.ts';
import type { PackedText } from '../packed-text.ts';
import { dirOf, resolve } from '../paths.ts';
import type { EntryKind } from '../tar/header.ts';
import { grownColumn, PathTable } from './paths.ts';

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

/**
 * Folders of one pass over a layer, each with where it really is once symlinks are followed; the
 * last one asked is kept at hand, as a layer lists a folder's files together.
 */
class ResolvedDirs {
  private readonly real = new Map<string, string>();
  private lastDir = '';
  private lastReal: string | undefined;
  /** Counts the clearings from 1: what was resolved before holds until the next. */
  generation = 1;

  /** Where the folder of `path` (which ends at `slash`) is, if it is the folder last asked. */
  sameDir(path: string, slash: number): string | undefined {
    return slash === this.lastDir.length && path.startsWith(this.lastDir)
      ? this.lastReal
      : undefined;
  }
  get(dir: string): string | undefined {
    const real = this.real.get(dir);
    if (real !== undefined) this.remember(dir, real);
    return real;
  }
  set(dir: string, real: string): void {
    this.real.set(dir, real);
    this.remember(dir, real);
  }
  clear(): void {
    this.generation++;
    this.real.clear();
    this.lastReal = undefined;
    this.lastDir = '';
  }
  private remember(dir: string, real: string): void {
    this.lastDir = dir;
    this.lastReal = real;
  }
}

/** A version that no entry wrote: a parent directory the layer implied. */
export const IMPLICIT = -1;
/** A version that removes the path. */
export const DELETED = -2;

export interface LayerChanges {
  paths: Int32Array;
  /** A Change for each of `paths`. */
  changes: Uint8Array;
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
 * - a hardlink takes the content its target has at that point;
 * - a path below a folder that is a symlink at that point is written where the symlink leads,
 *   resolved inside the image's root (`lib/x` over a lower `lib -> usr/lib` lands at `usr/lib/x`
 *   and `lib` stays a link). This is what a container sees: containerd resolves the parent inside
 *   the root (continuity fs.RootPath) and Docker extracts in a chroot, where the kernel does the
 *   same. dive and go-containerregistry do not; their figures (dive-efficiency.ts) follow dive.
 *
 * Versions are stored by column. Each path's versions form a chain (`prev`), so the filesystem at
 * any layer is one walk over the path table, without replaying layers.
 */
export class PathVersions {
  readonly table = new PathTable();
  /**
   * Per version: path, layer, entry index (or IMPLICIT / DELETED), previous version of the path.
   * Columns are typed arrays with room to grow, valid below `versionCount`.
   */
  vPath = new Int32Array(1024);
  vLayer = new Int32Array(1024);
  vEntry = new Int32Array(1024);
  vPrev = new Int32Array(1024);
  /**
   * Where the content of a version lies when not in its own entry: a hardlink's target entry, as
   * layer and entry (-1, -1: a link to nothing). Few versions are hardlinks: a map, not columns.
   */
  private readonly linkData = new Map<number, [layer: number, entry: number]>();
  private count = 0;
  /** Per path (valid below table.size): its latest version (-1: none). */
  last = new Int32Array(1024).fill(-1);
  readonly changes: LayerChanges[] = [];
  /** Whiteouts and hardlinks that pointed at nothing: layer, path, what. */
  readonly oddities: { layer: number; path: string; what: string }[] = [];

  readonly layers: (LayerEntries | null)[] = [];
  /** Layers where some path was resolved through a symlinked folder (written elsewhere than it says). */
  private readonly throughLinkLayers = new Set<number>();

  constructor(layers: readonly (LayerEntries | null)[] = []) {
    for (const entries of layers) this.addLayer(entries);
  }

  /** Applies the next layer on top (layers can arrive one by one, as they are read). */
  addLayer(entries: LayerEntries | null): void {
    this.layers.push(entries);
    // A layer adds about a version and a path per entry, and a few for the folders it implies:
    // room for them at once (growing by half again for two more would waste a third).
    const length = entries?.length ?? 0;
    const more = length + Math.ceil(length / 64) + 64;
    this.growVersions(this.count + more);
    this.table.reserve(more, entries?.paths.byteCount ?? 0);
    this.growPaths(this.table.parents.length);
    this.apply(this.layers.length - 1, entries);
  }

  /** Whether every path of `layer` was written where it says, no symlinked folder followed. */
  writtenAsNamed(layer: number): boolean {
    return !this.throughLinkLayers.has(layer);
  }

  get versionCount(): number {
    return this.count;
  }

  private growVersions(need: number): void {
    if (need <= this.vPath.length) return;
    this.vPath = grownColumn(this.vPath, need);
    this.vLayer = grownColumn(this.vLayer, need);
    this.vEntry = grownColumn(this.vEntry, need);
    this.vPrev = grownColumn(this.vPrev, need);
  }

  private growPaths(need: number): void {
    if (need <= this.last.length) return;
    this.last = grownColumn(this.last, need, -1);
  }

  private id(path: string): number {
    const id = this.table.intern(path);
    this.growPaths(this.table.size);
    return id;
  }

  private addVersion(
    path: number,
    layer: number,
    entry: number,
    dataLayer: number,
    dataEntry: number,
  ): number {
    const v = this.count++;
    this.growVersions(this.count);
    this.vPath[v] = path;
    this.vLayer[v] = layer;
    this.vEntry[v] = entry;
    this.vPrev[v] = this.last[path]!;
    if (entry >= 0 && (dataLayer !== layer || dataEntry !== entry))
      this.linkData.set(v, [dataLayer, dataEntry]);
    this.last[path] = v;
    return v;
  }

  /** The version of a path visible now (after the layers applied so far), or -1. */
  private current(path: number): number {
    const v = this.last[path]!;
    return v >= 0 && this.vEntry[v] !== DELETED ? v : -1;
  }

  /** The layer whose entry holds the version's content (a hardlink's: its target's), or -1. */
  dataLayer(v: number): number {
    const link = this.linkData.get(v);
    if (link) return link[0];
    return this.vEntry[v]! >= 0 ? this.vLayer[v]! : -1;
  }

  /** One number for where the version's content lies (layer and entry): equal for shared data. */
  dataKey(v: number): number {
    return this.dataLayer(v) * 2 ** 32 + this.dataEntry(v);
  }

  /** The entry, in `dataLayer(v)`, that holds the version's content, or -1. */
  dataEntry(v: number): number {
    const link = this.linkData.get(v);
    if (link) return link[1];
    const entry = this.vEntry[v]!;
    return entry >= 0 ? entry : -1;
  }

  kind(v: number): EntryKind {
    const entry = this.vEntry[v]!;
    if (entry === IMPLICIT) return 'dir';
    return this.layers[this.vLayer[v]!]!.kind(entry);
  }

  isDir(v: number): boolean {
    return v >= 0 && this.vEntry[v] !== DELETED && this.kind(v) === 'dir';
  }

  /**
   * A layer path with every folder in it that is a symlink now followed, inside the root (at most
   * 40 links, as Linux follows before ELOOP; past that the path stays as written). `cache` holds
   * folders already resolved in this pass.
   */
  private throughLinks(path: string, cache: ResolvedDirs, followed: Set<string>): string {
    const slash = path.lastIndexOf('/');
    if (slash < 0) return path;
    let real = cache.sameDir(path, slash);
    if (real === undefined) {
      const dir = path.slice(0, slash);
      real = cache.get(dir);
      if (real === undefined) {
        real = this.resolveDir(dir, followed);
        cache.set(dir, real);
      }
      if (real === dir) return path;
    } else if (real.length === slash && path.startsWith(real)) return path;
    const name = path.slice(slash + 1);
    return real === '' ? name : `${real}/${name}`;
  }

  private resolveDir(dir: string, followed: Set<string>): string {
    const queue = dir.split('/');
    let done = '';
    // The id of `done`, or -1 once it is a folder no layer has made yet.
    let doneId = 0;
    let hops = 0;
    for (let i = 0; i < queue.length; i++) {
      const candidate = done === '' ? queue[i]! : `${done}/${queue[i]}`;
      const id = doneId < 0 ? undefined : this.table.child(doneId, queue[i]!);
      const v = id === undefined ? -1 : this.current(id);
      if (v < 0 || this.vEntry[v]! < 0 || this.kind(v) !== 'symlink') {
        done = candidate;
        doneId = id ?? -1;
        continue;
      }
      // A loop of links (ELOOP for the kernel): the path is kept as the layer wrote it.
      if (hops === 40) return dir;
      hops++;
      const target = this.layers[this.vLayer[v]!]!.linkTarget(this.vEntry[v]!);
      const lead = resolve(dirOf(candidate), target);
      followed.add(`${candidate} -> ${target}`);
      // Start again from the root with where the link leads, then the rest of the folder.
      queue.splice(0, i + 1, ...(lead === '' ? [] : lead.split('/')));
      i = -1;
      done = '';
      doneId = 0;
    }
    return done;
  }

  /**
   * The id of a layer's folder (item `f` of `folders`), found or made part by part from its bytes,
   * or -1 if a part of it is a symlink now: `throughLinks` then follows it, from the path as text.
   * Without it, the first file of each folder made a string of its path and of every folder above
   * it (60,000 folders in a layer of a million files in packages: 45 MB of garbage).
   */
  private folderWithoutLinks(folders: PackedText, f: number): number {
    const end = folders.textLength(f);
    let id = 0;
    let made = false;
    for (let from = 0; from < end; ) {
      const cut = folders.nextSlash(f, from);
      const to = cut < 0 ? end : cut;
      const child = made ? undefined : this.table.childFrom(id, folders, f, from, to);
      if (child === undefined) {
        id = this.table.childOrNewFrom(id, folders, f, from, to);
        made = true;
      } else {
        const v = this.current(child);
        if (v >= 0 && this.vEntry[v]! >= 0 && this.kind(v) === 'symlink') return -1;
        id = child;
      }
      from = to + 1;
    }
    if (made) this.growPaths(this.table.size);
    return id;
  }

  /** Applies one layer; records what changed. */
  private apply(layer: number, entries: LayerEntries | null): void {
    // Each path this layer touches, once, with what it showed before the layer (by column: a Map
    // of a million paths costs more than the rest of the layer).
    // Typed, with room for about one path per entry: no garbage of arrays outgrown.
    let touched = new Int32Array((entries?.length ?? 0) + 64);
    let was = new Int32Array(touched.length);
    let count = 0;
    const remember = (p: number) => {
      // Every path remembered gets a version of this layer next: one that has it is remembered.
      const latest = this.last[p]!;
      if (latest >= 0 && this.vLayer[latest] === layer) return;
      if (count === touched.length) {
        touched = grownColumn(touched, count + 1);
        was = grownColumn(was, count + 1);
      }
      touched[count] = p;
      was[count++] = this.current(p);
    };
    // Set when a symlink is removed: folders resolved through it must be resolved again.
    let linkRemoved = false;
    const hide = (p: number) => {
      const v = this.current(p);
      if (v < 0) return;
      if (this.vEntry[v]! >= 0 && this.kind(v) === 'symlink') linkRemoved = true;
      remember(p);
      this.addVersion(p, layer, DELETED, -1, -1);
    };
    // Everything visible below p, deepest first; an explicit stack, as paths may be very deep.
    const hideBelow = (p: number) => {
      const order: number[] = [];
      const stack = [...this.table.children(p)];
      while (stack.length > 0) {
        const child = stack.pop()!;
        if (this.current(child) < 0) continue;
        order.push(child);
        for (const grandchild of this.table.children(child)) stack.push(grandchild);
      }
      for (let i = order.length - 1; i >= 0; i--) hide(order[i]!);
    };

    // Folders resolved through symlinks, and the links followed (reported once per layer).
    const resolved = new ResolvedDirs();
    const followed = new Set<string>();
    if (entries) {
      // Pass 1: whiteouts and opaque markers against the layers below.
      for (let i = 0; i < entries.length; i++) {
        const marker = entries.marker(i);
        if (marker === Marker.None || marker === Marker.Ignored) continue;
        const path = this.throughLinks(entries.path(i), resolved, followed);
        const slash = path.lastIndexOf('/');
        const dir = slash < 0 ? '' : path.slice(0, slash);
        if (marker === Marker.Opaque) {
          const d = this.table.get(dir);
          if (d !== undefined) hideBelow(d);
          if (linkRemoved) resolved.clear();
          linkRemoved = false;
          continue;
        }
        const target = `${dir ? `${dir}/` : ''}${path.slice(slash + 1 + 4)}`;
        const t = this.table.get(target);
        if (t === undefined || this.current(t) < 0) {
          this.oddities.push({
            layer,
            path: target,
            what: 'whiteout of a path that does not exist below',
          });
          continue;
        }
        hideBelow(t);
        hide(t);
        if (linkRemoved) resolved.clear(); // a link it removed no longer leads anywhere
        linkRemoved = false;
      }
      // Pass 2: everything else, in stream order.
      resolved.clear();
      // Folders found where their paths say (no symlink followed), marked with the resolved
      // folders' generation: later entries in one are interned from their names' bytes, with no
      // string made, until the resolved folders are cleared. Each of the layer's folders is
      // looked up in the table once (`found`, id + 1), however often the layer comes back to it.
      const { paths } = entries;
      let asNamed = new Int32Array(this.table.size);
      const found = new Int32Array(paths.folders.length);
      // The generation in which a folder of the layer was found to pass through a symlink.
      const linked = new Int32Array(paths.folders.length);
      for (let i = 0; i < entries.length; i++) {
        const marker = entries.marker(i);
        if (marker !== Marker.None) {
          // An opaque marker implies its directory exists in this layer.
          if (marker === Marker.Opaque) {
            const path = this.throughLinks(entries.path(i), resolved, followed);
            const slash = path.lastIndexOf('/');
            if (
              slash > 0 &&
              this.ensureDir(this.id(path.slice(0, slash)), layer, remember, hideBelow)
            )
              resolved.clear();
          }
          continue;
        }
        let p: number;
        const inLayer = paths.folder(i);
        let folder = -1;
        if (inLayer > 0) {
          folder = found[inLayer]! - 1;
          if (
            (folder < 0 || asNamed[folder] !== resolved.generation) &&
            linked[inLayer] !== resolved.generation
          ) {
            folder = this.folderWithoutLinks(paths.folders, inLayer);
            if (folder >= 0) {
              found[inLayer] = folder + 1;
              asNamed = grownColumn(asNamed, folder + 1);
              asNamed[folder] = resolved.generation;
            } else linked[inLayer] = resolved.generation;
          }
        }
        if (folder >= 0 && asNamed[folder] === resolved.generation) {
          p = this.table.childOrNewFrom(folder, paths.names, i, 0);
          this.growPaths(this.table.size);
        } else {
          const named = entries.path(i);
          const path = this.throughLinks(named, resolved, followed);
          p = this.id(path);
          folder = inLayer > 0 && path === named ? this.table.parents[p]! : -1;
          if (folder >= 0) {
            found[inLayer] = folder + 1;
            asNamed = grownColumn(asNamed, folder + 1);
            asNamed[folder] = resolved.generation;
          }
        }
        const parent = this.table.parents[p]!;
        if (parent > 0 && this.ensureDir(parent, layer, remember, hideBelow)) resolved.clear();
        const kind = entries.kind(i);
        const old = this.current(p);
        // A link made or replaced changes where later paths of this layer lead.
        const relinks = kind === 'symlink' || (old >= 0 && this.kind(old) === 'symlink');
        if (old >= 0 && kind !== 'dir' && this.isDir(old)) hideBelow(p);
        remember(p);
        let dataLayer = layer;
        let dataEntry = i;
        if (kind === 'hardlink') {
          const target = this.table.get(
            this.throughLinks(entries.linkTarget(i), resolved, followed),
          );
          const tv = target === undefined ? -1 : this.current(target);
          dataLayer = tv < 0 ? -1 : this.dataLayer(tv);
          dataEntry = tv < 0 ? -1 : this.dataEntry(tv);
          // Only regular file data can be shared by a hardlink; anything else is a broken link.
          if (dataLayer < 0 || this.layers[dataLayer]!.kind(dataEntry) !== 'file') {
            this.oddities.push({
              layer,
              path: entries.path(i),
              what: `hardlink to ${tv < 0 ? 'a missing' : 'a non-file'} target ${entries.linkTarget(i)}`,
            });
            dataLayer = -1;
            dataEntry = -1;
          }
        }
        this.addVersion(p, layer, i, dataLayer, dataEntry);
        if (relinks || linkRemoved) resolved.clear();
        linkRemoved = false;
      }
    }
    if (followed.size > 0) this.throughLinkLayers.add(layer);
    for (const link of followed)
      this.oddities.push({
        layer,
        path: link.slice(0, link.indexOf(' -> ')),
        what: `paths below this symlink (to ${link.slice(link.indexOf(' -> ') + 4)}) were written where it leads`,
      });

    // Changed paths are written over `touched` as it is read (n never passes i).
    const paths = touched;
    const changes = new Uint8Array(count);
    let n = 0;
    for (let i = 0; i < count; i++) {
      const p = touched[i]!;
      const before = was[i]!;
      const now = this.current(p);
      let change: Change | undefined;
      if (before < 0 && now >= 0) change = Change.Added;
      else if (before >= 0 && now < 0) change = Change.Deleted;
      else if (before >= 0 && now >= 0 && this.vLayer[now] === layer) {
        // An implicit directory counts as a change only where it replaced a non-directory.
        if (this.vEntry[now]! >= 0) change = this.compare(before, now);
        else if (!this.isDir(before)) change = Change.Content;
      }
      if (change !== undefined) {
        paths[n] = p;
        changes[n++] = change;
      }
    }
    // Kept in place when they fill most of it (a large layer: no second copy of 4 MB a million).
    const trimmed = <T extends Int32Array | Uint8Array>(a: T): T =>
      (n * 4 >= a.length * 3 ? a.subarray(0, n) : a.slice(0, n)) as T;
    this.changes.push({ paths: trimmed(paths), changes: trimmed(changes) });
  }

  /**
   * Makes sure a directory stands at `p` (and above it), creating implicit ones where needed.
   * Says whether it replaced something that was not a directory (a file, or a link it could not
   * follow), which changes where later paths lead.
   */
  private ensureDir(
    p: number,
    layer: number,
    remember: (p: number) => void,
    hideBelow: (p: number) => void,
  ): boolean {
    // A folder that stands has folders all the way up (whatever replaces or removes a folder hides
    // what is below it): the usual case, a file beside the one before, needs no walk.
    const now = this.current(p);
    if (now >= 0 && this.isDir(now)) return false;
    let replaced = false;
    const chain = [...this.table.ancestors(p), p];
    for (const a of chain) {
      const v = this.current(a);
      if (v >= 0 && this.isDir(v)) continue;
      remember(a);
      if (v >= 0) {
        hideBelow(a);
        replaced = true;
      }
      this.addVersion(a, layer, IMPLICIT, -1, -1);
    }
    return replaced;
  }

  /**
   * Compares every rewrite again, as `apply` did when its layer came. Once the bodies a first pass
   * skipped are hashed (headers first), only these comparisons can turn out otherwise: the paths,
   * versions and links stand, and the history need not be built again (150,000 files: 100-140 ms).
   */
  recompare(): void {
    this.eachRewrite((changes, i, before, now) => {
      changes[i] = this.compare(before, now);
    });
  }

  /**
   * The comparisons `recompare` makes whose answer waits on a body not hashed yet (headers
   * first): the entries holding both contents (hardlinks resolved), by layer, each pair once. Only
   * these bodies decide a change; a path written through a symlinked folder is compared where it
   * leads, as here.
   */
  pendingComparisons(): { layer: number; entry: number; peerLayer: number; peerEntry: number }[] {
    const found: { layer: number; entry: number; peerLayer: number; peerEntry: number }[] = [];
    this.eachRewrite((_, __, before, now) => {
      const la = this.holderLayer(before);
      const lb = this.holderLayer(now);
      if (la < 0 || lb < 0) return;
      const ia = this.holderEntry(before);
      const ib = this.holderEntry(now);
      const a = this.layers[la]!;
      const b = this.layers[lb]!;
      // Only a body of the same kind and size is compared by its hash (sameContent).
      if (a.kind(ia) !== b.kind(ib) || a.size(ia) !== b.size(ib)) return;
      if (a.hashPending(ia) || b.hashPending(ib))
        found.push({ layer: lb, entry: ib, peerLayer: la, peerEntry: ia });
    });
    return found;
  }

  /**
   * Each rewrite a layer made (a change of content or metadata, or none): the version it replaced
   * and the one it wrote, with where its change is recorded.
   */
  private eachRewrite(
    visit: (changes: Uint8Array, i: number, before: number, now: number) => void,
  ): void {
    this.changes.forEach(({ paths, changes }, layer) => {
      for (let i = 0; i < paths.length; i++) {
        const change = changes[i];
        if (change !== Change.Content && change !== Change.Metadata && change !== Change.Unchanged)
          continue;
        const p = paths[i]!;
        const now = this.versionAt(p, layer);
        // An implicit folder over a file stays a content change, whatever was hashed.
        if (now < 0 || this.vLayer[now] !== layer || this.vEntry[now]! < 0) continue;
        const before = layer > 0 ? this.versionAt(p, layer - 1) : -1;
        if (before >= 0) visit(changes, i, before, now);
      }
    });
  }

  /** Content first (kind, size, data hash, link target), then metadata (mode, uid, gid). */
  private compare(was: number, now: number): Change {
    if (!this.sameContent(was, now)) return Change.Content;
    return this.modeOf(was) !== this.modeOf(now) ||
      this.uidOf(was) !== this.uidOf(now) ||
      this.gidOf(was) !== this.gidOf(now)
      ? Change.Metadata
      : Change.Unchanged;
  }

  /**
   * Whether two versions hold the same content (kind, size, data hash and link target, hardlinks
   * resolved): `describe` compared field by field, without making its strings.
   */
  sameContent(a: number, b: number): boolean {
    const la = this.holderLayer(a);
    const lb = this.holderLayer(b);
    const ia = this.holderEntry(a);
    const ib = this.holderEntry(b);
    const da = la >= 0 ? this.layers[la]! : undefined;
    const db = lb >= 0 ? this.layers[lb]! : undefined;
    if ((da ? da.kind(ia) : 'dir') !== (db ? db.kind(ib) : 'dir')) return false;
    if ((da ? da.size(ia) : 0) !== (db ? db.size(ib) : 0)) return false;
    if (da && db ? !da.sameHash(ia, db, ib) : (da ?? db)?.hash(da ? ia : ib)) return false;
    return this.linkOf(a) === this.linkOf(b);
  }

  /** The kind of a version's content, hardlinks resolved: `describe(v).kind`. */
  dataKind(v: number): EntryKind {
    const layer = this.holderLayer(v);
    return layer >= 0 ? this.layers[layer]!.kind(this.holderEntry(v)) : 'dir';
  }

  /** The size of a version's content, hardlinks resolved: `describe(v).size`. */
  dataSize(v: number): number {
    const layer = this.holderLayer(v);
    return layer >= 0 ? this.layers[layer]!.size(this.holderEntry(v)) : 0;
  }

  /**
   * The layer of the entry that describes a version's content: where its data is (a hardlink's
   * target; anything else's own entry), or its own entry for a hardlink whose target is unknown;
   * -1 for a version without an entry.
   */
  private holderLayer(v: number): number {
    const data = this.dataLayer(v);
    if (data >= 0) return data;
    return this.vEntry[v]! >= 0 ? this.vLayer[v]! : -1;
  }

  /** The entry, in holderLayer(v), that describes a version's content. */
  private holderEntry(v: number): number {
    return this.dataLayer(v) >= 0 ? this.dataEntry(v) : this.vEntry[v]!;
  }

  /** A symlink's target; '' for anything else. */
  private linkOf(v: number): string {
    const entry = this.vEntry[v]!;
    if (entry < 0) return '';
    const own = this.layers[this.vLayer[v]!]!;
    return own.kind(entry) === 'symlink' ? own.linkTarget(entry) : '';
  }

  // A version without an entry (a folder only implied) is described as 0755 root:root.
  private modeOf(v: number): number {
    const entry = this.vEntry[v]!;
    return entry >= 0 ? this.layers[this.vLayer[v]!]!.mode(entry) & 0o7777 : 0o755;
  }
  private uidOf(v: number): number {
    const entry = this.vEntry[v]!;
    return entry >= 0 ? this.layers[this.vLayer[v]!]!.uid(entry) : 0;
  }
  private gidOf(v: number): number {
    const entry = this.vEntry[v]!;
    return entry >= 0 ? this.layers[this.vLayer[v]!]!.gid(entry) : 0;
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
    const layer = this.holderLayer(v);
    const data = layer >= 0 ? this.layers[layer]! : undefined;
    const at = this.holderEntry(v);
    return {
      kind: data ? data.kind(at) : 'dir',
      size: data ? data.size(at) : 0,
      hash: data ? data.hash(at) : '',
      link: this.linkOf(v),
      mode: this.modeOf(v),
      uid: this.uidOf(v),
      gid: this.gidOf(v),
    };
  }

  /**
   * The layer whose changes made version `v` invisible (-1: it is visible at the top). A version
   * is hidden only by the next version of its path, made by the layer that hides it.
   */
  hiddenBy(v: number): number {
    let next = this.last[this.vPath[v]!]!;
    if (next === v) return -1;
    while (this.vPrev[next] !== v) next = this.vPrev[next]!;
    return this.vLayer[next]!;
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
