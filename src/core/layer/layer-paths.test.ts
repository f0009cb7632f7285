import { describe, expect, it } from 'vitest';
import { LayerPaths } from './layer-paths.ts';

const PATHS = [
  'etc',
  'etc/passwd',
  'usr/lib/libc.so',
  'usr/lib/libm.so',
  'opt/é/x',
  'usr/lib/x86_64/a.so',
  'usr/lib/libz.so',
  'opt/é/y',
  'top',
  'srv/naïve',
  // Not a normalised path, but kept as given: a folder '' is not the top.
  '/rooted',
  'top2',
];

/** Half the paths added as their UTF-8 bytes inside a larger buffer, as a tar header holds them. */
function filled(): LayerPaths {
  const paths = new LayerPaths();
  PATHS.forEach((path, i) => {
    if (i % 2 === 0) paths.push(path);
    else {
      const bytes = new TextEncoder().encode(`./${path}/`);
      paths.pushBytes(bytes, 2, bytes.length - 1);
    }
  });
  return paths;
}

describe('a layer’s paths', () => {
  it('give back every path, added as text or as bytes', () => {
    const paths = filled();
    expect(Array.from({ length: paths.length }, (_, i) => paths.at(i))).toEqual(PATHS);
    // Asked again out of order, past the folder made last.
    expect([7, 2, 8, 4].map((i) => paths.at(i))).toEqual([7, 2, 8, 4].map((i) => PATHS[i]));
  });

  it('keep each folder once, and each entry its last part', () => {
    const paths = filled();
    const folderOf = (i: number) => paths.folders.at(paths.folder(i));
    expect(PATHS.map((_, i) => folderOf(i))).toEqual(
      PATHS.map((p) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '')),
    );
    expect(paths.folder(2)).toBe(paths.folder(6));
    expect(paths.folder(4)).toBe(paths.folder(7));
    expect(paths.folders.length).toBe(7);
    expect(paths.folder(8)).toBe(0);
    expect(paths.folder(10)).toBeGreaterThan(0);
    expect(paths.names.at(5)).toBe('a.so');
  });

  it('find their folders again after letting go of their lookups', () => {
    const paths = filled();
    paths.settle();
    for (const path of ['usr/lib/more', 'opt/é/z', 'etc/group', 'new/folder/file']) {
      const bytes = new TextEncoder().encode(path);
      paths.pushBytes(bytes, 0, bytes.length);
    }
    const n = PATHS.length;
    expect(paths.folder(n)).toBe(paths.folder(2));
    expect(paths.folder(n + 1)).toBe(paths.folder(4));
    expect(paths.folder(n + 2)).toBe(paths.folder(1));
    expect(paths.folders.length).toBe(8);
    expect([n, n + 1, n + 2, n + 3].map((i) => paths.at(i))).toEqual([
      'usr/lib/more',
      'opt/é/z',
      'etc/group',
      'new/folder/file',
    ]);
  });

  it('move to another thread whole and grow there', () => {
    const paths = filled();
    const transfer = paths.handOver();
    const moved = LayerPaths.revive(structuredClone(paths, { transfer }));
    expect(transfer.every((buffer) => buffer.byteLength === 0)).toBe(true);
    expect(Array.from({ length: moved.length }, (_, i) => moved.at(i))).toEqual(PATHS);
    moved.push('usr/lib/new');
    expect(moved.folder(moved.length - 1)).toBe(moved.folder(2));
    expect(moved.at(moved.length - 1)).toBe('usr/lib/new');
  });
});
