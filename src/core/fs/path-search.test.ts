import { describe, expect, it } from 'vitest';
import { fixtureBytes, readBytes } from '../../testing/fixtures.ts';
import { matcher, PathSearch } from './path-search.ts';
import { PathTable } from './paths.ts';
import { PathVersions } from './versions.ts';

/** What a search must find: each path tested alone, as `matcher` tests one. */
function eachAlone(table: PathTable, pattern: string): number[] {
  const test = matcher(pattern);
  const out: number[] = [];
  for (let p = 1; p < table.size; p++) if (test(`/${table.path(p)}`)) out.push(p);
  return out;
}

const tableOf = (paths: string[]) => {
  const table = new PathTable();
  for (const path of paths) table.intern(path);
  return table;
};

describe('path filter', () => {
  it('plain text is a case-insensitive substring', () => {
    const m = matcher('Saved');
    expect(m('/root/saved.txt')).toBe(true);
    expect(m('/root/other.txt')).toBe(false);
  });

  it('globs: * stays in a folder, ** crosses folders, a leading / anchors at the root', () => {
    expect(matcher('*.txt')('/root/example/somefile1.txt')).toBe(true);
    expect(matcher('/root/*.txt')('/root/example/somefile1.txt')).toBe(false);
    expect(matcher('/root/**.txt')('/root/example/somefile1.txt')).toBe(true);
    expect(matcher('somefile?.txt')('/root/example/somefile3.txt')).toBe(true);
    expect(matcher('somefile[12].txt')('/root/example/somefile3.txt')).toBe(false);
  });

  it('finds paths in a real image', async () => {
    const read = await readBytes(fixtureBytes('dive__test-docker-image.tar'));
    const image = read.model.images[0]!;
    const history = new PathVersions(image.layers.map((l) => read.scans.get(l.blobPath!)!.entries));
    const search = new PathSearch(history.table);
    const names = [...search.find('/root/example/*')].map((p) => history.table.path(p)).sort();
    expect(names).toEqual([
      'root/example/really',
      'root/example/somefile1.txt',
      'root/example/somefile2.txt',
      'root/example/somefile3.txt',
    ]);
  });
});

describe('path search over a whole table', () => {
  const ascii = [
    'usr/bin/ls',
    'usr/Lib/X86_64/libc.so.6',
    'etc/passwd',
    'etc/passwd-',
    'a',
    'usr/share/doc/README',
    'deep/a/b/c/d/e/f/g/h/i/j/k',
  ];
  const patterns = [
    '',
    'usr',
    'LIB',
    '/',
    'd/e',
    'wd-',
    'a',
    'c/d/e',
    'readme',
    '/usr/l',
    'zzz',
    'x86_64/libc',
  ];

  it('finds what testing each path alone finds, in id order, ASCII names', () => {
    const table = tableOf(ascii);
    for (const pattern of patterns)
      expect(Array.from(new PathSearch(table).find(pattern)), pattern).toEqual(
        eachAlone(table, pattern),
      );
  });

  it('finds the same with names that are not ASCII, whose lower case may be longer', () => {
    const table = tableOf([...ascii, 'opt/Café/İstanbul', 'opt/ΣΊΣΥΦΟΣ/x', 'k/\u212a']);
    for (const pattern of [...patterns, 'café', 'i̇stanbul', 'σ', 'k', 'opt/c'])
      expect(Array.from(new PathSearch(table).find(pattern)), pattern).toEqual(
        eachAlone(table, pattern),
      );
  });

  it('globs and substrings agree with matcher on a table of thousands', () => {
    const paths: string[] = [];
    for (let d = 0; d < 40; d++)
      for (let f = 0; f < 100; f++) paths.push(`srv/D${d}/file-${f}.TXT`);
    const table = tableOf(paths);
    const search = new PathSearch(table);
    for (const pattern of [
      'd1/',
      'file-9',
      '*.txt',
      'srv/d3*/file-1?.TXT',
      '**/file-5*',
      '.txt',
      '*',
      '?',
      '[d]3*/*',
      '/SRV/**9.txt',
    ])
      expect(Array.from(search.find(pattern)), pattern).toEqual(eachAlone(table, pattern));
  });
});
