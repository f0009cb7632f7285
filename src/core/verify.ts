import { createSHA256 } from 'hash-wasm';
import { type ByteSource, readTransient } from './bytes.ts';
import { ChunkReader } from './chunk-reader.ts';
import { type Compression, detectCompression, guardedDecompress, peek } from './compression.ts';
import { type Problem, StrataError, throwIfAborted, toProblem } from './errors.ts';
import type { ArchiveModel } from './image/model.ts';
import { type KeptLayerWriter, keeping, worthKeeping } from './kept-layers.ts';
import { DEFAULT_LIMITS } from './limits.ts';
import { normalise } from './paths.ts';
import { readTar } from './tar/reader.ts';

interface Expected {
  /** sha256 of the uncompressed tar: the config's diff_id. */
  diffIds: Set<string>;
  /** sha256 of the blob as stored: the manifest's digest. */
  digests: Set<string>;
  names: string[];
}

/**
 * Checks every layer blob against its digests: the stored bytes against the manifest's digest and
 * the decompressed tar against the config's diff_id. sha256 runs at about half the reading speed
 * (shared/docs/TOOLCHAIN.md), so this is a separate pass after the scan: the view comes first.
 * Mismatches are warnings; the layer's content is still shown.
 */
export async function verifyDigests(
  source: ByteSource,
  model: ArchiveModel,
  options: {
    signal?: AbortSignal;
    onBlob?: (done: number, total: number) => void;
    /**
     * Where to keep a layer's decompressed tar as it is hashed, when it is not a plain slice of
     * the file (a compressed layer, or any layer of a compressed archive); kept-layers.ts.
     */
    keep?: (path: string) => Promise<KeptLayerWriter | undefined>;
    /**
     * Reads back a layer this check kept whole. Given with `keep`, the compressed layers of an
     * uncompressed archive are all kept first, without hashing, and then hashed from what was
     * kept: files deep in them open from the kept copy sooner (hashing is most of the check).
     */
    keptTar?: (path: string) => Promise<AsyncIterable<Uint8Array> | undefined>;
    /** Only these blobs (the others are checked elsewhere: `verifyShares`). */
    only?: readonly string[] | undefined;
    /**
     * gzip layers known to be one member (a seek index walked them whole): decoded by the native
     * decoder as they are hashed, where others go through the JavaScript one, which handles
     * several members in one pass (the native one would need the blob again, unhashed).
     */
    oneMember?: ReadonlySet<string> | undefined;
  } = {},
): Promise<Problem[]> {
  const only = options.only && new Set(options.only);
  const expected = new Map<string, Expected>();
  for (const image of model.images) {
    for (const layer of image.layers) {
      if (!layer.blobPath || (only && !only.has(layer.blobPath))) continue;
      const e = expected.get(layer.blobPath) ?? {
        diffIds: new Set(),
        digests: new Set(),
        names: [],
      };
      if (layer.diffId) e.diffIds.add(layer.diffId);
      if (layer.digest) e.digests.add(layer.digest);
      e.names.push(`layer ${layer.index} of ${image.tags[0] ?? image.id.slice(7, 19)}`);
      expected.set(layer.blobPath, e);
    }
  }
  const problems: Problem[] = [];
  let done = 0;
  // Layers of an uncompressed archive are kept in a pass of their own, before any is hashed.
  const keptFirst = model.compression === 'none' && options.keep && options.keptTar;
  const keep = keptFirst ? undefined : options.keep;
  // Checks one blob the way `how` says, against what its images expect of it.
  const check = async (path: string, how: (e: Expected) => Promise<Problem[]>) => {
    const e = expected.get(path);
    if (!e) return;
    try {
      problems.push(...(await how(e)));
    } catch (error) {
      // One unreadable layer must not stop the checks of the others; it is reported as unchecked.
      throwIfAborted(options.signal);
      problems.push({
        code: 'digest-unchecked',
        message: `${e.names.join(', ')} could not be checked: ${toProblem(error).message}`,
        detail: path,
      });
    }
    options.onBlob?.(++done, expected.size);
  };
  if (model.compression === 'none') {
    const byPath = new Map(model.entries.map((entry) => [entry.path, entry]));
    const blobOf = (path: string) => {
      const entry = byPath.get(path);
      return entry && source.read(entry.dataOffset, entry.dataOffset + entry.size, options.signal);
    };
    const keptWhole = new Set<string>();
    if (keptFirst && options.keep) {
      for (const path of expected.keys()) {
        throwIfAborted(options.signal);
        const blob = blobOf(path);
        if (blob && (await keepLayer(path, blob, () => blobOf(path)!, options.keep)))
          keptWhole.add(path);
      }
    }
    for (const path of expected.keys()) {
      throwIfAborted(options.signal);
      const entry = byPath.get(path);
      if (entry && (await isPlain(source, entry, options.signal))) {
        await check(path, (e) => checkPlainBlob(path, source, entry, e, options.signal));
        continue;
      }
      const blob = blobOf(path);
      const keptTar = keptWhole.has(path) ? await options.keptTar?.(path) : undefined;
      const again = options.oneMember?.has(path) ? () => blobOf(path)! : undefined;
      if (blob)
        await check(path, (e) => checkBlob(path, blob, e, model.compression, keep, keptTar, again));
    }
  } else {
    // A compressed archive cannot be entered in the middle: one more pass through it.
    const tar = guardedDecompress(
      model.compression,
      source.read(0, undefined, options.signal),
      () => source.read(0, undefined, options.signal),
      DEFAULT_LIMITS,
      'The archive',
    );
    const reader = new ChunkReader(() => tar, false, 0, options.signal);
    for await (const entry of readTar(reader)) {
      const path = normalise(entry.path);
      if (entry.kind === 'file' && expected.has(path))
        await check(path, (e) =>
          checkBlob(path, reader.take(entry.dataSize), e, model.compression, keep),
        );
    }
  }
  return problems;
}

