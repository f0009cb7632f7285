/// <reference lib="webworker" />
import { concatBytes, openSource } from '../core/bytes.ts';
import { decodedSize, SEGMENT, skimSegment } from '../core/deflate/tail.ts';
import { Gate } from './gate.ts';
import type { FromTailSkimmer, ToTailSkimmer } from './protocol.ts';

/**
 * Finds places to resume from in a large gzip member from its end backwards, a segment at a time
 * (core/deflate/tail.ts), while the skimmer walks it from its start: files near the end of the
 * layer open long before that walk gets there. It walks as many segments as it is asked to (the
 * first of every large layer, then all of one), and goes on where it stopped when a member is
 * given again; it stops for good where the two walks meet, or at a segment it cannot place.
 */
declare const self: DedicatedWorkerGlobalScope;

const send = (message: FromTailSkimmer) => self.postMessage(message);

/** How far past a segment's start the bytes read ahead for the one before it go. */
const LOOK_PAST = 256 << 10;

/** Compressed bytes of the member being walked that the walk from its start has passed. */
let passed = 0;

/** Closed while a read waits for places the skimmer from the start is nearer to. */
const gate = new Gate();

self.onmessage = (event: MessageEvent<ToTailSkimmer>) => {
  const message = event.data;
  if (message.type === 'passed') passed = message.bytes;
  else if (message.type === 'pause') gate.pause();
  else if (message.type === 'resume') gate.resume();
  else {
    // One member at a time: the next comes once this one is done.
    passed = 0;
    void walkBack(message);
  }
};

/** Where the walk of each member stands: it goes on from there when the member is given again. */
interface Walk {
  /** The start of the segment walked last (the next one must meet it); none before the first. */
  stopAt: { bit: number; stored: boolean } | undefined;
  /** The output at `stopAt` (the member's size before the first segment). */
  endOut: number;
  /** Where the next segment's bytes end. */
  segmentEnd: number;
  /** The walk cannot go on (it met the walk from the start, or a segment could not be placed). */
  over: boolean;
}
const walks = new Map<string, Walk>();

async function walkBack(job: Extract<ToTailSkimmer, { type: 'job' }>): Promise<void> {
  const { blobPath, start, size, every } = job;
  const source = openSource(job.source);
  const spec = job.source;
  // A file's range is read whole by the browser, with no JavaScript per chunk, so that it can be
  // read while a segment is walked (below).
  const read = async (from: number, to: number): Promise<Uint8Array> => {
    if (spec.kind === 'blob')
      return new Uint8Array(await spec.blob.slice(start + from, start + to).arrayBuffer());
    const parts: Uint8Array[] = [];
    for await (const chunk of source.read(start + from, start + to)) parts.push(chunk.slice());
    return concatBytes(parts);
  };
  /** The bytes of the segment before the one being walked, asked for ahead. */
  let ahead: { from: number; to: number; bytes: Promise<Uint8Array> } | undefined;
  const segmentBytes = async (from: number, to: number) => {
    const asked = ahead;
    if (asked && asked.from <= from && asked.to >= to)
      return (await asked.bytes).subarray(from - asked.from, to - asked.from);
    return read(from, to);
  };
  let walk = walks.get(blobPath);
  try {
    if (!walk) {
      const trailer = await read(size - 4, size);
      const isize = new DataView(trailer.buffer, trailer.byteOffset, 4).getUint32(0, true);
      walk = {
        stopAt: undefined,
        endOut: decodedSize(isize, job.windowsKept, every),
        segmentEnd: size,
        over: false,
      };
      walks.set(blobPath, walk);
    }
    // The gzip header takes at least 10 bytes; the segment is left when the walk from the
    // start is already in it (with one of its progress steps to spare).
    for (let walked = 0; walked < job.segments && !walk.over; walked++) {
      // The first segment is half as long, so that the places nearest the end come soonest (8 MiB
      // of data holds the last one for any layer that compresses at all).
      await gate.wait();
      const { stopAt, segmentEnd } = walk;
      const segmentFrom = Math.max(10, segmentEnd - (stopAt ? SEGMENT : SEGMENT / 2));
      if (segmentFrom <= passed + SEGMENT) {
        walk.over = true;
        break;
      }
      const bytes = await segmentBytes(segmentFrom, segmentEnd);
      // The segment before ends where this one's first block starts, almost always in its
      // first few kilobytes: its bytes up to LOOK_PAST past this one's start are read meanwhile.
      if (walked + 1 < job.segments) {
        const aheadFrom = Math.max(10, segmentFrom - SEGMENT);
        const aheadTo = Math.min(segmentEnd, segmentFrom + LOOK_PAST);
        ahead = { from: aheadFrom, to: aheadTo, bytes: read(aheadFrom, aheadTo) };
        ahead.bytes.catch(() => undefined);
      }
      const segment = skimSegment(bytes, segmentFrom, stopAt, walk.endOut, every);
      if (!segment) {
        walk.over = true;
        break;
      }
      send({
        type: 'tail-found',
        blobPath,
        points: segment.points,
        bit: segment.startBit,
        stored: segment.stored,
        from: segment.startOut,
        ...(stopAt ? {} : { endBit: segment.endBit }),
      });
      walk.stopAt = { bit: segment.startBit, stored: segment.stored };
      walk.endOut = segment.startOut;
      // A few bytes past the start, which the walk of the segment before stops at.
      walk.segmentEnd = Math.ceil(segment.startBit / 8) + 8;
    }
  } catch {
    // An unreadable source or a member cut short: the walk from the start finds what there is.
    if (walk) walk.over = true;
  }
  send({ type: 'tail-done', blobPath });
}
