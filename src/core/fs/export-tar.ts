import { ChunkReader } from '../chunk-reader.ts';
import { type EntryMeta, entryHeader, plainMeta, tarPadding } from '../tar/encode.ts';
import { readTar } from '../tar/reader.ts';
import { readSparse } from '../tar/sparse.ts';
import { mergedAt } from './merged.ts';
import { sortedPaths } from './path-order.ts';
import { DELETED, IMPLICIT, type PathVersions } from './versions.ts';

/**
 * The filesystem as it stands after `layer`, written as one tar stream, never held whole.
 *
 * Entries without data (folders, links, devices, empty files) come first, in path order, so every
 * folder precedes what is in it. File data is then copied layer by layer, each layer's tar read
 * once, in order. A hardlink whose target is in the output with the same data stays a hardlink;
 * otherwise it becomes a file with that data.
 */
export async function* filesystemTar(
  versions: PathVersions,
  layer: number,
  openLayerTar: (layer: number) => AsyncIterable<Uint8Array>,
  signal?: AbortSignal,
): AsyncGenerator<Uint8Array> {
  const view = mergedAt(versions, layer);
  const { table } = versions;
  // In the order of their full paths (sortedPaths: as comparing the strings would sort them).
  const visible = Array.from(sortedPaths(table)).filter((p) => p > 0 && view.version[p]! >= 0);

  const dataKey = (v: number) => `${versions.dataLayer(v)}:${versions.dataEntry(v)}`;
  // The first visible path holding each piece of file data carries it; the others link to it.
  const carrier = new Map<string, number>();
  // layer -> body offset in its tar -> path. Paired by offset, not by counting entries: an entry
  // the scan left out (too deep, a root entry) must not shift later files onto other bodies.
  const wanted = new Map<number, Map<number, number>>();
  const links: number[] = [];
  for (const p of visible) {
    const v = view.version[p]!;
    const kind = versions.kind(v);
    if (kind !== 'file' && kind !== 'hardlink') continue;
    if (versions.dataLayer(v) < 0) continue; // a hardlink to nothing: written as an empty file
    const key = dataKey(v);
    if (carrier.has(key)) {
      links.push(p);
      continue;
    }
    carrier.set(key, p);
    const dataLayer = versions.dataLayer(v);
    if (!wanted.has(dataLayer)) wanted.set(dataLayer, new Map());
    const stored = versions.layers[dataLayer]!.get(versions.dataEntry(v));
    wanted.get(dataLayer)!.set(stored.dataOffset, p);
  }

  const meta = (p: number, v: number, asFile: boolean): EntryMeta => {
    const entry = versions.vEntry[v]!;
    if (entry === IMPLICIT || entry === DELETED) return plainMeta(table.path(p), 'dir');
    const e = versions.layers[versions.vLayer[v]!]!.get(entry);
    const size = asFile ? versions.dataSize(v) : e.size;
    return {
      ...e,
      path: table.path(p),
      kind: asFile ? 'file' : e.kind,
      size,
      linkTarget: asFile ? '' : e.linkTarget,
    };
  };

  // 1. Everything without data.
  for (const p of visible) {
    const v = view.version[p]!;
    const kind = versions.kind(v);
    const hasData = (kind === 'file' || kind === 'hardlink') && versions.dataLayer(v) >= 0;
    if (hasData) continue;
    yield entryHeader(meta(p, v, kind === 'hardlink'));
  }
  // 2. File data, one pass per layer that holds some.
  for (const dataLayer of [...wanted.keys()].sort((a, b) => a - b)) {
    const need = wanted.get(dataLayer)!;
    const reader = new ChunkReader(() => openLayerTar(dataLayer), false, 0, signal);
    try {
      for await (const entry of readTar(reader)) {
        const p = need.get(entry.dataOffset);
        if (p === undefined || entry.kind !== 'file') continue;
        need.delete(entry.dataOffset);
        const v = view.version[p]!;
        yield entryHeader({ ...meta(p, v, true), size: entry.size });
        if (entry.sparse) {
          // Written out in full: holes as zeros, so any tar tool reads the file as it is.
          const packed = await collectBody(reader, entry.dataSize, entry.path);
          for (let at = 0; at < entry.size; at += 1 << 20)
            yield await readSparse(entry.sparse, at, 1 << 20, async (from, n) =>
              packed.subarray(from, from + n),
            );
        } else {
          for await (const chunk of reader.take(entry.size, `the body of ${entry.path}`))
            yield chunk.slice();
        }
        yield tarPadding(entry.size);
        if (need.size === 0) break;
      }
    } finally {
      await reader.close();
    }
  }
  // 3. Hardlinks to data already written.
  for (const p of links) {
    const v = view.version[p]!;
    const target = carrier.get(dataKey(v))!;
    yield entryHeader({
      ...meta(p, v, false),
      kind: 'hardlink',
      size: 0,
      linkTarget: table.path(target),
    });
  }
  yield new Uint8Array(1024);
}

/** A sparse file's stored segments, read whole (they are what the archive holds of it). */
async function collectBody(reader: ChunkReader, size: number, path: string): Promise<Uint8Array> {
  const out = new Uint8Array(size);
  let at = 0;
  await reader.consume(
    size,
    (piece) => {
      out.set(piece, at);
      at += piece.length;
    },
    `the body of ${path}`,
  );
  return out;
}
