import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { largestFirst } from './ownership.ts';

describe('the largest unowned files', () => {
  it('are the first of them all sorted by size, then path, for any sizes and ties', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(0, 1, 2, 5, 9), fc.string({ maxLength: 3 })), {
          maxLength: 60,
        }),
        fc.integer({ min: 1, max: 20 }),
        (files, count) => {
          // Paths are unique, as ids' paths are: the index makes them so.
          const paths = files.map(([, name], i) => `${name}/${i}`);
          const sizes = files.map(([size]) => size);
          // Ids are not indices: the answer is indices into ids and sizes.
          const ids = files.map((_, i) => 1000 - i);
          const all = files
            .map((_, i) => i)
            .sort((a, b) => sizes[b]! - sizes[a]! || (paths[a]! < paths[b]! ? -1 : 1));
          const pathOf = (id: number) => paths[1000 - id]!;
          expect(largestFirst(ids, sizes, pathOf, count)).toEqual(all.slice(0, count));
        },
      ),
      { numRuns: 500 },
    );
  });
});
