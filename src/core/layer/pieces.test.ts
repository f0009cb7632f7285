import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureBytes } from '../../testing/fixtures.ts';
import { scratchDir } from '../../testing/scratch.ts';
import { bytesSource } from '../bytes.ts';
import { readArchive } from '../read-archive.ts';
import { joinPieces, type PieceScan, pieceOptions } from './pieces.ts';
import type { LayerScan } from './scan.ts';
import { scanBlobAt } from './scan-blob.ts';

const SKIP_FROM = 1 << 20;
const LIMIT = 1_000_000;

async function scanPiece(
  tar: Uint8Array,
  from: number,
  trusted: boolean,
  stopAt = Number.POSITIVE_INFINITY,
): Promise<PieceScan> {
  const piece = pieceOptions(from, trusted);
  piece.bounds.stopAt = stopAt;
  let start: number | undefined;
  piece.onStart = (at) => {
    start = at;
  };
  const scan = await scanBlobAt(
    bytesSource(tar, 4096),
    { path: 'layer.tar', start: 0, size: tar.length },
    { skipBodiesFrom: SKIP_FROM, piece },
  );
  return { scan, start, stoppedAt: piece.bounds.stoppedAt, log: piece.log };
}

/**
 * The layer walked in pieces starting near `cuts`, each walk before stopping where the next began,
 * joined, and walked again from any place no piece could go on from, as worker/scan-pool.ts does.
 */
const ways = { joined: 0, walkedAgain: 0 };

async function inPieces(tar: Uint8Array, cuts: number[]): Promise<LayerScan> {
  const later: PieceScan[] = [];
  for (const cut of cuts) later.push(await scanPiece(tar, cut, false));
  // Each stops where the next found piece began.
  const starts = later.map((p) => p.start);
  for (let k = 0; k < later.length; k++) {
    const next = starts.slice(k + 1).find((s) => s !== undefined);
    if (next !== undefined && later[k]!.start !== undefined)
      later[k] = await scanPiece(tar, later[k]!.start!, true, next);
  }
  const firstStop = starts.find((s) => s !== undefined);
  const first = await scanPiece(tar, 0, true, firstStop);
  const length = first.scan.entries.length;
  let joined = joinPieces(first, later, LIMIT, LIMIT);
  if (first.stoppedAt !== undefined && joined.scan.entries.length > length) ways.joined++;
  while (joined.stoppedAt !== undefined) {
    ways.walkedAgain++;
    joined = joinPieces(joined, [await scanPiece(tar, joined.stoppedAt, true)], LIMIT, LIMIT);
  }
  return joined.scan;
}

async function whole(tar: Uint8Array): Promise<LayerScan> {
  return scanBlobAt(
    bytesSource(tar, 4096),
    { path: 'layer.tar', start: 0, size: tar.length },
    { skipBodiesFrom: SKIP_FROM },
  );
}

const described = (scan: LayerScan) => ({
  entries: Array.from({ length: scan.entries.length }, (_, i) => scan.entries.get(i)),
  size: scan.size,
  tarBytes: scan.tarBytes,
  tarEntries: scan.tarEntries,
  error: scan.error?.toProblem(),
  skipped: scan.skipped,
  clamped: scan.clamped,
});

/** The layer blobs of an uncompressed archive fixture. */
async function layersOf(name: string): Promise<Uint8Array[]> {
  const bytes = fixtureBytes(name);
  const read = await readArchive(bytesSource(bytes));
  return read.model.images[0]!.layers.map((layer) => {
    const entry = read.index.entries.find((e) => e.path === layer.blobPath)!;
    return bytes.subarray(entry.dataOffset, entry.dataOffset + entry.size);
  });
}

