/// <reference lib="webworker" />
import { openSource, type SourceSpec } from '../core/bytes.ts';
import { type Compression, counted, decompress } from '../core/compression.ts';
import { ARCHIVE_NOTED_EVERY, type NotedPlace } from '../core/deflate/noted-places.ts';
import { gunzipOrAgain, nativeGunzip } from '../core/gunzip.ts';
import { ARCHIVE_PLACES_BUDGET, takingPlaces } from '../core/zstd.ts';
import { sendDecoded, sendNoted, sendPlace } from './decode-stream.ts';

/**
 * Decompresses a compressed archive (`docker save | gzip`) from its start for the archive worker,
 * which reads the tar as it comes (decode-stream.ts): decoding is most of the work, and here it
 * has a core of its own.
 */
declare const self: DedicatedWorkerGlobalScope;

export interface DecodeJob {
  source: SourceSpec;
  compression: Compression;
  /** Note a zstd or gzip archive's places, for its seek index (sent as they are noted). */
  places: boolean;
}

self.onmessage = (event: MessageEvent<DecodeJob>) => {
  const { source: spec, compression, places } = event.data;
  const source = openSource(spec);
  let stored = 0;
  const open = () => counted(source.read(0), (n) => (stored += n));
  // A gzip stream of several members is read again from the start by another decoder.
  const reopen = () => {
    stored = 0;
    return open();
  };
  // A zstd archive's decoder is noted now and then, so that a file deep in it opens at once;
  // each place goes to the reader as it is noted.
  const noting =
    places && compression === 'zstd'
      ? takingPlaces(ARCHIVE_PLACES_BUDGET, (place) => sendPlace(self, place))
      : undefined;
  // A gzip archive's places are noted as the decoder is given the file a piece at a time.
  const gzip =
    places && compression === 'gzip'
      ? {
          every: ARCHIVE_NOTED_EVERY,
          found: (place: NotedPlace) => sendNoted(self, place),
          lost: () => sendNoted(self, 'lost'),
        }
      : undefined;
  const decoded =
    spec.kind === 'blob' &&
    compression === 'gzip' &&
    !gzip &&
    typeof DecompressionStream !== 'undefined'
      ? gunzipOrAgain(nativeGunzip(counting(spec.blob.stream(), (n) => (stored += n))), reopen)
      : decompress(compression, open(), reopen, { zstd: noting, gzip });
  void sendDecoded(self, decoded, () => stored);
};

/**
 * The file piped straight into the decoder, its bytes counted on the way: no JavaScript loop
 * between them (the one that reads any source costs 7% of the decoding time of a 1.4 GB file).
 */
function counting(
  stream: ReadableStream<Uint8Array<ArrayBuffer>>,
  onBytes: (n: number) => void,
): ReadableStream<Uint8Array<ArrayBuffer>> {
  return stream.pipeThrough(
    new TransformStream<Uint8Array<ArrayBuffer>, Uint8Array<ArrayBuffer>>({
      transform(chunk, controller) {
        onBytes(chunk.length);
        controller.enqueue(chunk);
      },
    }),
  );
}
