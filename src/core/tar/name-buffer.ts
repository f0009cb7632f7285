import { nameFieldLength } from './header.ts';

/**
 * A name a tar walk takes as bytes when it is not the header's own name field: a PAX path or a
 * GNU long name, kept from its extension header to the entry it names, or a ustar prefix and name
 * joined. Copied (what it comes from is a view of a chunk) into memory reused from entry to entry.
 */
export class NameBuffer {
  private bytes = new Uint8Array(256);
  /** The name's length, or -1 when there is none. */
  length = -1;

  /** Keeps source[from, to). */
  keep(source: Uint8Array, from: number, to: number): void {
    this.room(to - from);
    this.bytes.set(source.subarray(from, to));
    this.length = to - from;
  }

  /** Keeps source up to its first NUL, as a C string ends. */
  keepUntilNul(source: Uint8Array): void {
    let n = 0;
    while (n < source.length && source[n] !== 0) n++;
    this.keep(source, 0, n);
  }

  /** Keeps a ustar header's prefix, "/" and name field, as headerName joins them; gives the view. */
  keepPrefixed(block: Uint8Array): Uint8Array {
    let n = 0;
    for (let i = 345; i < 500 && block[i] !== 0; i++) n++;
    const name = nameFieldLength(block);
    this.room(n + 1 + name);
    this.bytes.set(block.subarray(345, 345 + n));
    this.bytes[n] = 0x2f;
    this.bytes.set(block.subarray(0, name), n + 1);
    this.length = n + 1 + name;
    return this.view;
  }

  /** The name: a view, good until the next `keep`. */
  get view(): Uint8Array {
    return this.bytes.subarray(0, Math.max(0, this.length));
  }

  /** Whether the name holds a NUL (a PAX value may): then it cannot be read back as bytes. */
  holdsNul(): boolean {
    return this.view.includes(0);
  }

  clear(): void {
    this.length = -1;
  }

  private room(n: number): void {
    if (n > this.bytes.length) this.bytes = new Uint8Array(Math.max(n, 2 * this.bytes.length));
  }
}
