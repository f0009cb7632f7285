import { WINDOW } from './resume.ts';

/** Decompressed bytes between two places to resume from (skim.ts `every`). */
export const SEEK_EVERY = 8 << 20;
/** A match may run this far past a place before the next symbol starts (RFC 1951 3.2.5). */
export const MAX_MATCH = 258;

/**
 * Keeps, from a decompressed stream seen once in order, the bytes around every `every`-th offset:
 * the 32 KiB window before it and the longest match after it, which is all a place the skimmer
 * finds there needs (resume.ts). About 33 KiB per 8 MiB of output (0.4%).
 */
export class WindowKeeper {
  readonly windows: Uint8Array[] = [];
  private seen = 0;
  /** The window being filled, and how much of it is. */
  private filling: Uint8Array | undefined;
  private filled = 0;

  constructor(private readonly every = SEEK_EVERY) {}

  see(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length) {
      if (!this.filling) {
        // The next window starts WINDOW before the next due offset.
        const due = (this.windows.length + 1) * this.every;
        const from = due - WINDOW;
        const skip = from - this.seen;
        if (skip >= chunk.length - at) {
          this.seen += chunk.length - at;
          return;
        }
        at += Math.max(0, skip);
        this.seen += Math.max(0, skip);
        this.filling = new Uint8Array(WINDOW + MAX_MATCH);
        this.filled = this.seen - from;
      }
      const take = Math.min(chunk.length - at, this.filling.length - this.filled);
      this.filling.set(chunk.subarray(at, at + take), this.filled);
      this.filled += take;
      this.seen += take;
      at += take;
      if (this.filled === this.filling.length) {
        this.windows.push(this.filling);
        this.filling = undefined;
      }
    }
  }
}

/** The chunks, each shown to `windows` as it passes. */
export async function* seenBy(
  chunks: AsyncIterable<Uint8Array>,
  windows: WindowKeeper,
): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    windows.see(chunk);
    yield chunk;
  }
}

/**
 * What the scan kept around `out` for due offset j·every (windows[j-1]): the 32 KiB before it (a
 * resumed decode's window), and what it kept after it (up to MAX_MATCH bytes, which a decode from
 * there must give first). Undefined when `out` is not within what was kept.
 */
export function keptAround(
  windows: readonly Uint8Array[],
  every: number,
  out: number,
): { before: Uint8Array; after: Uint8Array } | undefined {
  const j = Math.floor(out / every);
  const kept = windows[j - 1];
  if (!kept) return undefined;
  const from = j * every - WINDOW;
  const end = out - from;
  if (end < WINDOW || end > kept.length) return undefined;
  return { before: kept.subarray(end - WINDOW, end), after: kept.subarray(end) };
}
