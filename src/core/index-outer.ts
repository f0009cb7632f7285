import { bytesSource } from './bytes.ts';
import type { ChunkReader } from './chunk-reader.ts';
import { type Problem, StrataError } from './errors.ts';
import type { OuterEntry } from './image/model.ts';
import type { OuterIndex } from './image/outer-index.ts';
import { normalise } from './paths.ts';
import { readTar } from './tar/reader.ts';

/** The first pass over the outer tar: its entries, the documents it keeps, the bodies it hands on. */

/** Documents (manifests, indexes, configs) are kept in memory while indexing, up to this size. */
const MAX_KEPT_BODY = 16 << 20;
/** Small files this small are always kept (configs, manifests); larger ones only if they are JSON. */
const ALWAYS_KEPT_BLOB = 1 << 20;

/**
 * What an outer file is, decided by its path and size, never by its first bytes (a layer of Nix
 * store paths starts with "n", like "null"): named documents are kept; other small files may be
 * configs (crane names them `sha256:<hex>`, OCI `blobs/sha256/<hex>`), manifests or layers, so they
 * are kept and also read as layers; larger files are layers.
 */
function outerRole(path: string, size: number): 'document' | 'blob' | 'body' {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const named =
    base.endsWith('.json') ||
    base === 'json' ||
    base === 'VERSION' ||
    base === 'repositories' ||
    base === 'oci-layout';
  if (named && size <= MAX_KEPT_BODY) return 'document';
  if (size <= MAX_KEPT_BODY) return 'blob';
  return 'body';
}

/** Collects the outer entries and keeps small bodies; `onLayer` gets the other bodies inline. */
export async function indexOuter(
  reader: ChunkReader,
  index: OuterIndex,
  warnings: Problem[],
  onLayer: ((path: string, body: AsyncIterable<Uint8Array>) => Promise<void>) | undefined,
): Promise<void> {
  const noEnd = (offset: number) =>
    warnings.push({
      code: 'no-end-marker',
      message: 'The archive stops without its end-of-archive blocks; it may have been cut short.',
      detail: `at byte ${offset}`,
    });
  for await (const entry of readTar(reader, noEnd)) {
    const path = normalise(entry.path);
    if (path === '') continue;
    if (entry.sparse) {
      // No image tool writes a sparse file at the top level: its stored bytes are not its content.
      warnings.push({
        code: 'bad-header',
        message: `${path} is stored as a sparse file, which no image format uses; it was not read.`,
        detail: `header at byte ${entry.headerOffset}`,
      });
      continue;
    }
    const outer: OuterEntry = {
      path,
      kind:
        entry.kind === 'file' ||
        entry.kind === 'dir' ||
        entry.kind === 'symlink' ||
        entry.kind === 'hardlink'
          ? entry.kind
          : 'other',
      size: entry.size,
      linkname: entry.linkname,
      dataOffset: entry.dataOffset,
    };
    index.add(outer);
    if (entry.kind !== 'file' || entry.size === 0) continue;
    const role = outerRole(path, entry.size);
    if (role === 'document' || role === 'blob') {
      const body = await reader.readExact(entry.size, `the body of ${path}`);
      if (body === null)
        throw new StrataError('truncated', `The file ends in the middle of ${path}.`);
      const kept = body.slice();
      if (role === 'blob' && onLayer) await onLayer(path, bytesSource(kept).read(0));
      if (role === 'document' || kept.length <= ALWAYS_KEPT_BLOB || isJson(kept))
        index.keepBody(path, kept);
    } else if (onLayer) {
      await onLayer(path, reader.take(entry.size, `the body of ${path}`));
    }
  }
}

function isJson(bytes: Uint8Array): boolean {
  try {
    JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    return true;
  } catch {
    return false;
  }
}
