/// <reference lib="webworker" />
import { openSource } from '../core/bytes.ts';
import { DeflateSkimmer } from '../core/deflate/skim.ts';
import { SEEK_EVERY } from '../core/deflate/windows.ts';
import { Gate } from './gate.ts';
import type { FromSkimmer, SkimJob, SkimMeet, SkimPause } from './protocol.ts';

/**
 * Finds the places to resume decoding from in the gzip layers of an uncompressed archive
 * (core/deflate/skim.ts), one layer after another, reading each blob from the file itself. It runs
 * once a core is free of scanning, and says what it finds as it finds it, so that reads use a
 * layer's first places while the rest are being found.
 */
declare const self: DedicatedWorkerGlobalScope;

const send = (message: FromSkimmer) => self.postMessage(message);

/** Progress is told every this many compressed bytes. */
const TELL_EVERY = 16 << 20;

/** The layer being walked, which places found from its end may meet. */
let current: { blobPath: string; skimmer: DeflateSkimmer } | undefined;
/** Where the places found from the end of layers not walked yet begin. */
const meets = new Map<string, SkimMeet>();

/** Closed while a read waits for places the tail walker is nearer to. */
const gate = new Gate();

self.onmessage = (event: MessageEvent<SkimJob | SkimMeet | SkimPause>) => {
  const message = event.data;
  if (message.type === 'job') void skim(message);
  else if (message.type === 'pause') gate.pause();
  else if (message.type === 'resume') gate.resume();
  else if (current?.blobPath === message.blobPath)
    current.skimmer.meetAt(message.bit, message.stored);
  else meets.set(message.blobPath, message);
};

async function skim(job: SkimJob): Promise<void> {
  const source = openSource(job.source);
  let walked = 0;
  let told = 0;
  for (const { blobPath, start, size } of job.layers) {
    const before = walked;
    const skimmer = new DeflateSkimmer(SEEK_EVERY);
    current = { blobPath, skimmer };
    const meet = meets.get(blobPath);
    if (meet) skimmer.meetAt(meet.bit, meet.stored);
    let sent = 0;
    const sendFound = () => {
      const points = skimmer.found.slice(sent);
      sent += points.length;
      if (points.length > 0) send({ type: 'found', blobPath, points });
    };
    try {
      for await (const chunk of source.read(start, start + size)) {
        skimmer.push(chunk);
        walked += chunk.length;
        if (walked - told >= TELL_EVERY) {
          told = walked;
          send({ type: 'walked', bytes: walked });
          // A file read faster than it is walked never waits, so no message would be taken in
          // until the layer's end: where the places found from the end begin comes in here.
          await new Promise((resolve) => setTimeout(resolve, 0));
          await gate.wait();
        }
        // Each as it is found (one per SEEK_EVERY bytes of output): a read may be waiting on it.
        if (skimmer.found.length > sent) sendFound();
        // The places from here on were found from the end.
        if (skimmer.stopped) break;
      }
      const index = skimmer.end();
      sendFound();
      if (index && skimmer.stopped)
        send({ type: 'met', blobPath, bit: skimmer.stop, out: index.size });
      else if (index) send({ type: 'ended', blobPath, endBit: index.endBit, size: index.size });
      else send({ type: 'failed', blobPath, message: 'the gzip data ends early' });
    } catch (error) {
      send({
        type: 'failed',
        blobPath,
        message: error instanceof Error ? error.message : String(error),
      });
    }
    // Each layer counts whole once over (one let go early: not gzip, or damaged).
    walked = before + size;
    send({ type: 'walked', bytes: walked });
  }
  current = undefined;
  send({ type: 'done' });
}
