import { fstatSync, openSync, read } from 'node:fs';
import type { ByteSource } from '../core/bytes.ts';
import { throwIfAborted } from '../core/errors.ts';

/** How much one read asks of the file. */
const CHUNK = 1 << 20;

/** `length` bytes of the file at `at` (fewer at its end). */
function readAt(fd: number, at: number, length: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const buffer = new Uint8Array(length);
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
  return {
    size,
    seekable: true,
    async *read(start, end = size, signal) {
      end = Math.min(end, size);
      const ask = (at: number) => {
        const asked = readAt(fd, at, Math.min(CHUNK, end - at));
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
    },
  };
}
