import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { layersOf } from '../../testing/layers.ts';
import type { TarInput } from '../../testing/tar-writer.ts';
import { diveEfficiency } from './dive-efficiency.ts';
import { PathVersions } from './versions.ts';

// Names that sort differently name by name than as whole paths ('a' < 'a-c', yet 'a/' > 'a-').
const name = fc.constantFrom('a', 'a-c', 'b', 'B', '.x', 'z');
const path = fc.array(name, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/'));
const entry = (whiteouts: boolean): fc.Arbitrary<TarInput> =>
  fc.oneof(
    // Few sizes: files tie often, and ties are listed in the order dive meets them.
    fc.record({ name: path, data: fc.constantFrom('', 'x', 'xy') }),
    path.map((p) => ({ name: `${p}/`, kind: 'dir' as const })),
    // A symlinked folder: the change model writes paths below it where it leads, dive does not.
    path.map((p) => ({ name: p, kind: 'symlink' as const, linkname: 'z' })),
    ...(whiteouts
      ? [
          path.map((p) => {
            const cut = p.lastIndexOf('/');
            return { name: `${p.slice(0, cut + 1)}.wh.${p.slice(cut + 1)}`, data: '' };
          }),
        ]
      : []),
  );

describe("dive's figure, the last layer measured without its tree", () => {
  it('equals the walk of its tree, by path or by the change model, for any layers below', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(entry(true), { maxLength: 12 }), { maxLength: 3 }),
        fc.array(entry(false), { minLength: 1, maxLength: 16 }),
        async (below, top) => {
          const scanned = await layersOf([...below, top]);
          const layers = scanned.map((entries) => ({ entries, size: 0 }));
          const walked = diveEfficiency(layers, { everyTree: true });
          expect(diveEfficiency(layers)).toEqual(walked);
          const versions = new PathVersions(scanned);
          expect(diveEfficiency(layers, { versions })).toEqual(walked);
        },
      ),
      { numRuns: 300 },
    );
  });
});
