import { StrataError, throwIfAborted } from './errors.ts';

/** Opens a stream of bytes starting at an absolute offset. */
export type Opener = (offset: number) => AsyncIterable<Uint8Array>;

/**
 * Pulls exact byte counts out of a chunked stream. Headers come back as views of the current chunk
 * when they fit (no copy), bodies are handed out chunk by chunk, and a large skip on a seekable
 * source reopens the stream past the gap instead of reading through it: each reopen costs 1-2 ms in
 * Chromium (shared/docs/TOOLCHAIN.md), so only gaps above `reopenThreshold` are worth it.
 */
export class ChunkReader {
  private iterator: AsyncIterator<Uint8Array> | undefined;
  private chunk: Uint8Array = new Uint8Array(0);
  private at = 0;
  private ended = false;
  /** Absolute offset of the next unread byte. */
  offset: number;

  constructor(
    private readonly open: Opener,
    private readonly seekable: boolean,
    start = 0,
    private readonly signal?: AbortSignal,
    private readonly reopenThreshold = 4 << 20,
    /** Where the data ends, when known: a skip past it is a truncation, not a seek. */
    private readonly end = Number.POSITIVE_INFINITY,
  ) {
    this.offset = start;
  }

  private async nextChunk(): Promise<boolean> {
    throwIfAborted(this.signal);
    if (this.ended) return false;
    this.iterator ??= this.open(this.offset)[Symbol.asyncIterator]();
    const { done, value } = await this.iterator.next();
    if (done) {
      this.ended = true;
      return false;
    }
    this.chunk = value;
    this.at = 0;
    return true;
  }

  /** Bytes buffered and not yet consumed. */
  private get buffered(): number {
    return this.chunk.length - this.at;
  }

  /**
   * Exactly `n` bytes, or `null` when the stream ends before the first of them.
   * A stream that ends part-way is truncated: that throws.
   */
  async readExact(n: number, what: What = 'data'): Promise<Uint8Array | null> {
    refuseNegative(n, what, this.offset);
    if (this.buffered >= n) {
      const view = this.chunk.subarray(this.at, this.at + n);
      this.at += n;
      this.offset += n;
      return view;
    }
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      if (this.buffered === 0 && !(await this.nextChunk())) {
        if (filled === 0) return null;
        throw new StrataError(
          'truncated',
          `The file ends in the middle of ${named(what)}.`,
          `at byte ${this.offset}`,
        );
      }
      const take = Math.min(n - filled, this.buffered);
      out.set(this.chunk.subarray(this.at, this.at + take), filled);
      this.at += take;
      this.offset += take;
      filled += take;
    }
    return out;
  }

  /**
   * `n` bytes, now, as a view of the current chunk, or null when they are not all buffered. Lets
   * the hot path (a header inside the chunk at hand) skip a promise.
   */
  tryRead(n: number): Uint8Array | null {
    refuseNegative(n, 'data', this.offset);
    if (this.buffered < n) return null;
    const view = this.chunk.subarray(this.at, this.at + n);
    this.at += n;
    this.offset += n;
    return view;
  }

  /** Up to `left` bytes from the current chunk as a view, or null when it is used up. */
  private piece(left: number): Uint8Array | null {
    if (this.buffered === 0) return null;
    const take = Math.min(left, this.buffered);
    const view = this.chunk.subarray(this.at, this.at + take);
    this.at += take;
    this.offset += take;
    return view;
  }

  /** The next piece, waiting for the next chunk when the current one is used up. */
  private async nextPiece(left: number, what: What): Promise<Uint8Array> {
    const now = this.piece(left);
    if (now) return now;
    if (!(await this.nextChunk())) {
      throw new StrataError(
        'truncated',
        `The file ends in the middle of ${named(what)}.`,
        `at byte ${this.offset}`,
      );
    }
    return this.piece(left)!;
  }

  /**
   * Hands the next `n` bytes to `use` piece by piece (views of the chunks). Waits only when a new
   * chunk is needed, so a small body inside the current chunk costs no promise at all.
   */
  async consume(
    n: number,
    use: (piece: Uint8Array) => void,
    what: What = 'a file body',
  ): Promise<void> {
    refuseNegative(n, what, this.offset);
    for (let left = n; left > 0; ) {
      const view = this.piece(left) ?? (await this.nextPiece(left, what));
      use(view);
      left -= view.length;
    }
  }

  /** Streams the next `n` bytes as views of the underlying chunks. */
  async *take(n: number, what: What = 'a file body'): AsyncGenerator<Uint8Array> {
    refuseNegative(n, what, this.offset);
    for (let left = n; left > 0; ) {
      const view = await this.nextPiece(left, what);
      left -= view.length;
      yield view;
    }
  }

  /** Skips `n` bytes now if they are buffered (no promise on the hot path); says whether it did. */
  trySkip(n: number, what: What = 'a file body'): boolean {
    refuseNegative(n, what, this.offset);
    if (n > this.buffered) return false;
    this.at += n;
    this.offset += n;
    return true;
  }

  /** Skips `n` bytes, reopening past them when that is cheaper than reading through. */
  async skip(n: number, what: What = 'a file body'): Promise<void> {
    refuseNegative(n, what, this.offset);
    if (n <= this.buffered) {
      this.at += n;
      this.offset += n;
      return;
    }
    if (this.seekable && n - this.buffered >= this.reopenThreshold) {
      if (this.offset + n > this.end) {
        throw new StrataError(
          'truncated',
          `The file ends in the middle of ${named(what)}.`,
          `at byte ${this.end}`,
        );
      }
      this.offset += n;
      this.chunk = new Uint8Array(0);
      this.at = 0;
      await this.iterator?.return?.();
      this.iterator = undefined;
      this.ended = false;
      return;
    }
    for await (const _ of this.take(n, what)) {
      // drained
    }
  }

  /** Stops reading and releases the stream. */
  async close(): Promise<void> {
    await this.iterator?.return?.();
    this.iterator = undefined;
    this.ended = true;
  }
}

/**
 * A length that is negative or not a whole number can only come from a damaged or hostile header;
 * moving the cursor backwards would read the same bytes forever.
 */
function refuseNegative(n: number, what: What, offset: number): void {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new StrataError(
      'bad-header',
      `A length of ${n} bytes for ${named(what)} is impossible.`,
      `at byte ${offset}`,
    );
}

/**
 * What is being read, for an error message: text, or a function that makes it, called only if
 * the message is made (a tar entry's name, kept as bytes, is then made a string only on error).
 */
export type What = string | (() => string);

const named = (what: What) => (typeof what === 'string' ? what : what());
