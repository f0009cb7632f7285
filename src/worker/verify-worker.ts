/// <reference lib="webworker" />
import { blobSource } from '../core/bytes.ts';
import { toProblem } from '../core/errors.ts';
import type { ArchiveModel } from '../core/image/model.ts';
import { verifyDigests } from '../core/verify.ts';

/**
 * Checks layer digests on its own thread: sha256 runs at about half the reading speed, and on the
 * archive worker it would hold up every question the explorer asks (shared/docs/TOOLCHAIN.md:
 * run it beside the scan, on the second core).
 */
declare const self: DedicatedWorkerGlobalScope;

self.onmessage = async (event: MessageEvent<{ file: Blob; model: ArchiveModel }>) => {
  try {
    self.postMessage(await verifyDigests(blobSource(event.data.file), event.data.model));
  } catch (error) {
    self.postMessage([toProblem(error)]);
  }
};
