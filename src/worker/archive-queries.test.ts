import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bytesSource } from '../core/bytes.ts';
import { allNames, joinNames, nameCount } from '../core/fs/path-names.ts';
import type { LayerScan } from '../core/layer/scan.ts';
import { readArchive } from '../core/read-archive.ts';
import { fixtureBytes } from '../testing/fixtures.ts';
import { imageFrom, legacyArchive } from '../testing/sample-image.ts';
import { scratchDir } from '../testing/scratch.ts';
import { ArchiveQueries } from './archive-queries.ts';
import { TOP_LAYER } from './protocol.ts';

describe('the archive queries while layers are still arriving', () => {
  it('covers the layers read so far, grows as more arrive, and gives the waste figures at the end', async () => {
    const bytes = fixtureBytes('dive__test-docker-image.tar');
    const full = await readArchive(bytesSource(bytes));
    const arrived = new Map<string, LayerScan>();
    const queries = new ArchiveQueries({ ...full, scans: arrived }, bytesSource(bytes));
    const summary = async () => (await queries.answer({ type: 'analysis', image: 0 })).answer;

    expect(await summary()).toMatchObject({ layersReady: 0, complete: false, final: null });
    const top = { type: 'view', image: 0, layer: TOP_LAYER, mode: 'changes' } as const;
    await expect(queries.answer(top)).rejects.toThrow(/No layer/);
    await expect(queries.answer({ type: 'efficiency', image: 0 })).rejects.toThrow(/not been read/);
    const layers = full.model.images[0]!.layers;
    for (const layer of layers.slice(0, 5))
      arrived.set(layer.blobPath!, full.scans.get(layer.blobPath!)!);
    const five = await summary();
    expect(five.layersReady).toBe(5);
    const fiveNames = allNames(five.names);
    const fiveParents = Int32Array.from(five.parents);
    const { answer: view } = await queries.answer({
      type: 'view',
      image: 0,
      layer: 4,
      mode: 'changes',
    });
    expect(view.layer).toBe(4);
    // The newest layer read, asked for without knowing which it is: the same view.
    expect((await queries.answer(top)).answer).toEqual(view);

    for (const layer of layers) arrived.set(layer.blobPath!, full.scans.get(layer.blobPath!)!);
    queries.complete = true;
    // A page that holds the table of five layers is sent only the paths added since.
    const { answer: rest } = await queries.answer({
      type: 'analysis',
      image: 0,
      namesKnown: fiveNames.length,
    });
    expect(rest.namesFrom).toBe(fiveNames.length);
    expect(fiveNames.length).toBeGreaterThan(1);
    expect(nameCount(rest.names)).toBeGreaterThan(0);
    const done = await summary();
    expect(done.namesFrom).toBe(0);
    expect([...fiveNames, ...allNames(rest.names)]).toEqual(allNames(done.names));
    // Joined as the page joins them, they are the whole table's.
    expect(allNames(joinNames(five.names, rest.names))).toEqual(allNames(done.names));
    expect([...fiveParents, ...rest.parents]).toEqual([...done.parents]);
    // One that says it holds more paths than there are gets them all.
    const { answer: all } = await queries.answer({ type: 'analysis', image: 0, namesKnown: 1e9 });
    expect(all.namesFrom).toBe(0);
    expect(all.names).toEqual(done.names);
    expect(done).toMatchObject({ layersReady: 14, complete: true });
    expect(done.final).not.toBeNull();
    const { answer: efficiency } = await queries.answer({ type: 'efficiency', image: 0 });
    expect(efficiency.score).toBe(0.9844212134184309);

    // Asked again for the same layers: the same summary, with a path table of its own to hand
    // over (the first one's was moved to the page).
    const first = await queries.answer({ type: 'analysis', image: 0 });
    structuredClone(first.answer, { transfer: first.transfer });
    expect(first.answer.parents.length).toBe(0);
    const again = await summary();
    expect(again.parents).toEqual(Int32Array.from(done.parents));
    expect({ ...again, parents: null }).toEqual({ ...done, parents: null });
  });
});

describe('file content of a sparse file', () => {
  it('reads back its real bytes, holes as zeros (a layer made by GNU tar --sparse)', async () => {
    const dir = scratchDir('strata-sparse-query-');
    const file = join(dir, 'disk.img');
    execFileSync('truncate', ['-s', String(3 << 20), file]);
    execFileSync('dd', [`of=${file}`, 'bs=1', `seek=${2 << 20}`, 'conv=notrunc', 'status=none'], {
      input: 'in the middle',
    });
    execFileSync('tar', [
      '--sparse',
      '--format=posix',
      '-C',
      dir,
      '-cf',
      join(dir, 'l.tar'),
      'disk.img',
    ]);
    const layer = new Uint8Array(readFileSync(join(dir, 'l.tar')));
    const archive = legacyArchive(imageFrom([{ command: 'COPY disk.img /', layer }]));
    const read = await readArchive(bytesSource(archive));
    const queries = new ArchiveQueries(read, bytesSource(archive));
    queries.complete = true;
    const { answer: summary } = await queries.answer({ type: 'analysis', image: 0 });
    const path = allNames(summary.names).indexOf('disk.img');
    const { answer } = await queries.answer({
      type: 'file-bytes',
      image: 0,
      path,
      layer: 0,
      start: (2 << 20) - 2,
      length: 16,
    });
    expect(answer.size).toBe(3 << 20);
    expect(Array.from(answer.bytes)).toEqual([
      0,
      0,
      ...new TextEncoder().encode('in the middle'),
      0,
    ]);
  });
});
