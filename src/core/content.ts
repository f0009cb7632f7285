import type { ByteSource } from './bytes.ts';
import { ChunkReader } from './chunk-reader.ts';
import { type Compression, guardedDecompress } from './compression.ts';
import { type SeekIndexes, WHOLE_ARCHIVE } from './deflate/seek-index.ts';
import { StrataError, throwIfAborted } from './errors.ts';
import type { KeptLayers } from './kept-layers.ts';
import { DEFAULT_LIMITS } from './limits.ts';
import { checksumMatches } from './tar/header.ts';

/** Decoding this far on from where the last read stopped costs more than starting at a place. */
const RESUME_RATHER = 1 << 20;

/** Where a layer blob lies in the archive, and how both are compressed. */
export interface LayerLocation {
  /** Offset and size of the blob in the outer tar (decompressed, if the outer file is compressed). */
  blobOffset: number;
  blobSize: number;
  outer: Compression;
  layer: Compression;
}

/**
 * Reads a layer's bytes back: the blob as stored, its tar, or one file's body in it.
 *
 * Only what is needed is read: an uncompressed layer in an uncompressed archive gives a file's
 * body as its own slice of the archive; a compressed layer is decompressed from its start up to the
 * file (and a compressed archive from its start up to the layer), unless the layer has been kept
 * decompressed on disk (`onDisk`, kept-layers.ts), when it is read there at its offset. Small
 * decompressed layers are kept in memory, so that opening the next file of the same layer is
 * instant.
 */
export class LayerContent {
  private readonly kept = new Map<string, Uint8Array>();
  /** Where the last read through a compressed layer stopped (see readOn). */
  private cursor:
    | { key: string; reader: ChunkReader; stop: AbortController; resumed: boolean }
    | undefined;
  private keptBytes = 0;

  constructor(
    private readonly source: ByteSource,
    /** Decompressed layers up to this size are kept, up to twice it in all. */
    private readonly keepLimit = 64 << 20,
    /** Layers the digest check kept decompressed on disk. */
    private readonly onDisk?: KeptLayers,
    /** Places to resume decoding from inside gzip layers (deflate/seek-index.ts). */
    private readonly seek?: SeekIndexes,
  ) {}

  /** The blob exactly as stored in the archive. */
  blob(at: LayerLocation, signal?: AbortSignal): AsyncIterable<Uint8Array> {
    if (at.outer === 'none')
      return this.source.read(at.blobOffset, at.blobOffset + at.blobSize, signal);
    return this.fromCompressedArchive(at, signal);
  }

  private async *fromCompressedArchive(
    at: LayerLocation,
    signal?: AbortSignal,
  ): AsyncGenerator<Uint8Array> {
    const whole = guardedDecompress(
      at.outer,
      this.source.read(0, undefined, signal),
      () => this.source.read(0, undefined, signal),
      DEFAULT_LIMITS,
      'The archive',
    );
    const reader = new ChunkReader(() => whole, false, 0, signal);
    try {
      await reader.skip(at.blobOffset, 'the archive');
      yield* reader.take(at.blobSize, 'a layer');
    } finally {
      await reader.close();
    }
  }

  /** The layer's tar stream, decompressed. */
  tar(at: LayerLocation, signal?: AbortSignal): AsyncIterable<Uint8Array> {
    return guardedDecompress(
      at.layer,
      this.blob(at, signal),
      () => this.blob(at, signal),
      DEFAULT_LIMITS,
      'This layer',
    );
  }

