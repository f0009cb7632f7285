import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortedPaths } from './path-order.ts';
import { PathTable } from './paths.ts';

/** The table's paths in the order found. */
function byRank(table: PathTable): string[] {
  return Array.from(sortedPaths(table), (p) => table.path(p));
}

describe('paths ranked in sorted order from the tree', () => {
  it('puts a-b between a and a/c, as a sort of full paths does', () => {
    const table = new PathTable();
    for (const p of ['a/c', 'a-b', 'a', 'a.d/e', 'ab', 'a/c/d', 'é', 'Z']) table.intern(p);
    expect(byRank(table)).toEqual(['', 'Z', 'a', 'a-b', 'a.d', 'a.d/e', 'a/c', 'a/c/d', 'ab', 'é']);
  });

  it('is the order Array.prototype.sort gives the full paths', () => {
    const segment = fc.constantFrom('a', 'a-b', 'a.b', 'a b', 'ab', 'b', 'A', 'é', '😀', '0');
    const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('/'));
    fc.assert(
      fc.property(fc.array(path, { maxLength: 40 }), (paths) => {
        const table = new PathTable();
        for (const p of paths) table.intern(p);
        expect(byRank(table)).toEqual(
          Array.from({ length: table.size }, (_, p) => table.path(p)).sort(),
        );
      }),
      { numRuns: 300, seed: 20261129 },
    );
  });
});
