import type { EntryMeta } from '../tar/encode.ts';
import type { EntryKind, SparseLayout } from '../tar/header.ts';
import { LayerPaths } from './layer-paths.ts';
import type { NameRange } from './name-bytes.ts';
import {
  type NumberColumn,
  type OftenSame,
  stored,
  storedOften,
  valueAt,
} from './number-columns.ts';

/** The hash of a body not read in the first pass (headers first); filled in by fillHashes. */
export const PENDING_HASH = '?';

/** Whiteout markers (image-spec layer.md "Whiteouts"; moby pkg/archive/whiteouts.go). */
export const Marker = {
  None: 0,
  /** `.wh.<name>`: deletes `<name>` from lower layers. */
  Whiteout: 1,
  /** `.wh..wh..opq`: hides every lower child of its directory. */
  Opaque: 2,
  /** Other `.wh..wh.*` names: AUFS bookkeeping, ignored. */
  Ignored: 3,
} as const;
export type Marker = (typeof Marker)[keyof typeof Marker];

export const KINDS: readonly EntryKind[] = [
  'file',
  'hardlink',
  'symlink',
  'char',
  'block',
  'dir',
  'fifo',
];
const KIND_CODE = new Map(KINDS.map((k, i) => [k, i]));

/**
 * One entry, as handed to `LayerEntries.push` and returned by `get`. Its `path` is normalised:
 * no `./`, no leading or trailing `/`; for markers, the path of the marker itself.
 */
export interface LayerEntry extends EntryMeta {
  marker: Marker;
  xattrs: Record<string, string> | undefined;
  /** Offset of the body in the layer's (decompressed) tar stream. */
  dataOffset: number;
  /** xxhash64 of the body as hex, or '' for entries without a body. */
  contentHash: string;
  /** A sparse file: where its stored data goes (`size` is then its real size). */
  sparse?: SparseLayout | undefined;
}

/** How an entry's content hash is held: none (no body), not taken yet (headers first), or known. */
const NO_HASH = 0;
const HASH_PENDING = 1;
const HASH_KNOWN = 2;

/**
 * A layer's entries stored by column: numbers in typed arrays, paths as their folder's index and
 * their last part's bytes (layer-paths.ts; a string is made only when one is asked for), names of
 * owners interned, rare fields (link targets, xattrs, device numbers) in sparse maps. A million
 * entries cost about 29 bytes each plus their names' bytes, instead of an object and a string
 * each. Content hashes are kept as their 64 bits, not as hex strings (40 MB for a million, Node).
 */
export class LayerEntries {
  private capacity: number;
  length = 0;
  /** The paths as (folder, name): `path` makes one; the change model interns them from their bytes. */
  readonly paths = new LayerPaths();
  /** Whether some path holds `.wh.` anywhere (dive reads such layers through its tree). */
  anyWhiteoutName = false;
  private kinds: Uint8Array;
  private markers: Uint8Array;
  // Numbers start in the narrowest array their usual values fit and widen when one does not
  // (`stored`): a million entries take 22 MB fewer than in 32- and 64-bit columns from the start.
  private sizes: NumberColumn;
  private modes: NumberColumn;
  // Owners and times are most often the same for every entry of a layer: kept as that one number
  // until an entry differs (a million entries: 10 MB fewer).
  private uids: OftenSame;
  private gids: OftenSame;
  private mtimes: OftenSame;
  private offsets: NumberColumn;
  private owners: OftenSame;
  private hashStates: Uint8Array;
  /** Each xxhash64 as two 32-bit words, high first; made at the first known hash (headers first has none). */
  private hashWords: Uint32Array | undefined;
  private readonly ownerNames: string[] = [];
  private readonly ownerIds = new Map<string, number>();
  private readonly links = new Map<number, string>();
  private readonly xattrs = new Map<number, Record<string, string>>();
  private readonly devices = new Map<number, [number, number]>();
  private readonly sparse = new Map<number, SparseLayout>();

  constructor(capacity = 256) {
    this.capacity = capacity;
    this.kinds = new Uint8Array(capacity);
    this.markers = new Uint8Array(capacity);
    this.sizes = new Uint32Array(capacity);
    this.modes = new Uint16Array(capacity);
    this.uids = 0;
    this.gids = 0;
    this.mtimes = 0;
    this.offsets = new Uint32Array(capacity);
    this.owners = 0;
    this.hashStates = new Uint8Array(capacity);
  }

