/// <reference lib="webworker" />
import { openSource, type SourceSpec, streamChunks } from '../core/bytes.ts';
import type { ArchiveModel } from '../core/image/model.ts';
import { layerBlobs, verifyDigests } from '../core/verify.ts';
import { Gate } from './gate.ts';
import { keptFile, openKeptWriter } from './kept-on-disk.ts';
import type { FromVerifier } from './protocol.ts';

/**
 * Checks layer digests on its own thread: sha256 runs at about half the reading speed, and on the
 * archive worker it would hold up every question the page asks (shared/docs/TOOLCHAIN.md: run it
 * beside the scan, on the second core). A failure to check at all is thrown, so that the page
 * hears it through `onerror` and never mistakes it for success. It first keeps each compressed
 * layer's tar in the session's folder (`keptIn`) if the keeper did not (kept-on-disk.ts), then
 * hashes the layers, the kept ones from that copy.
 */
declare const self: DedicatedWorkerGlobalScope;

const send = (message: FromVerifier) => self.postMessage(message);

/** Closed while the page reads a file for the person using it (session.ts). */
const gate = new Gate();

self.onmessage = async (
  event: MessageEvent<
    | {
        source: SourceSpec;
        model: ArchiveModel;
        keptIn?: string;
        /** The blobs this checker has (verifyShares); all of them when not given. */
        only?: string[];
        /** Layers a seek index serves whole, not kept ('' for a whole gzip-wrapped archive). */
        indexed?: string[];
      }
    | { pause: boolean }
  >,
) => {
  if ('pause' in event.data) {
    if (event.data.pause) gate.pause();
    else gate.resume();
    return;
  }
  const { source, model, keptIn, only } = event.data;
  const indexed = new Set(event.data.indexed ?? []);
  // A layer that a seek index serves is not kept too: its files open from the index already.
  const served = (blobPath: string) => indexed.has(blobPath) || indexed.has('');
  try {
    let total = (only ?? layerBlobs(model)).length;
    const problems = await verifyDigests(gate.source(openSource(source)), model, {
      only,
      oneMember: indexed,
      onBlob: (done, all) => {
        total = all;
        send({ type: 'progress', done, total: all });
      },
      ...(keptIn
        ? {
            keep: async (blobPath: string) =>
              served(blobPath)
                ? undefined
                : openKeptWriter(
                    keptIn,
                    blobPath,
                    'check',
                    (bytes, whole) => send({ type: 'kept', blobPath, bytes, whole }),
                    (bytes) => send({ type: 'keeping', blobPath, bytes }),
                  ),
            keptTar: async (blobPath: string) => {
              const file = await keptFile(keptIn, blobPath, 'check');
              return file && gate.through(streamChunks(file.stream()));
            },
          }
        : {}),
    });
    send({ type: 'done', total, problems });
  } catch (error) {
    // Thrown again outside the promise: Chromium tells the page's `onerror` of an uncaught error,
    // not of a rejected handler (tried in Chromium 156: a worker whose handler rejects is never
    // heard of, and its check would show as running for ever).
    setTimeout(() => {
      throw error;
    });
  }
};
