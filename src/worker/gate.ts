import type { ByteSource } from '../core/bytes.ts';

/** Bytes read between two looks at the page's messages (a pause may have come in). */
const LOOK_EVERY = 8 << 20;
/** A pause ends by itself after this long, should the word to go on never come. */
const LONGEST_PAUSE_MS = 10_000;

/**
 * A pause for background work: while the page reads a file for the person using it, the digest
 * check waits between chunks and leaves the cores to that read (a file at the end of a large zstd
 * layer, decoded from the layer's start while the check kept the same layer, waited for both);
 * while a read waits for a layer's places, the walk that will not reach them first waits too.
 */
export class Gate {
  private closed: Promise<void> | undefined;
  private open: (() => void) | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  pause(): void {
    if (this.closed) return;
    this.closed = new Promise((resolve) => {
      this.open = resolve;
    });
    this.timer = setTimeout(() => this.resume(), LONGEST_PAUSE_MS);
  }

  resume(): void {
    clearTimeout(this.timer);
    this.open?.();
    this.closed = undefined;
    this.open = undefined;
  }

  /** Waits while paused (between two pieces of work that are not read through `through`). */
  async wait(): Promise<void> {
    if (this.closed) await this.closed;
  }

  /**
   * The chunks, each let through when no pause holds them. Every LOOK_EVERY bytes a task boundary
   * lets messages in: a file read faster than it is used never waits, so none would be taken in.
   */
  async *through(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    let since = 0;
    for await (const chunk of chunks) {
      since += chunk.length;
      if (since >= LOOK_EVERY) {
        since = 0;
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      if (this.closed) await this.closed;
      yield chunk;
    }
  }

  /** `source`, its reads let through this gate. */
  source(source: ByteSource): ByteSource {
    const readReused = source.readReused?.bind(source);
    return {
      size: source.size,
      seekable: source.seekable,
      read: (start, end, signal) => this.through(source.read(start, end, signal)),
      ...(readReused
        ? { readReused: (start, end, signal) => this.through(readReused(start, end, signal)) }
        : {}),
    };
  }
}

/**
 * Holds on a gate in another thread, counted: the first makes it pause, letting go of the last
 * makes it go on (`tell`).
 */
export class Holds {
  private count = 0;

  constructor(private readonly tell: (pause: boolean) => void) {}

  get held(): boolean {
    return this.count > 0;
  }

  /** Takes a hold; gives what lets it go (once). */
  take(): () => void {
    if (this.count++ === 0) this.tell(true);
    let taken = true;
    return () => {
      if (!taken) return;
      taken = false;
      if (--this.count === 0) this.tell(false);
    };
  }
}