  private grow(): void {
    this.capacity = Math.max(256, this.capacity * 2);
    const g = <T extends Uint8Array | NumberColumn | number>(a: T): T => {
      if (typeof a === 'number') return a;
      const next = new (a.constructor as new (n: number) => T & NumberColumn)(this.capacity);
      next.set(a as NumberColumn);
      return next;
    };
    this.kinds = g(this.kinds);
    this.markers = g(this.markers);
    this.sizes = g(this.sizes);
    this.modes = g(this.modes);
    this.uids = g(this.uids);
    this.gids = g(this.gids);
    this.mtimes = g(this.mtimes);
    this.offsets = g(this.offsets);
    this.owners = g(this.owners);
    this.hashStates = g(this.hashStates);
    if (this.hashWords) {
      const words = new Uint32Array(this.capacity * 2);
      words.set(this.hashWords);
      this.hashWords = words;
    }
  }

  /** uname and gname share one interned pair id: images rarely have more than a few owners. */
  private ownerId(uname: string, gname: string): number {
    // Entries come with the same owner, one after another: the last one is checked first.
    if (uname === this.lastOwner[0] && gname === this.lastOwner[1]) return this.lastOwner[2];
    const id = this.internOwner(uname, gname);
    this.lastOwner = [uname, gname, id];
    return id;
  }
  private lastOwner: [string, string, number] = ['\0', '\0', -1];

  private internOwner(uname: string, gname: string): number {
    const key = `${uname}\0${gname}`;
    let id = this.ownerIds.get(key);
    if (id === undefined) {
      id = this.ownerNames.length;
      this.ownerNames.push(key);
      this.ownerIds.set(key, id);
    }
    return id;
  }

  /**
   * Adds an entry. Its path is `e.path`, or, when given, `name[from, to)`: ASCII bytes of a path
   * that holds no `.wh.` (name-bytes.ts; `e.path` is then not read).
   */
  push(e: LayerEntry, name?: Uint8Array, range?: NameRange): number {
    if (this.length === this.capacity) this.grow();
    const i = this.length++;
    if (name && range) this.paths.pushBytes(name, range.from, range.to, range.slash);
    else {
      this.paths.push(e.path);
      // A marker's path holds `.wh.` too (markerOf).
      if (!this.anyWhiteoutName && e.path.includes('.wh.')) this.anyWhiteoutName = true;
    }
    this.kinds[i] = KIND_CODE.get(e.kind) ?? 0;
    this.markers[i] = e.marker;
    this.sizes = stored(this.sizes, i, e.size);
    this.modes = stored(this.modes, i, e.mode);
    this.uids = storedOften(this.uids, i, e.uid, this.capacity);
    this.gids = storedOften(this.gids, i, e.gid, this.capacity);
    this.mtimes = storedOften(this.mtimes, i, e.mtime, this.capacity);
    this.offsets = stored(this.offsets, i, e.dataOffset);
    this.owners = storedOften(this.owners, i, this.ownerId(e.uname, e.gname), this.capacity);
    this.setHash(i, e.contentHash);
    if (e.linkTarget) this.links.set(i, e.linkTarget);
    if (e.xattrs) this.xattrs.set(i, e.xattrs);
    if (e.devmajor || e.devminor) this.devices.set(i, [e.devmajor, e.devminor]);
    if (e.sparse) this.sparse.set(i, e.sparse);
    return i;
  }

  /** Entry `i`'s path, normalised (made on each call: callers keep it while they need it). */
  path(i: number): string {
    return this.paths.at(i);
  }

  kind(i: number): EntryKind {
    return KINDS[this.kinds[i]!]!;
  }
  marker(i: number): Marker {
    return this.markers[i]! as Marker;
  }
  size(i: number): number {
    return this.sizes[i]!;
  }
  mode(i: number): number {
    return this.modes[i]!;
  }
  uid(i: number): number {
    return valueAt(this.uids, i);
  }
  gid(i: number): number {
    return valueAt(this.gids, i);
  }
  linkTarget(i: number): string {
    return this.links.get(i) ?? '';
  }

  /** The body's xxhash64 as 16 hex digits, '' without a body, PENDING_HASH if not taken yet. */
  hash(i: number): string {
    const state = this.hashStates[i];
    if (state === NO_HASH) return '';
    if (state === HASH_PENDING) return PENDING_HASH;
    const words = this.hashWords!;
    const hex = (word: number) => word.toString(16).padStart(8, '0');
    return hex(words[i * 2]!) + hex(words[i * 2 + 1]!);
  }

  /** Whether entry `i` here and entry `j` of `other` hold the same hash (as `hash` would compare). */
  sameHash(i: number, other: LayerEntries, j: number): boolean {
    const state = this.hashStates[i];
    if (state !== other.hashStates[j]) return false;
    if (state !== HASH_KNOWN) return true;
    const a = this.hashWords!;
    const b = other.hashWords!;
    return a[i * 2] === b[j * 2] && a[i * 2 + 1] === b[j * 2 + 1];
  }

