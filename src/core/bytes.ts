import { throwIfAborted } from './errors.ts';
import { filesSource } from './files-source.ts';

/**
 * Where archive bytes come from. One small interface (after perfetto's trace stream) with three
 * implementations: a Blob or File, an HTTP URL, and bytes in memory for tests.
 *
 * `read(start, end)` streams a range in chunks; readers that want to skip a large body open a new
 * range past it instead of streaming through it. An aborted read throws a `cancelled` error: it
 * never looks like the end of the data, which a reader would take for a truncated archive.
 */
export interface ByteSource {
  /** Total size in bytes. */
  readonly size: number;
  /** True when `read` at an arbitrary offset is cheap (a slice, a range request). */
  readonly seekable: boolean;
  read(start: number, end?: number, signal?: AbortSignal): AsyncIterable<Uint8Array>;
  /**
   * As `read`, but each chunk is good only until the next is asked for: its memory is used again.
   * For readers that copy whatever they keep (a tar walk: headers parsed at once, bodies hashed
   * piece by piece); where a source has none, `read` serves.
   */
  readReused?(start: number, end?: number, signal?: AbortSignal): AsyncIterable<Uint8Array>;
}

/** `source.readReused` where it has one, `source.read` otherwise. */
export function readTransient(
  source: ByteSource,
  start: number,
  end?: number,
  signal?: AbortSignal,
): AsyncIterable<Uint8Array> {
  return source.readReused
    ? source.readReused(start, end, signal)
    : source.read(start, end, signal);
}

/** Bytes in memory, handed out in chunks of `chunkSize` so tests can probe chunk boundaries. */
export function bytesSource(bytes: Uint8Array, chunkSize = 1 << 20): ByteSource {
  return {
    size: bytes.length,
    seekable: true,
    async *read(start, end = bytes.length, signal) {
      for (let at = start; at < end; at += chunkSize) {
        throwIfAborted(signal);
        yield bytes.subarray(at, Math.min(end, at + chunkSize));
      }
    },
  };
}

/** A File or Blob, read through `slice().stream()` (no copy of the whole file is ever made). */
export function blobSource(blob: Blob): ByteSource {
  return {
    size: blob.size,
    seekable: true,
    read(start, end = blob.size, signal) {
      return streamChunks(blob.slice(start, end).stream(), signal);
    },
    readReused(start, end = blob.size, signal) {
      return streamReused(blob.slice(start, end).stream(), signal);
    },
  };
}

/** How much a reused read asks for at a time. */
const REUSED_CHUNK = 1 << 20;

/**
 * A byte stream read into one buffer over and over (a BYOB reader), each chunk a view of it that
 * lasts until the next is asked for. A stream read the usual way makes a new buffer per chunk, and
 * the dead ones wait for a collection: draining the 513 MB million-entry image in a worker grew
 * Chromium by 152 MB that way and by 62-68 MB this way. A stream without BYOB reads is read as usual.
 */
export async function* streamReused(
  stream: ReadableStream<Uint8Array>,
  signal?: AbortSignal,
): AsyncGenerator<Uint8Array> {
  let reader: ReadableStreamBYOBReader;
  try {
    reader = stream.getReader({ mode: 'byob' });
  } catch {
    yield* streamChunks(stream, signal);
    return;
  }
  let buffer = new ArrayBuffer(REUSED_CHUNK);
  // Held while a read is pending (see `reading`); not while the consumer holds a chunk, so that a
  // consumer that drops the stream without ending it leaves nothing held.
  const held = { stream, reader };
  try {
    while (true) {
      throwIfAborted(signal);
      reading.add(held);
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await reader.read(new Uint8Array(buffer));
      } finally {
        reading.delete(held);
      }
      const { done, value } = result;
      throwIfAborted(signal);
      if (done || !value) return;
      if (value.length > 0) yield value;
      // The read moved the buffer into `value`; the consumer is done with it now.
      buffer = value.buffer as ArrayBuffer;
    }
  } finally {
    reader.cancel().catch(releaseFailed);
  }
}

/**
 * Streams read through BYOB readers, held while a read is pending. Chromium does not keep a Blob's
 * stream alive for a pending BYOB read: when nothing else refers to the stream, a collection takes
 * it, with the read and everything waiting on it, and the read never ends (a million-entry image
 * stopped part-way in 2 of 10 opens; with a collection every 10 ms, in every open, before the first
 * byte; a default reader does not stop so). Held here, the stream outlives each read.
 */
const reading = new Set<object>();

/**
 * A URL. With `rangeable` the server honours `Range` requests, so each read is one request;
 * without it a read at an offset streams from the start and drops what comes before.
 */
export function urlSource(url: string, size: number, rangeable: boolean): ByteSource {
  return {
    size,
    seekable: rangeable,
    async *read(start, end = size, signal) {
      if (end <= start) return;
      const headers: Record<string, string> = rangeable
        ? { Range: `bytes=${start}-${end - 1}` }
        : {};
      const response = await fetch(url, { headers, signal: signal ?? null });
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status} for ${url}`);
      const partial = response.status === 206;
      let at = partial ? start : 0;
      for await (const chunk of streamChunks(response.body, signal)) {
        const from = Math.max(0, start - at);
        const to = Math.min(chunk.length, end - at);
        at += chunk.length;
        if (to > from) yield chunk.subarray(from, to);
        if (at >= end) return;
      }
    },
  };
}

/** A ReadableStream as an async iterable that releases the stream when the consumer stops early. */
export async function* streamChunks(
  stream: ReadableStream<Uint8Array>,
  signal?: AbortSignal,
): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    while (true) {
      throwIfAborted(signal);
      const { done, value } = await reader.read();
      throwIfAborted(signal);
      if (done) return;
      if (value.length > 0) yield value;
    }
  } finally {
    reader.cancel().catch(releaseFailed);
  }
}

/**
 * A source described in a form that can be posted to a worker: a File or Blob, a URL (with what a
 * probe learned of it), or the files of a dropped folder.
 */
export type SourceSpec =
  | { kind: 'blob'; blob: Blob }
  | { kind: 'url'; url: string; size: number; rangeable: boolean }
  | { kind: 'files'; files: { path: string; blob: Blob }[] };

export function openSource(spec: SourceSpec): ByteSource {
  switch (spec.kind) {
    case 'blob':
      return blobSource(spec.blob);
    case 'url':
      return urlSource(spec.url, spec.size, spec.rangeable);
    case 'files':
      return filesSource(spec.files);
  }
}

/** Byte arrays joined into one (a single part is returned as it is, not copied). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Releasing a stream the reader has finished with can fail only if the stream already errored,
 * and that error has already reached the reader: there is nothing more to report.
 */
export function releaseFailed(_error: unknown): void {}
