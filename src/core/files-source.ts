import type { ByteSource } from './bytes.ts';
import { throwIfAborted } from './errors.ts';
import { entryHeader, plainMeta, tarPadding } from './tar/encode.ts';

/**
 * A folder of files (an OCI image layout dropped as a folder) read as if it were the tar of that
 * folder: headers are made on the fly and bodies are slices of the files, so the one archive
 * reader serves folders too, and nothing is copied.
 */
export function filesSource(files: readonly { path: string; blob: Blob }[]): ByteSource {
  type Segment = { start: number; bytes?: Uint8Array; blob?: Blob };
  const segments: Segment[] = [];
  let at = 0;
  const add = (segment: Omit<Segment, 'start'>, length: number) => {
    if (length === 0) return;
    segments.push({ ...segment, start: at });
    at += length;
  };
  for (const { path, blob } of [...files].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    const header = entryHeader(plainMeta(path, 'file', blob.size));
    add({ bytes: header }, header.length);
    add({ blob }, blob.size);
    const pad = tarPadding(blob.size);
    add({ bytes: pad }, pad.length);
  }
  add({ bytes: new Uint8Array(1024) }, 1024);
  const size = at;
  return {
    size,
    seekable: true,
    async *read(start, end = size, signal) {
      for (const segment of segments) {
        const length = segment.bytes ? segment.bytes.length : segment.blob!.size;
        const from = Math.max(start, segment.start);
        const to = Math.min(end, segment.start + length);
        if (from >= to) continue;
        throwIfAborted(signal);
        if (segment.bytes) {
          yield segment.bytes.subarray(from - segment.start, to - segment.start);
        } else {
          const reader = segment
            .blob!.slice(from - segment.start, to - segment.start)
            .stream()
            .getReader();
          try {
            while (true) {
              const { done, value } = await reader.read();
              throwIfAborted(signal);
              if (done) break;
              yield value;
            }
          } finally {
            reader.releaseLock();
          }
        }
      }
    },
  };
}