/** Each layer blob of the archive once, in the order the images list their layers. */
export function layerBlobs(model: ArchiveModel): string[] {
  return [...new Set(model.images.flatMap((i) => i.layers.flatMap((l) => l.blobPath ?? [])))];
}

/**
 * The layer blobs split into `count` shares of about equal bytes (largest first, each to the
 * lightest share), for checkers on as many cores; one share of everything (undefined) when the
 * archive is compressed (each checker would decompress all of it) or there is nothing to split.
 */
export function verifyShares(model: ArchiveModel, count: number): (string[] | undefined)[] {
  const paths = layerBlobs(model);
  if (model.compression !== 'none' || count < 2 || paths.length < 2) return [undefined];
  const sizeOf = new Map(model.entries.map((e) => [e.path, e.size]));
  const shares = Array.from({ length: Math.min(count, paths.length) }, () => ({
    bytes: 0,
    paths: [] as string[],
  }));
  for (const path of paths.sort((a, b) => (sizeOf.get(b) ?? 0) - (sizeOf.get(a) ?? 0))) {
    const lightest = shares.reduce((a, b) => (b.bytes < a.bytes ? b : a));
    lightest.paths.push(path);
    lightest.bytes += sizeOf.get(path) ?? 0;
  }
  return shares.map((share) => share.paths);
}

/**
 * Keeps one compressed layer's tar, decompressing it without hashing; says whether it was kept
 * whole. A plain layer is not kept (it is read from the file itself), nor one that cannot be.
 */
async function keepLayer(
  path: string,
  blob: AsyncIterable<Uint8Array>,
  reopen: () => AsyncIterable<Uint8Array>,
  keep: (path: string) => Promise<KeptLayerWriter | undefined>,
): Promise<boolean> {
  const { head, stream } = await peek(blob, 6);
  const compression = detectCompression(head);
  const writer = worthKeeping('none', compression) ? await keep(path) : undefined;
  if (!writer) {
    await stream[Symbol.asyncIterator]().return?.();
    return false;
  }
  // Nothing is hashed here, so the blob can be read again: gzip goes through the native decoder
  // (3x JavaScript's), and only data of several members is read a second time by fflate.
  const decoded = guardedDecompress(compression, stream, reopen, DEFAULT_LIMITS, 'A layer');
  const kept = keeping(decoded, writer);
  try {
    for await (const _ of kept.stream) {
      // written as it passes
    }
    return await kept.finish(true);
  } catch {
    // The check that follows decompresses the layer again and says what is wrong with it.
    await kept.finish(false);
    return false;
  }
}

