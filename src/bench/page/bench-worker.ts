/// <reference lib="webworker" />
import { createTarDecoder } from 'modern-tar';
import { type ByteSource, blobSource, streamChunks } from '../../core/bytes.ts';
import { fillHashes, neededBodies } from '../../core/fill-hashes.ts';
import { layerEntriesOf } from '../../core/fs/analyze-image.ts';
import { PathVersions } from '../../core/fs/versions.ts';
import { readArchive } from '../../core/read-archive.ts';
import { zstdDecode } from '../../core/zstd.ts';
import { decodeInWorker } from '../../worker/decode-client.ts';
import { ScanPool } from '../../worker/scan-pool.ts';

/** One way of reading the whole file, timed inside the worker. */
export type BenchKind =
  | 'drain'
  | 'strata'
  | 'strata-headers'
  | 'strata-checked'
  | 'strata-pool'
  | 'headers-reads'
  | 'modern-tar'
  | 'js-untar'
  | 'gunzip-native'
  | 'gunzip-whole'
  | 'gunzip-worker'
  | 'zstd-wasm'
  | 'zstd-fzstd';
export type WorkerKind = Exclude<BenchKind, 'js-untar'>;
export interface BenchResult {
  ms: number;
  bytes: number;
  entries: number;
  error?: string;
}

declare const self: DedicatedWorkerGlobalScope;

/** `ms` when only part of the run is the figure (the rest prepares it). */
type Run = (file: File) => Promise<{ bytes: number; entries: number; ms?: number }>;

