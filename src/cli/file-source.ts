import { fstatSync, openSync, read } from 'node:fs';
import type { ByteSource } from '../core/bytes.ts';
import { throwIfAborted } from '../core/errors.ts';

/** How much one read asks of the file. */
const CHUNK = 1 << 20;

/** `length` bytes of the file at `at` (fewer at its end). */
function readAt(
  fd: number,
  at: number,
  length: number,
  buffer = new Uint8Array(length),
): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    read(fd, buffer, 0, length, at, (error, bytesRead) =>
      error ? reject(error) : resolve(buffer.subarray(0, bytesRead)),
    );
  });
}

/**
 * A file on disk, read in pieces of 1 MiB with the next piece already asked for while the reader
 * works on this one. `openAsBlob(file).stream()` hands out 64 KiB at a time, one after the other:
 * draining the million-entry bench image took it 0.66-0.94 s against 0.28-0.31 s this way.
 * One descriptor for the command's life, shared by every read (each says where it reads): a
 * reader that stops part-way leaves nothing open behind it.
 */
export function fileSource(path: string): ByteSource {
  const fd = openSync(path, 'r');
  const size = fstatSync(fd).size;
  async function* chunks(
    start: number,
    end: number,
    signal: AbortSignal | undefined,
    buffers?: [Uint8Array<ArrayBuffer>, Uint8Array<ArrayBuffer>],
  ): AsyncGenerator<Uint8Array> {
    end = Math.min(end, size);
    let turn = 0;
    const ask = (at: number) => {
      const length = Math.min(CHUNK, end - at);
      // Reused: the piece asked ahead goes into the buffer the reader is not holding.
      const asked = readAt(fd, at, length, buffers?.[turn++ % 2]);
      // Asked ahead: a failure is met when it is awaited, not reported as unhandled before.
      asked.catch(() => {});
      return asked;
    };
    let pending = start < end ? ask(start) : undefined;
    for (let at = start; pending; ) {
      throwIfAborted(signal);
      const bytes = await pending;
      if (bytes.length === 0) return; // the file became shorter: the reader says it is truncated
      at += bytes.length;
      pending = at < end ? ask(at) : undefined;
      yield bytes;
    }
  }
  return {
    size,
    seekable: true,
    read: (start, end = size, signal) => chunks(start, end, signal),
    // Two buffers for the whole read: a new one a piece left 1 MiB of garbage each, which the
    // analyze command's peak held tens of MB of (a layer of a million entries: 30 MB).
    readReused: (start, end = size, signal) =>
      chunks(start, end, signal, [new Uint8Array(CHUNK), new Uint8Array(CHUNK)]),
  };
}
