import { StrataError } from '../errors.ts';
import { hashText, PackedText } from '../packed-text.ts';
import type { PathNames } from './path-names.ts';

/** Grows a column to hold at least `need` items (by half again, at least), new cells set to `fill`. */
export function grownColumn(
  column: Int32Array<ArrayBuffer>,
  need: number,
  fill = 0,
): Int32Array<ArrayBuffer> {
  if (need <= column.length) return column;
  const next = new Int32Array(Math.max(need, Math.ceil(column.length * 1.5), 16));
  next.set(column);
  if (fill !== 0) next.fill(fill, column.length);
  return next;
}

/**
 * Every path any layer mentions, each with a small integer id. Ids are handed out parents first,
 * so walking ids from high to low visits children before their parents.
 *
 * A path is found by (parent id, name) in one open-addressing hash table of ids. Each keeps only
 * its name, packed with the others as bytes (packed-text.ts); a full path is made when asked for,
 * from its folder's (folders' paths are kept: far fewer than files). A million paths cost about
 * 30 MB of typed arrays and their names' bytes, with no string each for the garbage collector.
 */
export class PathTable {
  /** Each path's last part ('' for the root), by id. */
  private readonly names = new PackedText();
  /** Each path's parent (the root's is -1); valid below `size`. */
  parents = new Int32Array(1024).fill(-1, 0, 1);
  /** Children of each path in the order they came, as a list: first, last, and each one's next. */
  private firstChild = new Int32Array(1024).fill(-1);
  private lastChild = new Int32Array(1024).fill(-1);
  private nextSibling = new Int32Array(1024).fill(-1);
  /** The hash table: id + 1 in each used slot, 0 in a free one; at most two thirds full. */
  private slots = new Int32Array(2048);
  /** Folders that have children, by path: far fewer than paths, and most lookups start at one. */
  private readonly dirIds = new Map<string, number>([['', 0]]);
  /** The full paths of folders asked for, by id. */
  private readonly dirPaths = new Map<number, string>([[0, '']]);
  /** The folder of the path last looked up or created, and its id: layers list a folder's files together. */
  private lastDir = '';
  private lastDirId = 0;

  constructor() {
    this.names.push('');
  }

  get size(): number {
    return this.names.length;
  }

  /** The last part of a path's name ('' for the root). */
  name(id: number): string {
    return this.names.at(id);
  }

  /** The names, packed: for passes over all of them (all-paths.ts). */
  get packedNames(): PackedText {
    return this.names;
  }

  /** The full path of `id`, normalised ('' for the root). */
  path(id: number): string {
    if (id === 0) return '';
    const parent = this.parents[id]!;
    const name = this.names.at(id);
    return parent === 0 ? name : `${this.dirPath(parent)}/${name}`;
  }

  /** The names of the paths from `from` on, in id order, packed (made for the asking: not kept). */
  namesFrom(from: number): PathNames {
    return this.names.joined(from);
  }

  /** The id of a normalised path, if it is known. */
  get(path: string): number | undefined {
    if (path === '') return 0;
    const slash = path.lastIndexOf('/');
    if (slash > 0 && slash === this.lastDir.length && path.startsWith(this.lastDir))
      return this.find(this.lastDirId, path, slash + 1, path.length);
    const dir = slash < 0 ? 0 : this.dirIds.get(path.slice(0, slash));
    if (dir !== undefined) return this.find(dir, path, slash + 1, path.length);
    let id = 0;
    for (let from = 0; ; ) {
      const cut = path.indexOf('/', from);
      const next = this.find(id, path, from, cut < 0 ? path.length : cut);
      if (next === undefined || cut < 0) return next;
      id = next;
      from = cut + 1;
    }
  }

  /** The child of `parent` called `name`, if there is one. */
  child(parent: number, name: string): number | undefined {
    return this.find(parent, name, 0, name.length);
  }

  hasChildren(id: number): boolean {
    return this.firstChild[id]! >= 0;
  }

