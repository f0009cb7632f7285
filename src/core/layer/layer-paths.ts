import { hashBytes, hashText, PackedText } from '../packed-text.ts';

/**
 * A layer's paths as (folder, name): each folder the layer's entries sit in is kept once, and each
 * entry keeps only its last part and its folder's index. A path is mostly its folder, and a layer
 * lists a folder's entries together: a million files in one folder with 45-byte paths keep 19 MB
 * of names and 4 MB of indexes here, against 45-58 MB of whole paths.
 */
export class LayerPaths {
  /** Each folder's path by index; index 0 stands for none (entries with no slash). */
  readonly folders = new PackedText();
  /** Each entry's last part. */
  readonly names = new PackedText();
  private folderOf = new Int32Array(256);
  /**
   * Folders by path, and by a hash of their text (`hashText`; the first with each hash): for adding
   * entries only, so let go once the layer is read (`settle`) and made again if one is added.
   */
  private lookups: { ids: Map<string, number>; byHash: Map<number, number> } | undefined;
  /** The folder of the entry added last: the next one is most often in it too. */
  private lastFolder = 0;
  /** The folder whose path `at` made last, and that path: `at` is asked along a folder's entries. */
  private madeFolder = 0;
  private madeFolderText = '';

  constructor() {
    this.folders.push('');
  }

  get length(): number {
    return this.names.length;
  }

  /** Adds a normalised path; gives its index. */
  push(path: string): number {
    const slash = path.lastIndexOf('/');
    let folder = 0;
    if (slash >= 0)
      folder =
        this.lastFolder > 0 && this.folders.equals(this.lastFolder, path, 0, slash)
          ? this.lastFolder
          : this.folderOfText(path, slash);
    return this.added(folder, this.names.push(path, slash + 1));
  }

  /**
   * Adds the normalised path held by bytes[from, to) (UTF-8), with no string made for most.
   * `slash` is where its last `/` is, if known (`from - 1`: none).
   */
  pushBytes(
    bytes: Uint8Array,
    from: number,
    to: number,
    slash = lastSlash(bytes, from, to),
  ): number {
    let folder = 0;
    if (slash >= from)
      folder =
        this.lastFolder > 0 && this.folders.equalsBytes(this.lastFolder, bytes, from, slash)
          ? this.lastFolder
          : this.folderOfBytes(bytes, from, slash);
    return this.added(folder, this.names.pushBytes(bytes, slash + 1, to));
  }

  /**
   * The index of the folder bytes[from, to), found by a hash of its bytes first: layers whose
   * entries go from folder to folder (the bench's images do at nearly every entry) make no string
   * for it then (reading the few-large image took 10% longer with a string each).
   */
  private folderOfBytes(bytes: Uint8Array, from: number, to: number): number {
    // 30 bits: a small integer to V8, which a Map hashes faster than a larger number.
    const hash = hashBytes(0, bytes, from, to) & 0x3fffffff;
    const known = this.found.byHash.get(hash);
    if (known !== undefined && this.folders.equalsBytes(known, bytes, from, to)) return known;
    // A folder not seen yet, or another with the same hash: found by its text.
    const folder = this.folderIndex(utf8.decode(bytes.subarray(from, to)));
    if (known === undefined) this.found.byHash.set(hash, folder);
    return folder;
  }

  /**
   * `folderOfBytes` for the folder path[0, to), with no string made for one seen before (the scan
   * gives a hashed file's path as text). ASCII text hashes as its bytes do.
   */
  private folderOfText(path: string, to: number): number {
    const hash = hashText(0, path, 0, to) & 0x3fffffff;
    const known = this.found.byHash.get(hash);
    if (known !== undefined && this.folders.equals(known, path, 0, to)) return known;
    const folder = this.folderIndex(path.slice(0, to));
    if (known === undefined) this.found.byHash.set(hash, folder);
    return folder;
  }

  /** The bytes of all the names and folders kept as bytes: about what a table of them takes. */
  get byteCount(): number {
    return this.names.byteCount + this.folders.byteCount;
  }

  /** Entry `i`'s path (made on each call). */
  at(i: number): string {
    const folder = this.folderOf[i]!;
    const name = this.names.at(i);
    if (folder === 0) return name;
    if (folder !== this.madeFolder) {
      this.madeFolder = folder;
      this.madeFolderText = this.folders.at(folder);
    }
    return `${this.madeFolderText}/${name}`;
  }

  /** The index in `folders` of entry `i`'s folder (0: it has none). */
  folder(i: number): number {
    return this.folderOf[i]!;
  }

  /** Trims the lists to what they hold and gives their buffers, to move them to another thread. */
  handOver(): ArrayBuffer[] {
    this.settle();
    this.folderOf = this.folderOf.slice(0, this.length);
    return [this.folderOf.buffer, ...this.folders.handOver(), ...this.names.handOver()];
  }

  /** Gives paths that crossed between workers their methods (structured clone keeps data). */
  static revive(data: LayerPaths): LayerPaths {
    PackedText.revive(data.folders);
    PackedText.revive(data.names);
    return Object.setPrototypeOf(data, LayerPaths.prototype) as LayerPaths;
  }

  /** Lets go of the lookups for adding entries (a million-entry layer's folders: about 9 MB). */
  settle(): void {
    this.lookups = undefined;
  }

  private get found(): { ids: Map<string, number>; byHash: Map<number, number> } {
    if (!this.lookups) {
      const ids = new Map<string, number>();
      for (let f = 1; f < this.folders.length; f++) {
        const path = this.folders.at(f);
        if (!ids.has(path)) ids.set(path, f);
      }
      // The hashes are noted again as folders are met.
      this.lookups = { ids, byHash: new Map() };
    }
    return this.lookups;
  }

  private folderIndex(path: string): number {
    let folder = this.found.ids.get(path);
    if (folder === undefined) {
      folder = this.folders.push(path);
      this.found.ids.set(path, folder);
    }
    return folder;
  }

  private added(folder: number, i: number): number {
    if (i >= this.folderOf.length) {
      const next = new Int32Array(Math.max(i + 1, Math.ceil(this.folderOf.length * 1.5)));
      next.set(this.folderOf);
      this.folderOf = next;
    }
    this.folderOf[i] = folder;
    this.lastFolder = folder;
    return i;
  }
}

const SLASH = 0x2f;
const utf8 = new TextDecoder('utf-8');

/** Where the last `/` of bytes[from, to) is, or `from - 1`. */
function lastSlash(bytes: Uint8Array, from: number, to: number): number {
  let slash = to - 1;
  while (slash >= from && bytes[slash] !== SLASH) slash--;
  return slash;
}