const runs: Record<WorkerKind, Run> = {
  /** The reading limit: every byte of the file, doing nothing with it. */
  async drain(file) {
    let bytes = 0;
    for await (const chunk of streamChunks(file.stream())) bytes += chunk.length;
    return { bytes, entries: 0 };
  },
  /** Strata's full scan: outer index, every layer's entries with metadata and content hashes. */
  async strata(file) {
    const read = await readArchive(blobSource(file));
    let entries = 0;
    for (const scan of read.scans.values()) entries += scan.entries.length;
    return { bytes: file.size, entries };
  },
  /** What the app does first (headers first): bodies of 4 MiB and more skipped; the tree is ready. */
  async 'strata-headers'(file) {
    const read = await readArchive(blobSource(file), { skipBodiesFrom: 1 << 20 });
    let entries = 0;
    for (const scan of read.scans.values()) entries += scan.entries.length;
    return { bytes: file.size, entries };
  },
  /** The same, then the second pass: the skipped bodies a same-size rewrite needs, hashed. */
  async 'strata-checked'(file) {
    const source = blobSource(file);
    const read = await readArchive(source, { skipBodiesFrom: 1 << 20 });
    await fillHashes(
      read,
      source,
      neededBodies(
        read.model.images.map((image) => ({
          image,
          versions: new PathVersions(layerEntriesOf(image, read.scans)),
        })),
      ),
    );
    let entries = 0;
    for (const scan of read.scans.values()) entries += scan.entries.length;
    return { bytes: file.size, entries };
  },
  /**
   * As the app reads: headers first, the layers scanned in a pool of workers, one per core, and a
   * compressed archive decoded in a worker of its own.
   */
  async 'strata-pool'(file) {
    const pool = new ScanPool({ kind: 'blob', blob: file }, navigator.hardwareConcurrency);
    try {
      const read = await readArchive(blobSource(file), {
        skipBodiesFrom: 1 << 20,
        scanElsewhere: pool.scan,
        decodeElsewhere: (compression, places) =>
          decodeInWorker({ kind: 'blob', blob: file }, compression, places),
      });
      let entries = 0;
      for (const scan of read.scans.values()) entries += scan.entries.length;
      return { bytes: file.size, entries };
    } finally {
      pool.end();
    }
  },
  /**
   * The reading floor of headers first: the same byte ranges the headers-first scan reads (taken
   * from an untimed scan), read again without parsing them.
   */
  async 'headers-reads'(file) {
    const source = blobSource(file);
    const ranges: { start: number; end: number }[] = [];
    // Both ways of reading are recorded: the scans read into one reused buffer.
    const recorded = (read: ByteSource['read']) =>
      async function* (start: number, end?: number, signal?: AbortSignal) {
        const range = { start, end: start };
        ranges.push(range);
        for await (const chunk of read(start, end, signal)) {
          range.end += chunk.length;
          yield chunk;
        }
      };
    const recording: ByteSource = {
      ...source,
      read: recorded(source.read),
      readReused: recorded(source.readReused ?? source.read),
    };
    await readArchive(recording, { skipBodiesFrom: 1 << 20 });
    const t = performance.now();
    let bytes = 0;
    for (const { start, end } of ranges)
      for await (const chunk of source.read(start, end)) bytes += chunk.length;
    // "entries" here: how many ranges (one per reopening of the file).
    return { bytes, entries: ranges.length, ms: performance.now() - t };
  },
  /** modern-tar over file.stream(): the outer tar, and each layer blob through a nested decoder. */
  async 'modern-tar'(file) {
    let entries = 0;
    for await (const outer of file.stream().pipeThrough(createTarDecoder())) {
      const name = outer.header.name;
      if (!/layer\.tar$|\.tar\.gz$/.test(name)) {
        await outer.body.cancel();
        continue;
      }
      let body = outer.body as ReadableStream<Uint8Array<ArrayBuffer>>;
      if (name.endsWith('.gz')) body = body.pipeThrough(new DecompressionStream('gzip'));
      for await (const inner of body.pipeThrough(createTarDecoder())) {
        entries++;
        // It cannot skip a body: each must be read or cancelled before the next header.
        for await (const _ of inner.body) {
          // drained, as a content hash would need
        }
      }
    }
    return { bytes: file.size, entries };
  },
  /** The gzip limit: every gzip layer blob through DecompressionStream, output drained. */
  async 'gunzip-native'(file) {
    let bytes = 0;
    for await (const outer of file.stream().pipeThrough(createTarDecoder())) {
      if (!outer.header.name.endsWith('.tar.gz')) {
        await outer.body.cancel();
        continue;
      }
      const body = outer.body as ReadableStream<Uint8Array<ArrayBuffer>>;
      for await (const chunk of body.pipeThrough(new DecompressionStream('gzip')))
        bytes += chunk.length;
    }
    return { bytes, entries: 0 };
  },
  /** DecompressionStream in a worker of its own, as the app decodes a compressed archive. */
  async 'gunzip-worker'(file) {
    let bytes = 0;
    for await (const chunk of decodeInWorker({ kind: 'blob', blob: file }, 'gzip', false).chunks)
      bytes += chunk.length;
    return { bytes, entries: 0 };
  },
  /** The gzip limit for `docker save | gzip`: the whole file through DecompressionStream. */
  async 'gunzip-whole'(file) {
    let bytes = 0;
    for await (const chunk of file.stream().pipeThrough(new DecompressionStream('gzip')))
      bytes += chunk.length;
    return { bytes, entries: 0 };
  },
  /** Every zstd layer blob through Strata's decoder (zstddec's WebAssembly), output drained. */
  async 'zstd-wasm'(file) {
    return zstdLayers(file, async (blob) => {
      let bytes = 0;
      for await (const chunk of zstdDecode(streamChunks(blob))) bytes += chunk.length;
      return bytes;
    });
  },
  /** The same through fzstd, the JavaScript decoder Strata used before. */
  async 'zstd-fzstd'(file) {
    const { Decompress } = await import('fzstd');
    return zstdLayers(file, async (blob) => {
      let bytes = 0;
      const decoder = new Decompress((chunk) => {
        bytes += chunk.length;
      });
      for await (const chunk of streamChunks(blob))
        for (let at = 0; at < chunk.length; at += 65536)
          decoder.push(chunk.subarray(at, at + 65536));
      decoder.push(new Uint8Array(0), true);
      return bytes;
    });
  },
};

/** Runs `decode` over each `.tar.zst` blob of a docker save archive. */
async function zstdLayers(
  file: File,
  decode: (blob: ReadableStream<Uint8Array>) => Promise<number>,
): Promise<{ bytes: number; entries: number }> {
  let bytes = 0;
  for await (const outer of file.stream().pipeThrough(createTarDecoder())) {
    if (outer.header.name.endsWith('.tar.zst')) bytes += await decode(outer.body);
    else await outer.body.cancel();
  }
  return { bytes, entries: 0 };
}

self.onmessage = async (event: MessageEvent<{ kind: WorkerKind; file: File }>) => {
  const { kind, file } = event.data;
  const start = performance.now();
  try {
    const { bytes, entries, ms } = await runs[kind](file);
    self.postMessage({ ms: ms ?? performance.now() - start, bytes, entries } satisfies BenchResult);
  } catch (error) {
    self.postMessage({
      ms: performance.now() - start,
      bytes: 0,
      entries: 0,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    } satisfies BenchResult);
  }
};
