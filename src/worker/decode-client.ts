import type { SourceSpec } from '../core/bytes.ts';
import type { Compression } from '../core/compression.ts';
import type { DecodedElsewhere } from '../core/read-archive.ts';
import { receiveDecoded } from './decode-stream.ts';
import type { DecodeJob } from './decode-worker.ts';

/**
 * Decodes `source` from its start in a worker of its own (decode-worker.ts), for
 * ReadOptions.decodeElsewhere; the worker ends when the reader stops or the data ends.
 */
export function decodeInWorker(
  source: SourceSpec,
  compression: Compression,
  /** Note a zstd or gzip archive's places (DecodeJob.places). */
  places: boolean,
): DecodedElsewhere {
  const decoder = new Worker(new URL('./decode-worker.ts', import.meta.url), { type: 'module' });
  decoder.postMessage({ source, compression, places } satisfies DecodeJob);
  return receiveDecoded(decoder, () => decoder.terminate());
}
