import { describe, expect, it } from 'vitest';
import { sameSizeRewrites } from '../testing/large-files.ts';
import { bytesSource } from './bytes.ts';
import { fillHashes, pendingBodies } from './fill-hashes.ts';
import { analyzeImage, changeLists } from './fs/analyze-image.ts';
import { PENDING_HASH } from './layer/scan.ts';
import { readArchive } from './read-archive.ts';

/**
 * Headers first: large bodies skipped in the first pass, then only those whose hash decides a
 * change read in a second; the result must equal a full read's.
 */
describe('headers first', () => {
  it('skips large bodies, then hashes only those a same-size rewrite needs, to a full read’s result', async () => {
    const bytes = sameSizeRewrites();
    const full = await readArchive(bytesSource(bytes));
    const source = bytesSource(bytes, 256 << 10);
    const quick = await readArchive(source, { skipBodiesFrom: 4 << 20 });

    const skipped = [...quick.scans.values()].flatMap((s) =>
      s.entries.hashes.filter((h) => h === PENDING_HASH),
    );
    expect(skipped).toHaveLength(5);
    const needed = pendingBodies(quick, 'needed');
    // alone.bin is written once: its content decides nothing.
    expect(needed).toHaveLength(4);
    await fillHashes(quick, source, needed);

    const lists = (read: typeof full) => {
      const analysis = analyzeImage(read.model.images[0]!, read.scans);
      return changeLists(analysis.versions, 1);
    };
    expect(lists(quick)).toEqual(lists(full));
    expect(lists(quick).metadataOnly).toEqual(['/data/same.bin']);
    expect(lists(quick).counts.content).toBe(1);

    // Every hash, once filled, is the one a full read computes.
    await fillHashes(quick, source, pendingBodies(quick, 'all'));
    for (const [path, scan] of full.scans)
      expect(quick.scans.get(path)!.entries.hashes).toEqual(scan.entries.hashes);
  });
});
