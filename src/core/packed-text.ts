import { asciiText } from './ascii-text.ts';
import { StrataError } from './errors.ts';

/**
 * A growing list of strings kept as one run of bytes instead of a string each: ASCII text (nearly
 * every path in an image) as its bytes, any other text as a string beside them. A million paths
 * then cost their bytes and an offset each, and nothing the garbage collector has to move: a
 * string per entry, kept while a layer was read, made V8 grow its young generation to its limit
 * (about 60 MB of the browser's peak on a million-entry layer).
 */
export class PackedText {
  length = 0;
  private bytes = new Uint8Array(1024);
  /** Where each item's bytes end (an item kept as a string has none). */
  private ends = new Uint32Array(256);
  private used = 0;
  /** Items that are not ASCII, by index; `anyWide` spares the lookup when there are none. */
  private readonly wide = new Map<number, string>();
  private anyWide = false;

  /** Adds text[from, to) as the next item; gives its index. */
  push(text: string, from = 0, to = text.length): number {
    const i = this.length++;
    if (i === this.ends.length) this.ends = grown(this.ends, i + 1);
    if (this.used + to - from > this.bytes.length)
      this.bytes = roomFor(this.bytes, this.used + to - from);
    const start = this.used;
    for (let c = from; c < to; c++) {
      const code = text.charCodeAt(c);
      if (code >= 0x80) {
        this.used = start;
        this.wide.set(i, text.slice(from, to));
        this.anyWide = true;
        break;
      }
      this.bytes[this.used++] = code;
    }
    this.ends[i] = this.used;
    return i;
  }

  /**
   * Adds bytes[from, to) as the next item, with no string made (a tar header's name, another
   * list's item). Bytes that are not ASCII are taken as UTF-8 text, as `push` would keep it.
   */
  pushBytes(bytes: Uint8Array, from: number, to: number): number {
    const i = this.length++;
    if (i === this.ends.length) this.ends = grown(this.ends, i + 1);
    if (this.used + to - from > this.bytes.length)
      this.bytes = roomFor(this.bytes, this.used + to - from);
    const start = this.used;
    const mine = this.bytes;
    let high = 0;
    for (let k = from; k < to; k++) {
      const b = bytes[k]!;
      high |= b;
      mine[start + k - from] = b;
    }
    if (high < 0x80) this.used = start + to - from;
    else {
      this.wide.set(i, utf8.decode(bytes.subarray(from, to)));
      this.anyWide = true;
    }
    this.ends[i] = this.used;
    return i;
  }

  at(i: number): string {
    const wide = this.wideAt(i);
    if (wide !== undefined) return wide;
    return asciiText(this.bytes, this.start(i), this.ends[i]!);
  }

  /** Whether item `i` is text[from, to). */
  equals(i: number, text: string, from = 0, to = text.length): boolean {
    const wide = this.wideAt(i);
    if (wide !== undefined) return wide.length === to - from && text.startsWith(wide, from);
    const start = this.start(i);
    if (this.ends[i]! - start !== to - from) return false;
    const { bytes } = this;
    for (let k = 0; k < to - from; k++)
      if (bytes[start + k] !== text.charCodeAt(from + k)) return false;
    return true;
  }

  /** Whether item `i` is kept as bytes and they are bytes[from, to) (false for one kept as text). */
  equalsBytes(i: number, bytes: Uint8Array, from: number, to: number): boolean {
    if (this.wideAt(i) !== undefined) return false;
    const start = this.start(i);
    if (this.ends[i]! - start !== to - from) return false;
    const mine = this.bytes;
    // From the end: paths in one folder differ most often in their last bytes.
    for (let k = to - from - 1; k >= 0; k--) if (mine[start + k] !== bytes[from + k]) return false;
    return true;
  }

  /** The length of item `i` in code units, as `at` would make it. */
  textLength(i: number): number {
    return this.wideAt(i)?.length ?? this.ends[i]! - this.start(i);
  }

  /** Bytes held, for all the items kept as bytes. */
  get byteCount(): number {
    return this.used;
  }

  /**
   * Room for `items` more items and `bytes` more bytes, made at once: a list about to take a large
   * layer's names grows once instead of by half again many times, leaving no dead copies behind.
   */
  reserve(items: number, bytes: number): void {
    if (this.length + items > this.ends.length) this.ends = grown(this.ends, this.length + items);
    if (this.used + bytes > this.bytes.length) this.bytes = roomFor(this.bytes, this.used + bytes);
  }

  /** Whether every item is kept as bytes (`copyBytes` can write any of them). */
  get allBytes(): boolean {
    return !this.anyWide;
  }

  /** The length of item `i` kept as bytes. */
  byteLength(i: number): number {
    return this.ends[i]! - this.start(i);
  }

  /** Writes the bytes of item `i` (kept as bytes) into `into` at `at`; gives where they end. */
  copyBytes(i: number, into: Uint8Array, at: number): number {
    const { bytes } = this;
    const end = this.ends[i]!;
    let to = at;
    for (let k = this.start(i); k < end; k++) into[to++] = bytes[k]!;
    return to;
  }

