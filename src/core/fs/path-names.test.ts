import { describe, expect, it } from 'vitest';
import { allNames, idOfPath, joinNames, NO_NAMES, nameAt, nameCount } from './path-names.ts';
import { PathTable } from './paths.ts';

const packed = (paths: string[]) => {
  const table = new PathTable();
  for (const path of paths) table.intern(path);
  return { table, names: table.namesFrom(0) };
};

describe('packed path names', () => {
  it('give back every name of the table, the root first as the empty name', () => {
    const { table, names } = packed(['usr/bin/ls', 'usr/lib', 'etc/passwd', 'a']);
    expect(nameCount(names)).toBe(table.size);
    expect(allNames(names)).toEqual(Array.from({ length: table.size }, (_, id) => table.name(id)));
    expect(nameAt(names, 0)).toBe('');
    expect(allNames(names)).toContain('passwd');
  });

  it('keep names that are not ASCII exactly: accents, emoji, a lone surrogate, control characters', () => {
    const odd = ['café/naïve', 'emoji/🐳', 'half/\ud800x', 'ctl/a\u0007b\u202e', 'nul-free/Ω'];
    const { table, names } = packed(odd);
    expect(allNames(names)).toEqual(Array.from({ length: table.size }, (_, id) => table.name(id)));
    expect(allNames(names)).toContain('\ud800x');
    expect(allNames(names)).toContain('🐳');
  });

  it('are as many code units as they need when not ASCII, the same as name by name', () => {
    const paths = Array.from({ length: 3000 }, (_, i) => `d/é${i}`);
    const { table, names } = packed(paths);
    expect(names.text.length).toBeGreaterThan(8192);
    expect(allNames(names)).toEqual(Array.from({ length: table.size }, (_, id) => table.name(id)));
  });

  it('join a run from one id on after the names before it, as the whole table', () => {
    const table = new PathTable();
    for (const path of ['a/b', 'a/c']) table.intern(path);
    const first = table.namesFrom(0);
    for (const path of ['a/ü', 'z/y']) table.intern(path);
    const rest = table.namesFrom(nameCount(first));
    expect(allNames(rest)).toEqual(['ü', 'z', 'y']);
    expect(allNames(joinNames(first, rest))).toEqual(allNames(table.namesFrom(0)));
    expect(allNames(joinNames(NO_NAMES, rest))).toEqual(allNames(rest));
  });

  it('find the id of a path part by part, as the table does, and nothing for a path it lacks', () => {
    const paths = ['usr/bin/ls', 'usr/lib/libc.so', 'usr/libexec/x', 'etc/passwd', 'café/🐳', 'a'];
    const { table, names } = packed(paths);
    const parents = table.parents.slice(0, table.size);
    for (let id = 1; id < table.size; id++)
      expect(idOfPath(names, parents, table.path(id))).toBe(id);
    expect(idOfPath(names, parents, 'usr/li')).toBeUndefined();
    expect(idOfPath(names, parents, 'usr/lib/libc.so/more')).toBeUndefined();
    expect(idOfPath(names, parents, 'usr//bin')).toBeUndefined();
    expect(idOfPath(names, parents, 'bin/ls')).toBeUndefined();
    expect(idOfPath(names, parents, '')).toBeUndefined();
  });
});
