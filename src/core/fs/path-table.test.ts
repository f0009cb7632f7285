import { describe, expect, it } from 'vitest';
import { allNames } from './path-names.ts';
import { PathTable } from './paths.ts';

describe('the path table', () => {
  it('finds every path again by full name and by (parent, name), across its growth', () => {
    const table = new PathTable();
    const paths: string[] = [];
    for (let d = 0; d < 30; d++)
      for (let f = 0; f < 200; f++) paths.push(`usr/d${d}/${f % 2 ? 'ü' : 'f'}${f}`);
    const ids = paths.map((p) => table.intern(p));
    // The folders are made as their first file arrives: 30 of them, usr, the root.
    expect(table.size).toBe(paths.length + 32);
    expect(new Set(ids).size).toBe(paths.length);
    paths.forEach((p, i) => {
      expect(table.get(p)).toBe(ids[i]);
      expect(table.path(ids[i]!)).toBe(p);
      expect(table.intern(p)).toBe(ids[i]);
    });
    const d7 = table.get('usr/d7')!;
    expect(table.child(d7, 'ü13')).toBe(table.get('usr/d7/ü13'));
    expect(table.child(d7, 'ü1')).toBe(table.get('usr/d7/ü1'));
    expect(table.child(d7, 'f13')).toBeUndefined();
    expect(table.get('usr/d7/f1')).toBeUndefined();
    expect(table.get('usr/d70')).toBeUndefined();
    expect(table.name(table.get('usr/d7/ü13')!)).toBe('ü13');
    expect(table.name(table.get('usr')!)).toBe('usr');
    expect(table.name(0)).toBe('');
  });

  it('lists children in the order they came, and names from any id on', () => {
    const table = new PathTable();
    for (const p of ['b/z', 'a', 'b/y', 'b/x/1']) table.intern(p);
    const b = table.get('b')!;
    expect([...table.children(b)].map((c) => table.name(c))).toEqual(['z', 'y', 'x']);
    expect([...table.children(0)].map((c) => table.name(c))).toEqual(['b', 'a']);
    expect(table.hasChildren(b)).toBe(true);
    expect(table.hasChildren(table.get('a')!)).toBe(false);
    expect(allNames(table.namesFrom(0))).toEqual(['', 'b', 'z', 'a', 'y', 'x', '1']);
    expect(allNames(table.namesFrom(4))).toEqual(['y', 'x', '1']);
    expect([...table.parents.slice(0, table.size)]).toEqual([-1, 0, 1, 0, 1, 1, 5]);
  });

  it('makes the path of a path far deeper than a stack, as it was interned', () => {
    const table = new PathTable();
    const deep = `${'d/'.repeat(200_000)}file`;
    const id = table.intern(deep);
    expect(table.path(id)).toBe(deep);
    expect(table.path(table.parents[id]!)).toBe(deep.slice(0, -'/file'.length));
  });
});