  /** `hashText` of item `i` from code unit `from` to `to` (its end by default). */
  hash(seed: number, i: number, from: number, to = -1): number {
    const wide = this.wideAt(i);
    if (wide !== undefined) return hashText(seed, wide, from, to < 0 ? wide.length : to);
    const start = this.start(i);
    return hashBytes(seed, this.bytes, start + from, to < 0 ? this.ends[i]! : start + to);
  }

  /** Whether item `i` is item `j` of `other` from code unit `from` to `to` (its end by default). */
  equalsPart(i: number, other: PackedText, j: number, from: number, to = -1): boolean {
    if (this.wideAt(i) !== undefined || other.wideAt(j) !== undefined) {
      const text = other.at(j);
      return this.equals(i, text, from, to < 0 ? text.length : to);
    }
    const a = this.start(i);
    const b = other.start(j) + from;
    const length = this.ends[i]! - a;
    if ((to < 0 ? other.ends[j]! - b : to - from) !== length) return false;
    const mine = this.bytes;
    const theirs = other.bytes;
    for (let k = 0; k < length; k++) if (mine[a + k] !== theirs[b + k]) return false;
    return true;
  }

  /** Where the next `/` of item `i` from code unit `from` on is, or -1. */
  nextSlash(i: number, from: number): number {
    const wide = this.wideAt(i);
    if (wide !== undefined) return wide.indexOf('/', from);
    const start = this.start(i);
    const end = this.ends[i]!;
    for (let k = start + from; k < end; k++) if (this.bytes[k] === SLASH) return k - start;
    return -1;
  }

  /**
   * Adds item `j` of `other`, from code unit `from` to `to` (its end by default), as the next
   * item; gives its index.
   */
  pushPart(other: PackedText, j: number, from: number, to = -1): number {
    const wide = other.wideAt(j);
    if (wide !== undefined) return this.push(wide, from, to < 0 ? wide.length : to);
    const start = other.start(j);
    return this.pushBytes(other.bytes, start + from, to < 0 ? other.ends[j]! : start + to);
  }

  /**
   * Items `from` on, joined in one string, and where each ends in it (relative to its start):
   * as the page takes names (path-names.ts).
   */
  joined(from: number): { text: string; ends: Int32Array } {
    const count = Math.max(0, this.length - from);
    const ends = new Int32Array(count);
    if (!this.anyWide) {
      const base = from === 0 ? 0 : this.ends[from - 1]!;
      for (let i = 0; i < count; i++) ends[i] = this.ends[from + i]! - base;
      return { text: asciiText(this.bytes, base, this.used), ends };
    }
    const pieces: string[] = [];
    let length = 0;
    for (let i = 0; i < count; i++) {
      const text = this.at(from + i);
      pieces.push(text);
      length += text.length;
      ends[i] = length;
    }
    return { text: pieces.join(''), ends };
  }

  /** Item `i` if it is kept as a string (most lists have none: no lookup then). */
  private wideAt(i: number): string | undefined {
    return this.anyWide ? this.wide.get(i) : undefined;
  }

  private start(i: number): number {
    return i === 0 ? 0 : this.ends[i - 1]!;
  }

  /** Trims the list to the items held and gives its buffers, to move it to another thread. */
  handOver(): ArrayBuffer[] {
    this.bytes = this.bytes.slice(0, this.used);
    this.ends = this.ends.slice(0, this.length);
    return [this.bytes.buffer, this.ends.buffer];
  }

  /** Gives back a list that crossed between workers its methods (structured clone keeps data). */
  static revive(data: PackedText): PackedText {
    return Object.setPrototypeOf(data, PackedText.prototype) as PackedText;
  }
}

const SLASH = 0x2f;
const FNV_BASIS = 0x811c9dc5;
const FNV_PRIME = 16777619;

/**
 * FNV-1a over `seed` and text[from, to)'s UTF-16 code units, mixed at the end (the path table's
 * hash of a name under its parent). An item's `hash` is the same for the same text.
 */
export function hashText(seed: number, text: string, from: number, to: number): number {
  let h = Math.imul(FNV_BASIS ^ seed, FNV_PRIME);
  for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return mixed(h);
}

/** `hashText` of ASCII text given as its bytes, bytes[from, to): the same number for the same text. */
export function hashBytes(seed: number, bytes: Uint8Array, from: number, to: number): number {
  let h = Math.imul(FNV_BASIS ^ seed, FNV_PRIME);
  for (let k = from; k < to; k++) h = Math.imul(h ^ bytes[k]!, FNV_PRIME);
  return mixed(h);
}

function mixed(h: number): number {
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return (h ^ (h >>> 12)) >>> 0;
}

/** Tar names that are not ASCII are read as UTF-8, as the tar reader reads them (tar/header.ts). */
const utf8 = new TextDecoder('utf-8');

/** Bytes with room for `need`: offsets are 32-bit, so text past 4 GiB in one list is refused. */
function roomFor(bytes: Uint8Array<ArrayBuffer>, need: number): Uint8Array<ArrayBuffer> {
  if (need > 0xffffffff)
    throw new StrataError('limit', 'The paths take more than 4 GiB together: no more were read.');
  return grown(bytes, need);
}

/** A copy with room for `need` items, grown by half again at least. */
function grown<T extends Uint8Array | Uint32Array>(array: T, need: number): T {
  const next = new (array.constructor as new (n: number) => T)(
    Math.max(need, Math.ceil(array.length * 1.5)),
  );
  next.set(array);
  return next;
}
