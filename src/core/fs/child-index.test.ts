import { describe, expect, it } from 'vitest';
import { childIndex, childrenAt } from './child-index.ts';
import { PathTable } from './paths.ts';

describe('the child index', () => {
  it('gives every id the ids whose parent it is, in id order, and a leaf none', () => {
    const table = new PathTable();
    for (const path of ['usr/bin/ls', 'etc/passwd', 'usr/lib/x', 'usr/bin/cat', 'a'])
      table.intern(path);
    const parents = table.parents.slice(0, table.size);
    const index = childIndex(parents);
    for (let p = 0; p < table.size; p++) {
      const expected = [];
      for (let c = 1; c < table.size; c++) if (parents[c] === p) expected.push(c);
      expect([...childrenAt(index, p)]).toEqual(expected);
    }
    expect([...childrenAt(index, 0)].map((id) => table.name(id))).toEqual(['usr', 'etc', 'a']);
    expect(childrenAt(index, table.get('usr/bin/ls')!)).toHaveLength(0);
  });

  it('is empty for a table of no paths', () => {
    expect(childIndex(new Int32Array(0)).ids).toHaveLength(0);
  });
});
