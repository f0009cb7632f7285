/// <reference lib="webworker" />
import { concatBytes, openSource } from '../core/bytes.ts';
import { decodedSize, SEGMENT, skimSegment } from '../core/deflate/tail.ts';
import type { FromTailSkimmer, ToTailSkimmer } from './protocol.ts';

/**
 * Finds places to resume from in one large gzip member from its end backwards, a segment at a
 * time (core/deflate/tail.ts), while the skimmer walks it from its start: files near the end of
 * the layer open long before that walk gets there. It stops where the two meet, or at the first
 * segment it cannot place.
 */
declare const self: DedicatedWorkerGlobalScope;

const send = (message: FromTailSkimmer) => self.postMessage(message);

/** Compressed bytes of the member the walk from its start has passed. */
let passed = 0;

self.onmessage = (event: MessageEvent<ToTailSkimmer>) => {
  const message = event.data;
  if (message.type === 'passed') passed = message.bytes;
  else void walkBack(message);
};

async function walkBack(job: Extract<ToTailSkimmer, { type: 'job' }>): Promise<void> {
  const { blobPath, start, size, every } = job;
  const source = openSource(job.source);
  const read = async (from: number, to: number) => {
    const parts: Uint8Array[] = [];
    for await (const chunk of source.read(start + from, start + to)) parts.push(chunk.slice());
    return concatBytes(parts);
  };
  try {
    const trailer = await read(size - 4, size);
    const isize = new DataView(trailer.buffer, trailer.byteOffset, 4).getUint32(0, true);
    let endOut = decodedSize(isize, job.windowsKept, every);
    let stopAt: { bit: number; stored: boolean } | undefined;
    let segmentEnd = size;
    // The gzip header takes at least 10 bytes; the segment is left when the walk from the
    // start is already in it (with one of its progress steps to spare).
    while (true) {
      const segmentFrom = Math.max(10, segmentEnd - SEGMENT);
      if (segmentFrom <= passed + SEGMENT) break;
      const bytes = await read(segmentFrom, segmentEnd);
      const segment = skimSegment(bytes, segmentFrom, stopAt, endOut, every);
      if (!segment) break;
      send({
        type: 'tail-found',
        blobPath,
        points: segment.points,
        bit: segment.startBit,
        stored: segment.stored,
        from: segment.startOut,
        ...(stopAt ? {} : { endBit: segment.endBit }),
      });
      stopAt = { bit: segment.startBit, stored: segment.stored };
      endOut = segment.startOut;
      // A few bytes past the start, which the walk of the segment before stops at.
      segmentEnd = Math.ceil(segment.startBit / 8) + 8;
    }
  } catch {
    // An unreadable source or a member cut short: the walk from the start finds what there is.
  }
  send({ type: 'tail-done', blobPath });
}
