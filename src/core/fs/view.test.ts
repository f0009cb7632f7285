import { describe, expect, it } from 'vitest';
import { fixtureBytes, readBytes } from '../../testing/fixtures.ts';
import { layersOf } from '../../testing/layers.ts';
import { Change, PathVersions } from './versions.ts';
import { matcher, PathSearch, treeView } from './view.ts';

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
    const search = new PathSearch(history);
    const names = [...search.find('/root/example/*')].map((p) => history.table.path(p)).sort();
    expect(names).toEqual([
      'root/example/really',
      'root/example/somefile1.txt',
      'root/example/somefile2.txt',
      'root/example/somefile3.txt',
    ]);
  });
});

describe('tree views', () => {
  it('changes mode shows what the layer touched and the folders above it, with its bytes', async () => {
    const history = new PathVersions(
      await layersOf([
        [
          { name: 'a/', kind: 'dir' },
          { name: 'a/old', data: 'xx' },
          { name: 'b', data: 'y' },
        ],
        [
          { name: 'a/new', data: 'zzz' },
          { name: 'a/.wh.old', data: '' },
        ],
      ]),
    );
    const view = treeView(history, 1, 'changes');
    const shown = (p: string) => view.shown[history.table.get(p)!];
    expect([shown('a'), shown('a/new'), shown('a/old'), shown('b')]).toEqual([1, 1, 1, 0]);
    expect(view.change[history.table.get('a/old')!]).toBe(Change.Deleted);
    expect(view.bytes[history.table.get('a')!]).toBe(3);
    const merged = treeView(history, 1, 'merged');
    expect(merged.bytes[0]).toBe(4); // a/new and b
    expect(merged.shown[history.table.get('b')!]).toBe(1);
  });
});