  /**
   * `length` bytes of a file whose body starts at `dataOffset` in the layer's tar, from `start`.
   */
  async read(
    at: LayerLocation,
    key: string,
    dataOffset: number,
    start: number,
    length: number,
    signal?: AbortSignal,
  ): Promise<Uint8Array> {
    if (length <= 0) return new Uint8Array(0);
    if (at.outer === 'none' && at.layer === 'none') {
      const from = at.blobOffset + dataOffset + start;
      return collect(this.source.read(from, from + length, signal), length);
    }
    const kept = this.kept.get(key);
    if (kept) return kept.slice(dataOffset + start, dataOffset + start + length);
    // Bytes on disk now are read there; else a place to decode from near the file (a gzip layer's
    // seek index) beats waiting for the check to keep the layer, or decoding it from its start.
    const onDiskNow = this.onDisk?.holds(key, dataOffset + start, length) === true;
    if (at.outer === 'none' && !onDiskNow) {
      await this.seek?.near(key, dataOffset + start, signal);
      if (this.seek?.placeBefore(key, dataOffset + start) !== undefined)
        return this.readOn(at, key, dataOffset + start, length, signal, dataOffset - 512);
    }
    if ((at.outer === 'gzip' || at.outer === 'zstd') && at.layer === 'none' && !onDiskNow) {
      const fromPlace = await this.fromArchivePlace(at, dataOffset, start, length, signal);
      if (fromPlace) return fromPlace;
    }
    const fromDisk = await this.onDisk?.read(key, dataOffset + start, length);
    if (fromDisk) return fromDisk;
    const small =
      at.layer === 'none' ? at.blobSize <= this.keepLimit : at.blobSize <= this.keepLimit / 4;
    if (small) {
      // Kept only if it really is small once decompressed: a few compressed kilobytes may claim
      // gigabytes, and then the file is read by streaming up to it instead.
      const whole = await collect(this.tar(at, signal), this.keepLimit + 1);
      if (whole.length <= this.keepLimit) {
        this.keep(key, whole);
        return whole.slice(dataOffset + start, dataOffset + start + length);
      }
    }
    return this.readOn(at, key, dataOffset + start, length, signal, dataOffset - 512);
  }

  /**
   * A file of a gzip- or zstd-wrapped archive (`docker save | gzip`, plain layers inside) decoded
   * from the place before it in the archive's seek index; undefined when there is none, or when it does
   * not decode (the index is then dropped and the archive decoded from its start, as before).
   */
  private async fromArchivePlace(
    at: LayerLocation,
    dataOffset: number,
    start: number,
    length: number,
    signal?: AbortSignal,
  ): Promise<Uint8Array | undefined> {
    const seek = this.seek;
    if (!seek) return undefined;
    const from = at.blobOffset + dataOffset + start;
    const headerAt = at.blobOffset + dataOffset - 512;
    await seek.near(WHOLE_ARCHIVE, from, signal);
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    signal?.addEventListener('abort', onAbort);
    const fromPlace = seek.tarFrom(WHOLE_ARCHIVE, from, (a, b) =>
      this.source.read(a, b, stop.signal),
    );
    if (!fromPlace) {
      signal?.removeEventListener('abort', onAbort);
      return undefined;
    }
    const reader = new ChunkReader(() => fromPlace.tar, false, fromPlace.start, stop.signal);
    try {
      if (reader.offset <= headerAt) await expectHeader(reader, headerAt, 'the archive');
      await reader.skip(from - reader.offset, 'the archive');
      const bytes = await reader.readExact(length, 'a file');
      if (!bytes) throw new StrataError('truncated', 'The archive ends before the file.');
      return bytes.slice();
    } catch {
      throwIfAborted(signal);
      seek.drop(WHOLE_ARCHIVE);
      return undefined;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      await reader.close();
    }
  }