  *children(id: number): Iterable<number> {
    for (let c = this.firstChild[id]!; c >= 0; c = this.nextSibling[c]!) yield c;
  }

  /**
   * Room for `more` paths beyond those held, with `nameBytes` of names, so that a large layer
   * grows the table once.
   */
  reserve(more: number, nameBytes = 0): void {
    this.growTo(this.size + more);
    this.names.reserve(more, nameBytes);
  }

  /** The id of a normalised path, creating it and its missing ancestors. The root is id 0. */
  intern(path: string): number {
    if (path === '') return 0;
    const slash = path.lastIndexOf('/');
    let parent: number;
    if (slash < 0) parent = 0;
    else if (slash === this.lastDir.length && path.startsWith(this.lastDir))
      parent = this.lastDirId;
    else {
      const dir = path.slice(0, slash);
      const known = this.dirIds.get(dir);
      if (known !== undefined) parent = known;
      else {
        // Down from the root, creating what is missing: no recursion, whatever the depth.
        parent = 0;
        for (let from = 0; from <= slash; ) {
          const cut = path.indexOf('/', from);
          parent = this.childOrNew(parent, path, from, cut);
          from = cut + 1;
        }
        this.dirIds.set(dir, parent);
        this.dirPaths.set(parent, dir);
      }
      this.lastDir = dir;
      this.lastDirId = parent;
    }
    return this.childOrNew(parent, path, slash + 1, path.length);
  }

  /** Ancestors from the top down, the root excluded. */
  ancestors(id: number): number[] {
    const out: number[] = [];
    for (let p = this.parents[id]!; p > 0; p = this.parents[p]!) out.push(p);
    return out.reverse();
  }

  /**
   * The full path of a folder, kept once made: up to the nearest folder whose path is known, then
   * down, keeping each (a loop, not a call per level: a symlink's target can make a path deeper
   * than any stack).
   */
  private dirPath(id: number): string {
    const chain: number[] = [];
    let path = this.dirPaths.get(id);
    for (let a = id; path === undefined; path = this.dirPaths.get(a)) {
      chain.push(a);
      a = this.parents[a]!;
    }
    for (let k = chain.length - 1; k >= 0; k--) {
      const a = chain[k]!;
      path = path === '' ? this.names.at(a) : `${path}/${this.names.at(a)}`;
      this.dirPaths.set(a, path);
    }
    return path;
  }

  /** The child of `parent` named by text[from, to), if there is one. */
  private find(parent: number, text: string, from: number, to: number): number | undefined {
    const s = this.probe(parent, text, from, to, hashText(parent, text, from, to));
    const slot = this.slots[s]!;
    return slot === 0 ? undefined : (slot & ID_MASK) - 1;
  }

  /**
   * The slot of the child of `parent` named by text[from, to), or the free slot where it would
   * go. A slot holds the id + 1 in its low 24 bits and 8 more bits of the hash above them: most
   * slots of other paths are passed over on those bits alone, without reading their parent and
   * name from memory far apart (interning a million paths: 0.36-0.57 s against 0.5-0.68 s, Node).
   */
  private probe(parent: number, text: string, from: number, to: number, hash: number): number {
    const mask = this.slots.length - 1;
    const tag = hash >>> 24;
    for (let s = hash & mask; ; s = (s + 1) & mask) {
      const slot = this.slots[s]!;
      if (slot === 0) return s;
      if (slot >>> 24 !== tag) continue;
      const id = (slot & ID_MASK) - 1;
      if (this.parents[id] === parent && this.names.equals(id, text, from, to)) return s;
    }
  }

  /** The child of `parent` named by path[from, to), created if missing. */
  private childOrNew(parent: number, path: string, from: number, to: number): number {
    const hash = hashText(parent, path, from, to);
    let s = this.probe(parent, path, from, to, hash);
    if (this.slots[s] !== 0) return (this.slots[s]! & ID_MASK) - 1;
    if (this.growTo(this.size + 1)) s = this.probe(parent, path, from, to, hash);
    return this.added(parent, this.names.push(path, from, to), s, hash);
  }

