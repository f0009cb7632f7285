/// <reference lib="webworker" />
import { openSource, type SourceSpec } from '../core/bytes.ts';
import { toProblem } from '../core/errors.ts';
import type { ArchiveModel } from '../core/image/model.ts';
import { verifyDigests } from '../core/verify.ts';

/**
 * Checks layer digests on its own thread: sha256 runs at about half the reading speed, and on the
 * archive worker it would hold up every question the explorer asks (shared/docs/TOOLCHAIN.md:
 * run it beside the scan, on the second core).
 */
declare const self: DedicatedWorkerGlobalScope;

self.onmessage = async (event: MessageEvent<{ source: SourceSpec; model: ArchiveModel }>) => {
  try {
    self.postMessage(await verifyDigests(openSource(event.data.source), event.data.model));
  } catch (error) {
    self.postMessage([toProblem(error)]);
  }
};
