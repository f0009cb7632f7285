import { createSHA256 } from 'hash-wasm';
import type { ByteSource } from './bytes.ts';
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
  } = {},
): Promise<Problem[]> {
  const expected = new Map<string, Expected>();
  for (const image of model.images) {
    for (const layer of image.layers) {
      if (!layer.blobPath) continue;
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
  const check = async (path: string, blob: AsyncIterable<Uint8Array>) => {
    const e = expected.get(path);
    if (!e) return;
    try {
      problems.push(...(await checkBlob(path, blob, e, model.compression, options.keep)));
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
    for (const path of expected.keys()) {
      throwIfAborted(options.signal);
      const entry = byPath.get(path);
      if (entry)
        await check(
          path,
          source.read(entry.dataOffset, entry.dataOffset + entry.size, options.signal),
        );
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
        await check(path, reader.take(entry.dataSize));
    }
  }
  return problems;
}

async function checkBlob(
  path: string,
  blob: AsyncIterable<Uint8Array>,
  expected: Expected,
  archive: Compression,
  keep?: (path: string) => Promise<KeptLayerWriter | undefined>,
): Promise<Problem[]> {
  const raw = await createSHA256();
  const tar = await createSHA256();
  async function* hashed(chunks: AsyncIterable<Uint8Array>) {
    for await (const chunk of chunks) {
      raw.update(chunk);
      yield chunk;
    }
  }
  const { head, stream } = await peek(hashed(blob), 6);
  const compression = detectCompression(head);
  // No reopen here: the gzip decoder then handles multi-member data itself, in one pass.
  const guarded = guardedDecompress(compression, stream, undefined, DEFAULT_LIMITS, 'A layer');
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
  const rawDigest = `sha256:${raw.digest('hex')}`;
  const tarDigest = `sha256:${tar.digest('hex')}`;
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
