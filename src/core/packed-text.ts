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
  /** Items that are not ASCII, by index. */
  private readonly wide = new Map<number, string>();

  /** Adds text[from, to) as the next item; gives its index. */
  push(text: string, from = 0, to = text.length): number {
    const i = this.length++;
    if (i === this.ends.length) this.ends = grown(this.ends, i + 1);
    if (this.used + to - from > this.bytes.length)
      this.bytes = grown(this.bytes, this.used + to - from);
    const start = this.used;
    for (let c = from; c < to; c++) {
      const code = text.charCodeAt(c);
      if (code >= 0x80) {
        this.used = start;
        this.wide.set(i, text.slice(from, to));
        break;
      }
      this.bytes[this.used++] = code;
    }
    this.ends[i] = this.used;
    return i;
  }

  at(i: number): string {
    const wide = this.wide.get(i);
    if (wide !== undefined) return wide;
    const bytes = this.bytes.subarray(this.start(i), this.ends[i]!);
    // A call per string: 0.1 µs in Chromium, where a TextDecoder takes 0.75 µs (Node: 0.09 µs).
    // Its bytes go as arguments: a long one (rare) goes to the decoder instead.
    return bytes.length <= 1024
      ? String.fromCharCode.apply(null, bytes as unknown as number[])
      : ascii.decode(bytes);
  }

  /** How many UTF-16 code units item `i` has. */
  textLength(i: number): number {
    return this.wide.get(i)?.length ?? this.ends[i]! - this.start(i);
  }

  /** Code unit `k` of item `i`. */
  codeAt(i: number, k: number): number {
    const wide = this.wide.get(i);
    return wide !== undefined ? wide.charCodeAt(k) : this.bytes[this.start(i) + k]!;
  }

  /** Whether item `i` is text[from, to). */
  equals(i: number, text: string, from = 0, to = text.length): boolean {
    const wide = this.wide.get(i);
    if (wide !== undefined) return wide.length === to - from && text.startsWith(wide, from);
    const start = this.start(i);
    if (this.ends[i]! - start !== to - from) return false;
    const { bytes } = this;
    for (let k = 0; k < to - from; k++)
      if (bytes[start + k] !== text.charCodeAt(from + k)) return false;
    return true;
  }

  /** Whether any item is kept as a string. */
  get anyWide(): boolean {
    return this.wide.size > 0;
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
      return { text: ascii.decode(this.bytes.subarray(base, this.used)), ends };
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

  private start(i: number): number {
    return i === 0 ? 0 : this.ends[i - 1]!;
  }

  /** Gives back a list that crossed between workers its methods (structured clone keeps data). */
  static revive(data: PackedText): PackedText {
    return Object.setPrototypeOf(data, PackedText.prototype) as PackedText;
  }
}

/** latin1 (windows-1252 in TextDecoder) reads ASCII as ASCII: only ASCII is stored as bytes. */
const ascii = new TextDecoder('latin1');

/** A copy with room for `need` items, grown by half again at least. */
function grown<T extends Uint8Array | Uint32Array>(array: T, need: number): T {
  const next = new (array.constructor as new (n: number) => T)(
    Math.max(need, Math.ceil(array.length * 1.5)),
  );
  next.set(array);
  return next;
}