  hashPending(i: number): boolean {
    return this.hashStates[i] === HASH_PENDING;
  }

  /** Whether any entry's hash is still to be taken. */
  anyHashPending(): boolean {
    return this.hashStates.subarray(0, this.length).includes(HASH_PENDING);
  }

  /** Sets an entry's hash: as `hash` gives it ('' or PENDING_HASH, or 16 hex digits). */
  setHash(i: number, hash: string): void {
    if (hash === '' || hash === PENDING_HASH) {
      this.hashStates[i] = hash === '' ? NO_HASH : HASH_PENDING;
      return;
    }
    this.setWords(i, Number.parseInt(hash.slice(0, 8), 16), Number.parseInt(hash.slice(8, 16), 16));
  }

  /** Sets an entry's hash from its 8-byte digest (big-endian, as its hex is written). */
  setDigest(i: number, digest: Uint8Array): void {
    const word = (at: number) =>
      ((digest[at]! << 24) | (digest[at + 1]! << 16) | (digest[at + 2]! << 8) | digest[at + 3]!) >>>
      0;
    this.setWords(i, word(0), word(4));
  }

  /** A known hash, as its high and low 32 bits. */
  private setWords(i: number, high: number, low: number): void {
    this.hashStates[i] = HASH_KNOWN;
    this.hashWords ??= new Uint32Array(this.capacity * 2);
    this.hashWords[i * 2] = high;
    this.hashWords[i * 2 + 1] = low;
  }

  get(i: number): LayerEntry {
    const [uname = '', gname = ''] = (this.ownerNames[valueAt(this.owners, i)] ?? '').split('\0');
    const device = this.devices.get(i);
    return {
      path: this.path(i),
      kind: this.kind(i),
      marker: this.marker(i),
      size: this.sizes[i]!,
      mode: this.modes[i]!,
      uid: valueAt(this.uids, i),
      gid: valueAt(this.gids, i),
      uname,
      gname,
      mtime: valueAt(this.mtimes, i),
      linkTarget: this.linkTarget(i),
      xattrs: this.xattrs.get(i),
      dataOffset: this.offsets[i]!,
      contentHash: this.hash(i),
      devmajor: device?.[0] ?? 0,
      devminor: device?.[1] ?? 0,
      sparse: this.sparse.get(i),
    };
  }

  /**
   * Trims every column to the entries held and gives the buffers behind them, to hand the table
   * to another thread in postMessage's transfer list: moved, not copied (a million entries' columns
   * and paths are about 90 MB, and a copy kept both for a while). This table is unreadable after.
   */
  handOver(): ArrayBuffer[] {
    const n = this.length;
    this.capacity = n;
    const trimmed = <T extends Uint8Array | OftenSame>(column: T): T =>
      typeof column === 'number' ? column : (column.slice(0, n) as T);
    this.kinds = trimmed(this.kinds);
    this.markers = trimmed(this.markers);
    this.sizes = trimmed(this.sizes);
    this.modes = trimmed(this.modes);
    this.uids = trimmed(this.uids);
    this.gids = trimmed(this.gids);
    this.mtimes = trimmed(this.mtimes);
    this.offsets = trimmed(this.offsets);
    this.owners = trimmed(this.owners);
    this.hashStates = trimmed(this.hashStates);
    this.hashWords = this.hashWords?.slice(0, n * 2);
    const columns = [
      this.kinds,
      this.markers,
      this.sizes,
      this.modes,
      this.uids,
      this.gids,
      this.mtimes,
      this.offsets,
      this.owners,
      this.hashStates,
      this.hashWords,
    ].filter((column) => typeof column === 'object');
    return [...columns.map((column) => column.buffer as ArrayBuffer), ...this.paths.handOver()];
  }

  /** The layer is read: what was kept only for adding entries is let go (made again if needed). */
  settle(): void {
    this.paths.settle();
  }

  /** Gives entries that crossed between workers their methods (structured clone keeps data). */
  static revive(data: LayerEntries): LayerEntries {
    LayerPaths.revive(data.paths);
    return Object.setPrototypeOf(data, LayerEntries.prototype) as LayerEntries;
  }
}

export function markerOf(path: string): Marker {
  if (path.indexOf('.wh.') < 0) return Marker.None;
  const slash = path.lastIndexOf('/');
  const base = slash < 0 ? path : path.slice(slash + 1);
  if (!base.startsWith('.wh.')) return Marker.None;
  if (base === '.wh..wh..opq') return Marker.Opaque;
  if (base.startsWith('.wh..wh.')) return Marker.Ignored;
  return Marker.Whiteout;
}