describe('a plain layer read in pieces', () => {
  it('gives what one walk gives, cut anywhere in a layer docker saved', async () => {
    const layers = await layersOf('dive__test-docker-image.tar');
    const tar = layers.reduce((a, b) => (b.length > a.length ? b : a));
    expect(tar.length).toBeGreaterThan(1 << 20);
    const expected = described(await whole(tar));
    expect(expected.entries.length).toBeGreaterThan(300);
    for (const cuts of [
      [tar.length / 2],
      [tar.length / 4, tar.length / 2, (3 * tar.length) / 4],
      [1000, 1024, 70_000],
      [tar.length - 2048],
    ]) {
      ways.joined = 0;
      expect(described(await inPieces(tar, cuts.map(Math.floor)))).toEqual(expected);
      // Not the whole walked again: pieces were joined (the middle of this layer is in a body).
      if (cuts.length > 1) expect(ways.joined).toBe(1);
    }
  });

  it('joins past GNU long names, PAX records and a tar inside the layer', async () => {
    const dir = scratchDir('strata-pieces-');
    const tree = join(dir, 'tree');
    const deep = `${'folder-with-a-long-name/'.repeat(6)}leaf`;
    for (let i = 0; i < 60; i++) {
      mkdirSync(join(tree, `d${i}`, deep), { recursive: true });
      writeFileSync(join(tree, `d${i}`, deep, `file-${i}.txt`), 'x'.repeat(700 * i));
    }
    // A tar file in the layer: its headers look like the layer's to a search.
    const inner = join(dir, 'inner.tar');
    execFileSync('tar', ['--format=posix', '-C', tree, '-cf', inner, 'd1', 'd2', 'd3']);
    writeFileSync(join(tree, 'd30', 'inner.tar'), readFileSync(inner));
    for (const format of ['gnu', 'posix']) {
      const file = join(dir, `${format}.tar`);
      execFileSync('tar', [`--format=${format}`, '--sort=name', '-C', tree, '-cf', file, '.']);
      const tar = new Uint8Array(readFileSync(file));
      const expected = described(await whole(tar));
      expect(expected.entries.some((e) => e.path.length > 100)).toBe(true);
      const at = tar.length;
      // Every 512-byte place in a stretch: some cut into a long name's group, some into the
      // inner tar.
      const innerAt = expected.entries.find((e) => e.path.endsWith('inner.tar'))!.dataOffset;
      ways.joined = ways.walkedAgain = 0;
      for (let cut = innerAt - 2048; cut < innerAt + 8192; cut += 512)
        expect(described(await inPieces(tar, [cut]))).toEqual(expected);
      // Cuts into the inner tar found its headers: the layer was walked again past them.
      expect(ways.walkedAgain).toBeGreaterThan(0);
      expect(ways.joined).toBeGreaterThan(0);
      ways.joined = 0;
      for (let cut = 0; cut < Math.min(at, 24_576); cut += 512)
        expect(described(await inPieces(tar, [cut]))).toEqual(expected);
      expect(ways.joined).toBeGreaterThan(30);
    }
  });

  it('stops no walk after a PAX global header, which the pieces after it did not see', async () => {
    const dir = scratchDir('strata-pieces-');
    const tree = join(dir, 'tree');
    mkdirSync(tree);
    for (let i = 0; i < 40; i++) writeFileSync(join(tree, `f${i}`), 'y'.repeat(1000));
    const file = join(dir, 'global.tar');
    execFileSync('tar', [
      '--format=posix',
      '--pax-option=globexthdr.name=g,uname=someone',
      '--sort=name',
      '-C',
      tree,
      '-cf',
      file,
      '.',
    ]);
    const tar = new Uint8Array(readFileSync(file));
    const expected = described(await whole(tar));
    expect(expected.entries.at(-1)?.uname).toBe('someone');
    ways.joined = 0;
    expect(described(await inPieces(tar, [Math.floor(tar.length / 2)]))).toEqual(expected);
    expect(ways.joined).toBe(0);
  });

  it('keeps the damage a piece after the join met, and the budget of entries', async () => {
    const layers = await layersOf('dive__test-docker-image.tar');
    const tar = layers.reduce((a, b) => (b.length > a.length ? b : a)).slice();
    // The first cut after the middle with headers after it (the middle is in busybox's body).
    let cut = await scanPiece(tar, tar.length / 2, false);
    for (let at = tar.length / 2; cut.log.length < 8; at += 4096)
      cut = await scanPiece(tar, Math.floor(at), false);
    // A header well after the join is damaged: the joined layer ends there, with the error.
    const damaged = cut.log.count(Math.floor(cut.log.length / 2), 0);
    tar[damaged + 100] = (tar[damaged + 100]! + 1) % 256;
    const expected = described(await whole(tar));
    expect(expected.error?.code).toBe('bad-checksum');
    ways.joined = 0;
    expect(described(await inPieces(tar, [cut.start!]))).toEqual(expected);
    expect(ways.joined).toBe(1);
    const first = await scanPiece(tar, 0, true, cut.start);
    const budget = first.scan.entries.length + 5;
    const joined = joinPieces(first, [cut], budget, budget);
    expect(joined.scan.entries.length).toBe(budget);
    expect(joined.scan.error?.code).toBe('limit');
  });
});
