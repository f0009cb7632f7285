import { createXXHash64 } from 'hash-wasm';
import { type ByteSource, readTransient } from './bytes.ts';
import { throwIfAborted } from './errors.ts';
import type { PathVersions } from './fs/versions.ts';
import type { ImageRecord } from './image/model.ts';
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

/** Every body the first pass skipped (for exact figures everywhere, as the CLI wants). */
export function pendingBodies(read: ArchiveRead): PendingBody[] {
  const out: PendingBody[] = [];
  for (const [blobPath, { entries }] of read.scans)
    for (let i = 0; i < entries.length; i++)
      if (entries.hashPending(i)) out.push({ blobPath, entry: i, size: entries.size(i) });
  return out;
}

/**
 * The skipped bodies whose hash the change model needs: those its histories compare with another
 * version of the same kind and size (a same-size rewrite must be told from a copy made for a
 * chmod), found where the history compares them (PathVersions.pendingComparisons), so a path
 * written through a symlinked folder is checked against what it overwrites where it leads. Each
 * comes with the bodies it is compared with.
 */
export function neededBodies(
  histories: readonly { image: ImageRecord; versions: PathVersions }[],
): PendingBody[] {
  const out = new Map<string, PendingBody>();
  const note = (
    blobPath: string | undefined,
    entry: number,
    size: number,
    peer: { blobPath: string; entry: number } | undefined,
  ) => {
    if (!blobPath || !peer) return;
    const key = `${blobPath}\0${entry}`;
    const body = out.get(key) ?? { blobPath, entry, size, peers: [] };
    out.set(key, body);
    if (!body.peers!.some((p) => p.blobPath === peer.blobPath && p.entry === peer.entry))
      body.peers!.push(peer);
  };
  for (const { image, versions } of histories) {
    const blobOf = (layer: number) => image.layers[layer]?.blobPath ?? undefined;
    for (const c of versions.pendingComparisons()) {
      const a = versions.layers[c.layer]!;
      const b = versions.layers[c.peerLayer]!;
      const here = blobOf(c.layer);
      const there = blobOf(c.peerLayer);
      const at = (blobPath: string | undefined, entry: number) =>
        blobPath ? { blobPath, entry } : undefined;
      if (a.hashPending(c.entry)) note(here, c.entry, a.size(c.entry), at(there, c.peerEntry));
      if (b.hashPending(c.peerEntry))
        note(there, c.peerEntry, b.size(c.peerEntry), at(here, c.entry));
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
