import { createXXHash64 } from 'hash-wasm';
import { type ByteSource, readTransient } from './bytes.ts';
import { throwIfAborted } from './errors.ts';
import { PENDING_HASH } from './layer/scan.ts';
import type { ArchiveRead } from './read-archive.ts';

/** An entry whose body the first pass skipped: its layer blob and index. */
export interface PendingBody {
  blobPath: string;
  entry: number;
  size: number;
  /** For `needed` bodies: the other entries of the same path and size it is compared with. */
  peers?: { blobPath: string; entry: number }[];
}

/**
 * Whether filling these bodies' hashes changes any comparison the first pass made: a skipped
 * hash compares equal to another skipped one and unequal to any known one, so a change of figures
 * happens only where that guess was wrong. (No change: the page need not ask again.)
 */
export function hashesChangedComparisons(read: ArchiveRead, bodies: PendingBody[]): boolean {
  const hashOf = (blobPath: string, entry: number) =>
    read.scans.get(blobPath)?.entries.hash(entry) ?? '';
  // Every body just filled was PENDING_HASH in the first pass; a peer not among them was known.
  const filled = new Set(bodies.map((b) => `${b.blobPath}\0${b.entry}`));
  const guessOf = (blobPath: string, entry: number) =>
    filled.has(`${blobPath}\0${entry}`) ? PENDING_HASH : hashOf(blobPath, entry);
  for (const body of bodies)
    for (const peer of body.peers ?? []) {
      const guessed = guessOf(body.blobPath, body.entry) === guessOf(peer.blobPath, peer.entry);
      const known = hashOf(body.blobPath, body.entry) === hashOf(peer.blobPath, peer.entry);
      if (guessed !== known) return true;
    }
  return false;
}

/** Entry numbers within a scan stay below this (a layer holds far fewer entries). */
const ENTRY_SPAN = 2 ** 32;

/**
 * The skipped bodies whose hash the change model needs: a file whose path another layer of the
 * same image also writes with the same size (a same-size rewrite must be told from a copy made
 * for a chmod). `all` gives every skipped body (for exact figures everywhere, as the CLI wants).
 */
export function pendingBodies(read: ArchiveRead, which: 'needed' | 'all'): PendingBody[] {
  const out = new Map<string, PendingBody>();
  const add = (p: PendingBody) => out.set(`${p.blobPath}\0${p.entry}`, p);
  if (which === 'all') {
    for (const [blobPath, { entries }] of read.scans)
      for (let i = 0; i < entries.length; i++)
        if (entries.hashPending(i)) add({ blobPath, entry: i, size: entries.size(i) });
    return [...out.values()];
  }
  for (const image of read.model.images) {
    const scans = image.layers.flatMap((layer) => {
      const scan = layer.blobPath ? read.scans.get(layer.blobPath) : undefined;
      return scan && layer.blobPath ? [{ blobPath: layer.blobPath, entries: scan.entries }] : [];
    });
    // The first file entry at each path (scan and entry in one number); only paths written again
    // get a list. One lookup per file: headers first leaves every body pending, so a set of
    // pending paths would hold them all (a pass of 150,000 files took 130-200 ms that way).
    // Paths are told apart by a hash of their bytes, 30 bits (a small integer in V8): no string
    // made per file; the few lists of paths that share a hash are split by path below.
    // An image with nothing pending needs nothing; an empty file is never compared with a body.
    if (!scans.some(({ entries }) => entries.anyHashPending())) continue;
    const first = new Map<number, number>();
    const again = new Map<number, number[]>();
    scans.forEach(({ entries }, s) => {
      for (let i = 0; i < entries.length; i++) {
        if (entries.size(i) === 0 || entries.kind(i) !== 'file') continue;
        const key = entries.paths.hash(0, i, 0) >>> 2;
        const at = s * ENTRY_SPAN + i;
        const seen = first.get(key);
        if (seen === undefined) first.set(key, at);
        else {
          const list = again.get(key);
          if (list) list.push(at);
          else again.set(key, [seen, at]);
        }
      }
    });
    const entryAt = (at: number) => ({
      ...scans[Math.floor(at / ENTRY_SPAN)]!,
      entry: at % ENTRY_SPAN,
    });
    for (const sharing of again.values()) {
      const byPath = new Map<string, number[]>();
      for (const at of sharing) {
        const { entries, entry } = entryAt(at);
        const path = entries.path(entry);
        byPath.set(path, [...(byPath.get(path) ?? []), at]);
      }
      for (const list of byPath.values()) {
        if (list.length < 2) continue;
        const bodies = list.map((at) => {
          const { blobPath, entries, entry } = entryAt(at);
          return {
            blobPath,
            entry,
            size: entries.size(entry),
            pending: entries.hashPending(entry),
          };
        });
        for (const body of bodies) {
          const peers = bodies.filter((other) => other !== body && other.size === body.size);
          if (body.pending && peers.length > 0)
            add({
              blobPath: body.blobPath,
              entry: body.entry,
              size: body.size,
              peers: peers.map((p) => ({ blobPath: p.blobPath, entry: p.entry })),
            });
        }
      }
    }
  }
  return [...out.values()];
}

/**
 * Hashes skipped bodies (xxhash64, as a full scan hashes them) straight from the file and writes
 * them into the scans. Bodies close together are read in one stream (gaps under 1 MiB are read
 * through), so thousands of small files cost a few reads, not thousands.
 */
export async function fillHashes(
  read: ArchiveRead,
  source: ByteSource,
  bodies: PendingBody[],
  options: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<void> {
  const hasher = await createXXHash64();
  const located = bodies.flatMap((body) => {
    const scan = read.scans.get(body.blobPath);
    const outer = read.index.resolve(body.blobPath);
    if (!scan || !outer) return [];
    const start = outer.dataOffset + scan.entries.get(body.entry).dataOffset;
    return [{ body, scan, start, end: start + body.size }];
  });
  located.sort((a, b) => a.start - b.start);
  let done = 0;
  for (let i = 0; i < located.length; ) {
    // One run: bodies whose gaps are small enough to read through.
    let j = i + 1;
    while (j < located.length && located[j]!.start - located[j - 1]!.end < 1 << 20) j++;
    const run = located.slice(i, j);
    i = j;
    throwIfAborted(options.signal);
    let at = run[0]!.start;
    let k = 0;
    hasher.init();
    const finish = () => {
      const { scan, body } = run[k]!;
      scan.entries.setDigest(body.entry, hasher.digest('binary'));
      options.onProgress?.(++done, located.length);
      k++;
      hasher.init();
    };
    // Bodies of size 0 need no bytes.
    while (k < run.length && run[k]!.start === run[k]!.end) finish();
    // Each chunk is hashed before the next is asked for: one buffer can serve them all.
    for await (const chunk of readTransient(source, at, run.at(-1)!.end, options.signal)) {
      let offset = 0;
      while (offset < chunk.length && k < run.length) {
        const current = run[k]!;
        const position = at + offset;
        if (position < current.start) {
          offset += Math.min(current.start - position, chunk.length - offset);
          continue;
        }
        const take = Math.min(current.end - position, chunk.length - offset);
        hasher.update(chunk.subarray(offset, offset + take));
        offset += take;
        if (at + offset >= current.end) {
          finish();
          while (k < run.length && run[k]!.start === run[k]!.end) finish();
        }
      }
      at += chunk.length;
    }
  }
}
