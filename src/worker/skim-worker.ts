/// <reference lib="webworker" />
import { openSource } from '../core/bytes.ts';
import { DeflateSkimmer } from '../core/deflate/skim.ts';
import { SEEK_EVERY } from '../core/deflate/windows.ts';
import type { FromSkimmer, SkimJob } from './protocol.ts';

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

self.onmessage = async (event: MessageEvent<SkimJob>) => {
  const source = openSource(event.data.source);
  let walked = 0;
  let told = 0;
  for (const { blobPath, start, size } of event.data.layers) {
    const before = walked;
    const skimmer = new DeflateSkimmer(SEEK_EVERY);
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
        }
        // Each as it is found (one per SEEK_EVERY bytes of output): a read may be waiting on it.
        if (skimmer.found.length > sent) sendFound();
      }
      const index = skimmer.end();
      sendFound();
      if (index) send({ type: 'ended', blobPath, endBit: index.endBit, size: index.size });
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
  send({ type: 'done' });
};
