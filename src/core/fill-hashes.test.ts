import { describe, expect, it } from 'vitest';
import { sameSizeRewrites } from '../testing/large-files.ts';
import { imageFrom, legacyArchive } from '../testing/sample-image.ts';
import { writeTar } from '../testing/tar-writer.ts';
import { bytesSource } from './bytes.ts';
import { fillHashes, hashesChangedComparisons, pendingBodies } from './fill-hashes.ts';
import { analyzeImage, changeLists, layerEntriesOf } from './fs/analyze-image.ts';
import { PathVersions } from './fs/versions.ts';
import type { LayerEntries } from './layer/entries.ts';
import { PENDING_HASH } from './layer/scan.ts';
import { hashText } from './packed-text.ts';
import { readArchive } from './read-archive.ts';

/** A layer's change lists as plain arrays, as the report's JSON has them. */
/** Every entry's content hash, in order. */
const hashesOf = (entries: LayerEntries) =>
  Array.from({ length: entries.length }, (_, i) => entries.hash(i));

const plainChanges = (versions: Parameters<typeof changeLists>[0], layer: number) =>
  JSON.parse(JSON.stringify(changeLists(versions, layer))) as Record<string, string[]> & {
    counts: Record<string, number>;
  };

/**
 * Headers first: large bodies skipped in the first pass, then only those whose hash decides a
 * change read in a second; the result must equal a full read's.
 */
describe('headers first', () => {
  it('hashes no body at first, then only those a same-size rewrite needs, to a full read’s result', async () => {
    const bytes = sameSizeRewrites();
    const full = await readArchive(bytesSource(bytes));
    const source = bytesSource(bytes, 256 << 10);
    const quick = await readArchive(source, { skipBodiesFrom: 4 << 20 });
    // The history as the first pass leaves it, before any body is hashed.
    const early = new PathVersions(layerEntriesOf(quick.model.images[0]!, quick.scans));

    const skipped = [...quick.scans.values()].flatMap((s) =>
      hashesOf(s.entries).filter((h) => h === PENDING_HASH),
    );
    // No body is hashed in the first pass (the large ones are not even read).
    expect(skipped).toHaveLength(6);
    const needed = pendingBodies(quick, 'needed');
    // alone.bin and small.txt are written once: their content decides nothing.
    expect(needed).toHaveLength(4);
    // A full read leaves nothing to fill.
    expect(pendingBodies(full, 'needed')).toEqual([]);
    await fillHashes(quick, source, needed);
    // Compared again, it is the history built after the hashes came (the first pass had taken
    // rewritten.bin's two skipped bodies for equal).
    const before = plainChanges(early, 1);
    early.recompare();
    expect(plainChanges(early, 1)).not.toEqual(before);
    for (const layer of [0, 1])
      expect(plainChanges(early, layer)).toEqual(
        plainChanges(new PathVersions(layerEntriesOf(quick.model.images[0]!, quick.scans)), layer),
      );

    const lists = (read: typeof full) => {
      const analysis = analyzeImage(read.model.images[0]!, read.scans);
      return plainChanges(analysis.versions, 1);
    };
    expect(lists(quick)).toEqual(lists(full));
    expect(lists(quick).metadataOnly).toEqual(['/data/same.bin']);
    expect(lists(quick).counts.content).toBe(1);
    // The first pass took the two skipped rewrites of rewritten.bin for equal: a figure changed.
    expect(hashesChangedComparisons(quick, needed)).toBe(true);

    // Every hash, once filled, is the one a full read computes.
    await fillHashes(quick, source, pendingBodies(quick, 'all'));
    for (const [path, scan] of full.scans)
      expect(hashesOf(quick.scans.get(path)!.entries)).toEqual(hashesOf(scan.entries));
  });
});

describe('bodies to check', () => {
  it('tell apart two paths whose hashes are the same', async () => {
    // Two names with the same 30-bit key (found by trying names; the birthday bound makes it quick).
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; !pair; i++) {
      const name = `f/${i.toString(36)}`;
      const key = hashText(0, name, 0, name.length) >>> 2;
      const other = seen.get(key);
      if (other !== undefined) pair = [other, name];
      else seen.set(key, name);
    }
    const [a, b] = pair;
    // a in the first layer, b in the second, the same size; then b again, the same size. Layers
    // over 1 MiB: smaller ones are kept in memory by the first pass and hashed there.
    const size = 1_100_000;
    const layers = [
      writeTar([{ name: a, data: 'x'.repeat(size) }]),
      writeTar([{ name: b, data: 'x'.repeat(size) }]),
      writeTar([{ name: b, data: 'y'.repeat(size) }]),
    ];
    const bytes = legacyArchive(imageFrom(layers.map((layer, i) => ({ command: `s${i}`, layer }))));
    const read = await readArchive(bytesSource(bytes), { skipBodiesFrom: 1024 });
    expect(pendingBodies(read, 'all')).toHaveLength(3);
    // Only b's two bodies are checked, each against the other: a is not taken for b.
    const needed = pendingBodies(read, 'needed');
    expect(needed.map((n) => read.scans.get(n.blobPath)!.entries.path(n.entry))).toEqual([b, b]);
    expect(needed.map((n) => n.peers?.length)).toEqual([1, 1]);
  });
});

describe('fillHashes', () => {
  it('hashes many small bodies read together as a full read does, empty ones included', async () => {
    const files = Array.from({ length: 300 }, (_, i) => ({
      name: `f/${i}.txt`,
      // Layers big enough not to be kept in memory by the first pass (which hashes kept ones).
      data: i % 50 === 0 ? '' : `${i}`.padEnd(20_000 + i, '.'),
    }));
    const layers = [
      writeTar(files),
      // A chmod of everything: every path again, same size.
      writeTar(files.map((f) => ({ ...f, mode: 0o600 }))),
    ];
    const bytes = legacyArchive(imageFrom(layers.map((layer, i) => ({ command: `s${i}`, layer }))));
    const full = await readArchive(bytesSource(bytes));
    const source = bytesSource(bytes, 4096);
    const quick = await readArchive(source, { skipBodiesFrom: 4 << 20 });
    const needed = pendingBodies(quick, 'needed');
    expect(needed.length).toBe(588);
    let progress = 0;
    await fillHashes(quick, source, needed, { onProgress: (done) => (progress = done) });
    expect(progress).toBe(588);
    // Only chmod copies: every content checked is what the first pass took it to be.
    expect(hashesChangedComparisons(quick, needed)).toBe(false);
    for (const [path, scan] of full.scans)
      expect(hashesOf(quick.scans.get(path)!.entries)).toEqual(hashesOf(scan.entries));
  });
});