  /**
   * Reads through the decompressed layer, going on from where the last read of the same layer
   * stopped when that is not past `from`: paging through a large file, or opening the files of a
   * layer in order, then decompresses each byte once, not from the start every time.
   */
  private async readOn(
    at: LayerLocation,
    key: string,
    from: number,
    length: number,
    signal: AbortSignal | undefined,
    /** Where the file's tar header lies: a read from a place checks it (see below). */
    headerAt: number,
  ): Promise<Uint8Array> {
    let cursor = this.cursor;
    let fresh = false;
    // The place before the bytes wanted; when it is before the file's header too, the header is
    // checked on the way (a page deep in a large file starts inside it, unchecked).
    const place = at.outer === 'none' ? this.seek?.placeBefore(key, from) : undefined;
    const resumed = place !== undefined;
    if (
      cursor &&
      cursor.key === key &&
      cursor.reader.offset <= from &&
      // Going on costs what lies between; a place well past the cursor costs less.
      !(resumed && place - cursor.reader.offset > RESUME_RATHER)
    )
      this.cursor = undefined;
    else {
      fresh = true;
      const stop = new AbortController();
      const fromPlace = resumed
        ? this.seek?.tarFrom(key, from, (a, b) =>
            this.source.read(at.blobOffset + a, at.blobOffset + b, stop.signal),
          )
        : undefined;
      cursor = {
        key,
        stop,
        reader: fromPlace
          ? new ChunkReader(() => fromPlace.tar, false, fromPlace.start, stop.signal)
          : new ChunkReader(() => this.tar(at, stop.signal), false, 0, stop.signal),
        resumed: fromPlace !== undefined,
      };
    }
    // The cursor outlives this call; a cancelled call stops it, and it is not kept.
    const { stop, reader } = cursor;
    const onAbort = () => stop.abort();
    signal?.addEventListener('abort', onAbort);
    try {
      throwIfAborted(signal);
      if (fresh && cursor.resumed && reader.offset <= headerAt)
        await expectHeader(reader, headerAt, 'the layer');
      await reader.skip(from - reader.offset, 'the layer');
      const bytes = await reader.readExact(length, 'a file');
      if (!bytes) throw new StrataError('truncated', 'The layer ends before the file.');
      const copy = bytes.slice();
      const previous = this.cursor;
      this.cursor = cursor;
      if (previous) await previous.reader.close();
      return copy;
    } catch (error) {
      await reader.close();
      throwIfAborted(signal);
      if (!cursor.resumed) throw error;
      // A read from a place that fails is made again from the layer's start, without the places:
      // the layer itself says then what is wrong with it, if anything is.
      this.seek?.drop(key);
      return this.readOn(at, key, from, length, signal, headerAt);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * The bodies of several entries of one layer, in offset order: each read directly when nothing
   * is compressed, else all in one pass over the decompressed layer.
   */
  async *bodies(
    at: LayerLocation,
    key: string,
    wanted: { id: number; dataOffset: number; size: number }[],
    signal?: AbortSignal,
  ): AsyncGenerator<[number, Uint8Array]> {
    const inOrder = [...wanted].sort((a, b) => a.dataOffset - b.dataOffset);
    const direct =
      (at.outer === 'none' && at.layer === 'none') ||
      this.kept.has(key) ||
      this.onDisk?.has(key) === true;
    if (direct) {
      for (const w of inOrder)
        yield [w.id, await this.read(at, key, w.dataOffset, 0, w.size, signal)];
      return;
    }
    const reader = new ChunkReader(() => this.tar(at, signal), false, 0, signal);
    try {
      let position = 0;
      for (const w of inOrder) {
        if (w.dataOffset < position) continue;
        await reader.skip(w.dataOffset - position, 'the layer');
        const bytes = w.size === 0 ? new Uint8Array(0) : await reader.readExact(w.size, 'a file');
        if (!bytes) throw new StrataError('truncated', 'The layer ends before a file it lists.');
        position = w.dataOffset + w.size;
        yield [w.id, bytes.slice()];
      }
    } finally {
      await reader.close();
    }
  }

  private keep(key: string, bytes: Uint8Array): void {
    for (const [k, v] of this.kept) {
      if (this.keptBytes + bytes.length <= this.keepLimit * 2) break;
      this.kept.delete(k);
      this.keptBytes -= v.length;
    }
    this.kept.set(key, bytes);
    this.keptBytes += bytes.length;
  }
}

async function collect(chunks: AsyncIterable<Uint8Array>, limit: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of chunks) {
    parts.push(chunk);
    length += chunk.length;
    if (length >= limit) break;
  }
  const out = new Uint8Array(Math.min(length, limit));
  let at = 0;
  for (const part of parts) {
    const take = Math.min(part.length, out.length - at);
    out.set(part.subarray(0, take), at);
    at += take;
    if (at >= out.length) break;
  }
  return out;
}

/**
 * Decoding from a place the skimmer found (deflate/seek-index.ts): the file's tar header at
 * `headerAt` must come out whole, or the place is not what it was taken for.
 */
async function expectHeader(reader: ChunkReader, headerAt: number, where: string): Promise<void> {
  await reader.skip(headerAt - reader.offset, where);
  const header = await reader.readExact(512, 'a header');
  if (!header || !checksumMatches(header))
    throw new StrataError('bad-compression', `A place in ${where} did not decode to its tar.`);
}
