import { describe, expect, it } from 'vitest';
import { bytesSource } from '../core/bytes.ts';
import type { LayerScan } from '../core/layer/scan.ts';
import { readArchive } from '../core/read-archive.ts';
import { fixtureBytes } from '../testing/fixtures.ts';
import { ArchiveQueries } from './archive-queries.ts';

describe('the archive queries while layers are still arriving', () => {
  it('covers the layers read so far, grows as more arrive, and gives the waste figures at the end', async () => {
    const bytes = fixtureBytes('dive__test-docker-image.tar');
    const full = await readArchive(bytesSource(bytes));
    const arrived = new Map<string, LayerScan>();
    const queries = new ArchiveQueries({ ...full, scans: arrived }, bytesSource(bytes));
    const summary = async () => (await queries.answer({ type: 'analysis', image: 0 })).answer;

    expect(await summary()).toMatchObject({ layersReady: 0, complete: false, efficiency: null });
    const layers = full.model.images[0]!.layers;
    for (const layer of layers.slice(0, 5))
      arrived.set(layer.blobPath!, full.scans.get(layer.blobPath!)!);
    expect((await summary()).layersReady).toBe(5);
    const { answer: view } = await queries.answer({
      type: 'view',
      image: 0,
      layer: 4,
      mode: 'changes',
    });
    expect(view.layer).toBe(4);

    for (const layer of layers) arrived.set(layer.blobPath!, full.scans.get(layer.blobPath!)!);
    queries.complete = true;
    const done = await summary();
    expect(done).toMatchObject({ layersReady: 14, complete: true });
    expect(done.efficiency?.score).toBe(0.9844212134184309);
  });
});
