import { describe, expect, it } from 'vitest';
import { layersOf } from '../../testing/layers.ts';
import { Change, PathVersions } from './versions.ts';
import { treeView } from './view.ts';

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
