import { describe, expect, it } from 'vitest';
import { rewriteThroughSymlink, sameSizeRewrites } from '../testing/large-files.ts';
import { imageFrom, legacyArchive } from '../testing/sample-image.ts';
import { writeTar } from '../testing/tar-writer.ts';
import { bytesSource } from './bytes.ts';
import {
  fillHashes,
  hashesChangedComparisons,
  neededBodies,
  pendingBodies,
} from './fill-hashes.ts';
import { analyzeImage, changeLists, layerEntriesOf } from './fs/analyze-image.ts';
import { PathVersions } from './fs/versions.ts';
import type { LayerEntries } from './layer/entries.ts';
import { PENDING_HASH } from './layer/scan.ts';
import { type ArchiveRead, readArchive } from './read-archive.ts';

/** The bodies the change model needs, from each image's history as the first pass leaves it. */
const needed = (read: ArchiveRead) =>
  neededBodies(
    read.model.images.map((image) => ({
      image,
      versions: new PathVersions(layerEntriesOf(image, read.scans)),
    })),
  );

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
    const wanted = needed(quick);
    // alone.bin and small.txt are written once: their content decides nothing.
    expect(wanted).toHaveLength(4);
    // A full read leaves nothing to fill.
    expect(needed(full)).toEqual([]);
    await fillHashes(quick, source, wanted);
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
    expect(hashesChangedComparisons(quick, wanted)).toBe(true);

    // Every hash, once filled, is the one a full read computes.
    await fillHashes(quick, source, pendingBodies(quick));
    for (const [path, scan] of full.scans)
      expect(hashesOf(quick.scans.get(path)!.entries)).toEqual(hashesOf(scan.entries));
  });
});

describe('bodies to check', () => {
  // Layers over 1 MiB: smaller ones are kept in memory by the first pass and hashed there.
  const big = (fill: string) => ({ name: 'padding', data: fill.repeat(1_100_000) });
  const counts = async (layers: Uint8Array[]) => {
    const bytes = legacyArchive(imageFrom(layers.map((layer, i) => ({ command: `s${i}`, layer }))));
    const full = await readArchive(bytesSource(bytes));
    const source = bytesSource(bytes, 64 << 10);
    const quick = await readArchive(source, { skipBodiesFrom: 1024 });
    const wanted = needed(quick);
    await fillHashes(quick, source, wanted);
    const changes = (read: ArchiveRead) =>
      plainChanges(new PathVersions(layerEntriesOf(read.model.images[0]!, read.scans)), 1);
    return { wanted, quick, first: changes(quick), full: changes(full) };
  };

  it('a file rewritten with the same size through a symlinked folder is checked where it leads', async () => {
    const { wanted, quick, first, full } = await counts(rewriteThroughSymlink());
    const paths = wanted.map((w) => quick.scans.get(w.blobPath)!.entries.path(w.entry)).sort();
    // padding is written again with the same size too: its body decides a change as well.
    expect(paths).toEqual(['lib/x', 'padding', 'padding', 'usr/lib/x']);
    expect(first).toEqual(full);
    expect(full.modified).toContain('/usr/lib/x');
    expect(full.counts.content).toBe(2);
  });

  it('only the versions the history compares: not a body two layers back of another size between', async () => {
    const { wanted, quick, first, full } = await counts([
      writeTar([{ name: 'f', data: 'same!' }, big('a')]),
      writeTar([{ name: 'f', data: 'longer' }, big('b')]),
      writeTar([{ name: 'f', data: 'same!' }, big('c')]),
    ]);
    const paths = wanted.map((w) => quick.scans.get(w.blobPath)!.entries.path(w.entry));
    expect(paths.filter((p) => p === 'f')).toEqual([]);
    expect(first).toEqual(full);
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
    const wanted = needed(quick);
    expect(wanted.length).toBe(588);
    let progress = 0;
    await fillHashes(quick, source, wanted, { onProgress: (done) => (progress = done) });
    expect(progress).toBe(588);
    // Only chmod copies: every content checked is what the first pass took it to be.
    expect(hashesChangedComparisons(quick, wanted)).toBe(false);
    for (const [path, scan] of full.scans)
      expect(hashesOf(quick.scans.get(path)!.entries)).toEqual(hashesOf(scan.entries));
  });
});