  /**
   * The child of `parent` named by item `i` of `text` from code unit `from` to `to` (its end by
   * default), created if missing: a layer's path interned from its bytes, with no string made.
   */
  childOrNewFrom(parent: number, text: PackedText, i: number, from: number, to = -1): number {
    const hash = text.hash(parent, i, from, to);
    let s = this.probeFrom(parent, text, i, from, hash, to);
    if (this.slots[s] !== 0) return (this.slots[s]! & ID_MASK) - 1;
    if (this.growTo(this.size + 1)) s = this.probeFrom(parent, text, i, from, hash, to);
    return this.added(parent, this.names.pushPart(text, i, from, to), s, hash);
  }

  /** The child of `parent` named by item `i` of `text` from `from` to `to`, if there is one. */
  childFrom(
    parent: number,
    text: PackedText,
    i: number,
    from: number,
    to: number,
  ): number | undefined {
    const s = this.probeFrom(parent, text, i, from, text.hash(parent, i, from, to), to);
    return this.slots[s] === 0 ? undefined : (this.slots[s]! & ID_MASK) - 1;
  }

  /**
   * `probe` for a name given as item `i` of `text` from `from` to `to` (its end by default). The
   * same loop, not one probe taking a test of the name: with a closure per lookup the history of
   * the few-large bench image took 160-169 ms instead of 70-71 ms (Node).
   */
  private probeFrom(
    parent: number,
    text: PackedText,
    i: number,
    from: number,
    hash: number,
    to = -1,
  ): number {
    const mask = this.slots.length - 1;
    const tag = hash >>> 24;
    for (let s = hash & mask; ; s = (s + 1) & mask) {
      const slot = this.slots[s]!;
      if (slot === 0) return s;
      if (slot >>> 24 !== tag) continue;
      const id = (slot & ID_MASK) - 1;
      if (this.parents[id] === parent && this.names.equalsPart(id, text, i, from, to)) return s;
    }
  }

  /** Records a path just named `id` as a child of `parent`, in free slot `s`. */
  private added(parent: number, id: number, s: number, hash: number): number {
    this.parents[id] = parent;
    if (this.lastChild[parent]! < 0) this.firstChild[parent] = id;
    else this.nextSibling[this.lastChild[parent]!] = id;
    this.lastChild[parent] = id;
    this.slots[s] = slotOf(id, hash);
    return id;
  }

  /**
   * Room for `need` paths: columns grown, and the slots kept at most two thirds full (a probe
   * passes most other paths on the bits of their hash kept in the slot). Half full, a table of
   * 1.05-1.4 million paths took 16 MB of slots instead of 8. Says whether the
   * slots were made again (a slot found before is then no longer where it was).
   */
  private growTo(need: number): boolean {
    if (need <= this.parents.length) return false;
    if (need > ID_MASK - 1)
      throw new StrataError(
        'limit',
        'The image names more than 16 million paths: it was not read further.',
      );
    this.parents = grownColumn(this.parents, need);
    const length = this.parents.length;
    this.firstChild = grownColumn(this.firstChild, length, -1);
    this.lastChild = grownColumn(this.lastChild, length, -1);
    this.nextSibling = grownColumn(this.nextSibling, length, -1);
    if (length * 1.5 <= this.slots.length) return false;
    let room = this.slots.length;
    while (room < length * 1.5) room *= 2;
    const slots = new Int32Array(room);
    const mask = room - 1;
    // Hashed again from the names (the table grows rarely: layers reserve room at once).
    for (let id = 1; id < this.size; id++) {
      const hash = this.names.hash(this.parents[id]!, id, 0);
      let s = hash & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = slotOf(id, hash);
    }
    this.slots = slots;
    return true;
  }
}

/** The low 24 bits of a slot: the id + 1 of the path it holds. */
const ID_MASK = 0xffffff;

function slotOf(id: number, hash: number): number {
  return ((hash >>> 24) << 24) | (id + 1);
}
