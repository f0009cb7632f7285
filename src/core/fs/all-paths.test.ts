import { describe, expect, it } from 'vitest';
import { allPaths, pathIn, pathMaker } from './all-paths.ts';
import { PathTable } from './paths.ts';

const tableOf = (paths: string[]) => {
  const table = new PathTable();
  for (const path of paths) table.intern(path);
  return table;
};

describe('all the paths of a table in one string', () => {
  for (const [what, extra] of [
    ['ASCII names', []],
    ['names that are not ASCII', ['opt/Café/🐳', 'half/\ud800x']],
  ] as const)
    it(`gives each path as the table does, "/" before it and a NUL after (${what})`, () => {
      const table = tableOf(['usr/bin/ls', 'usr/lib/x/y/z', 'etc/passwd', 'a', ...extra]);
      const all = allPaths(table);
      const paths = Array.from({ length: table.size }, (_, p) => table.path(p));
      expect(Array.from({ length: table.size }, (_, p) => pathIn(all, p))).toEqual(paths);
      expect(all.text).toBe(paths.map((p) => `/${p}\0`).join(''));
    });
});

describe('all the paths lower-cased as they are laid out', () => {
  for (const [what, extra] of [
    ['ASCII names', []],
    ['names that are not ASCII', ['opt/CAFÉ/Ünï']],
  ] as const)
    it(`lower-case the ASCII letters only, each path as the table has it otherwise (${what})`, () => {
      const table = tableOf(['Usr/BIN/ls', 'usr/Lib/X', 'ETC/passwd', ...extra]);
      const all = allPaths(table, undefined, true);
      const ascii = (text: string) => text.replace(/[A-Z]/g, (c) => c.toLowerCase());
      const paths = Array.from({ length: table.size }, (_, p) => ascii(table.path(p)));
      expect(Array.from({ length: table.size }, (_, p) => pathIn(all, p))).toEqual(paths);
      expect(all.text).toBe(paths.map((p) => `/${p}\0`).join(''));
    });
});

describe('paths too deep to list together', () => {
  it('are refused with a clear error, not laid out', () => {
    // 40,000 folders deep: each holds its folder's path, 1.6 GB together.
    const table = new PathTable();
    table.intern(`${'dd/'.repeat(40_000)}f`);
    expect(() => allPaths(table)).toThrow(/too long to list together/);
  });

  it('are refused past the limit a pass asks for, and listed within it', () => {
    const table = tableOf(['usr/bin/ls', 'etc/passwd']);
    // "/", "/usr", "/usr/bin", "/usr/bin/ls", "/etc", "/etc/passwd", each with its NUL: 45 bytes.
    expect(allPaths(table, 45).text.length).toBe(45);
    expect(() => allPaths(table, 44)).toThrow(/too long to list together/);
  });
});

describe('a path maker', () => {
  it('slices the one string, or makes each path when they are too long to lay out', () => {
    for (const deep of [false, true]) {
      const table = new PathTable();
      const long = `${'dd/'.repeat(deep ? 40_000 : 3)}f`;
      const id = table.intern(long);
      table.intern('etc/passwd');
      const pathOf = pathMaker(table);
      expect(pathOf(id)).toBe(long);
      expect(pathOf(table.get('etc/passwd')!)).toBe('etc/passwd');
    }
  });
});