/** Whether the blob at `entry` of an uncompressed archive is a plain tar (no compression). */
async function isPlain(
  source: ByteSource,
  entry: { dataOffset: number; size: number },
  signal?: AbortSignal,
): Promise<boolean> {
  const end = entry.dataOffset + Math.min(entry.size, 6);
  const { head } = await peek(source.read(entry.dataOffset, end, signal), 6);
  return detectCompression(head) === 'none';
}

/**
 * A plain layer of an uncompressed archive: its blob is its tar, so one sha256 serves for both
 * digests (`checkBlob` would hash the same bytes twice), and as nothing is kept of a chunk once it
 * is hashed, the bytes are read into one reused buffer (a million-entry image's check grew the
 * browser by 100 MB at a time, between collections, with a buffer per chunk).
 */
async function checkPlainBlob(
  path: string,
  source: ByteSource,
  entry: { dataOffset: number; size: number },
  expected: Expected,
  signal?: AbortSignal,
): Promise<Problem[]> {
  const sha = await createSHA256();
  const end = entry.dataOffset + entry.size;
  for await (const chunk of readTransient(source, entry.dataOffset, end, signal)) sha.update(chunk);
  const hex = sha.digest('hex');
  return mismatches(path, expected, hex, hex);
}

async function checkBlob(
  path: string,
  blob: AsyncIterable<Uint8Array>,
  expected: Expected,
  archive: Compression,
  keep?: (path: string) => Promise<KeptLayerWriter | undefined>,
  /** The layer's tar as kept whole: hashed instead of decompressing the blob again. */
  keptTar?: AsyncIterable<Uint8Array>,
  /** The blob again, for a layer of one gzip member: it is then decoded natively. */
  again?: () => AsyncIterable<Uint8Array>,
): Promise<Problem[]> {
  const raw = await createSHA256();
  const tar = await createSHA256();
  async function* hashed(chunks: AsyncIterable<Uint8Array>) {
    for await (const chunk of chunks) {
      raw.update(chunk);
      yield chunk;
    }
  }
  if (keptTar) {
    for await (const _ of hashed(blob)) {
      // hashed as it passes
    }
    for await (const chunk of keptTar) tar.update(chunk);
    return mismatches(path, expected, raw.digest('hex'), tar.digest('hex'));
  }
  const { head, stream } = await peek(hashed(blob), 6);
  const compression = detectCompression(head);
  // Without `again`, the gzip decoder handles multi-member data itself, in one pass; with it (one
  // member), the native decoder never needs it, and the hash of the blob is whole.
  const guarded = guardedDecompress(compression, stream, again, DEFAULT_LIMITS, 'A layer');
  const writer = keep && worthKeeping(archive, compression) ? await keep(path) : undefined;
  const kept = writer && keeping(guarded, writer);
  try {
    for await (const chunk of kept?.stream ?? guarded) tar.update(chunk);
    await kept?.finish(true);
  } catch (error) {
    await kept?.finish(false);
    // A layer that cannot be decompressed in full cannot be checked; the scan already said why.
    if (error instanceof StrataError && error.code === 'limit') return [];
    throw error;
  }
  return mismatches(path, expected, raw.digest('hex'), tar.digest('hex'));
}

/** The digests a layer's blob and tar hashed to, against what the manifest and config say. */
function mismatches(path: string, expected: Expected, rawHex: string, tarHex: string): Problem[] {
  const rawDigest = `sha256:${rawHex}`;
  const tarDigest = `sha256:${tarHex}`;
  const problems: Problem[] = [];
  const who = expected.names.join(', ');
  for (const diffId of expected.diffIds) {
    if (diffId !== tarDigest) {
      problems.push({
        code: 'digest-mismatch',
        message: `The content of ${who} hashes to ${tarDigest}, not to its diff_id ${diffId}.`,
        detail: path,
      });
    }
  }
  for (const digest of expected.digests) {
    if (digest !== rawDigest && digest !== tarDigest) {
      problems.push({
        code: 'digest-mismatch',
        message: `The blob of ${who} hashes to ${rawDigest}, not to its digest ${digest}.`,
        detail: path,
      });
    }
  }
  return problems;
}
