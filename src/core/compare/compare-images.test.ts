import { describe, expect, it } from 'vitest';
import { chosenImage, compareReads } from '../../cli/compare.ts';
import {
  archiveOfLayers,
  BASE_LAYERS as BASE,
  BASE_ENV,
  DERIVED_LAYERS as DERIVED,
  DERIVED_ENV,
} from '../../testing/compare-pair.ts';
import { fixtureBytes, readBytes } from '../../testing/fixtures.ts';
import type { TarInput } from '../../testing/tar-writer.ts';
import { envDifference } from './compare-images.ts';

/**
 * Two images compared against an independent replay of their layers: a plain map from path to what
 * a container sees, built from the tar inputs themselves (not from the reader or versions.ts).
 */
type Seen = { type: string; data: string; link: string; mode: number; uid: number; gid: number };

function replay(layers: TarInput[][]): Map<string, Seen> {
  const fs = new Map<string, Seen>();
  const under = (dir: string) => [...fs.keys()].filter((p) => p.startsWith(`${dir}/`));
  for (const layer of layers) {
    for (const e of layer) {
      const path = e.name.replace(/\/$/, '');
      const base = path.slice(path.lastIndexOf('/') + 1);
      const dir = path.slice(0, Math.max(0, path.lastIndexOf('/')));
      if (base === '.wh..wh..opq') for (const p of under(dir)) fs.delete(p);
      else if (base.startsWith('.wh.')) {
        const gone = `${dir ? `${dir}/` : ''}${base.slice(4)}`;
        fs.delete(gone);
        for (const p of under(gone)) fs.delete(p);
      }
    }
    for (const e of layer) {
      const path = e.name.replace(/\/$/, '');
      if (path.slice(path.lastIndexOf('/') + 1).startsWith('.wh.')) continue;
      const target = e.kind === 'hardlink' ? fs.get(e.linkname!) : undefined;
      fs.set(path, {
        type: target ? target.type : (e.kind ?? 'file'),
        data: target ? target.data : String(e.data ?? ''),
        link: e.kind === 'symlink' ? e.linkname! : '',
        mode: (e.mode ?? 0o644) & 0o7777,
        uid: e.uid ?? 0,
        gid: e.gid ?? 0,
      });
    }
  }
  return fs;
}

function expected(left: Map<string, Seen>, right: Map<string, Seen>) {
  const abs = (p: string) => `/${p}`;
  const changed: { path: string; kinds: string[] }[] = [];
  for (const [p, r] of right) {
    const l = left.get(p);
    if (!l) continue;
    const kinds: string[] = [];
    if (l.type !== r.type) kinds.push('type');
    else {
      if (l.data !== r.data) kinds.push('content');
      if (l.link !== r.link) kinds.push('link');
    }
    if (l.mode !== r.mode) kinds.push('mode');
    if (l.uid !== r.uid || l.gid !== r.gid) kinds.push('owner');
    if (kinds.length) changed.push({ path: abs(p), kinds });
  }
  return {
    added: [...right.keys()]
      .filter((p) => !left.has(p))
      .map(abs)
      .sort(),
    removed: [...left.keys()]
      .filter((p) => !right.has(p))
      .map(abs)
      .sort(),
    changed: changed.sort((a, b) => (a.path < b.path ? -1 : 1)),
  };
}

async function archiveOf(layers: TarInput[][], env: string[], tag: string) {
  return readBytes(archiveOfLayers(layers, env, tag));
}

describe('compareImages', () => {
  it('finds the paths an independent replay of both images finds, and the shared base', async () => {
    const left = await archiveOf(BASE, BASE_ENV, 'app:base');
    const right = await archiveOf(DERIVED, DERIVED_ENV, 'app:next');
    const c = compareReads(left, 0, right, 0);
    const want = expected(replay(BASE), replay(DERIVED));
    expect(c.files.added).toEqual(want.added);
    expect(c.files.removed).toEqual(want.removed);
    expect(c.files.changed.map(({ path, kinds }) => ({ path, kinds }))).toEqual(want.changed);
    // The cases the replay is there for, named, so that a replay gone wrong cannot hide them.
    expect(c.files.added).toEqual(['/app/new']);
    expect(c.files.removed).toEqual(['/app/cache/a', '/etc/group']);
    expect(c.files.changed.map((x) => `${x.path}:${x.kinds}`)).toEqual([
      '/app/bin:mode',
      '/app/cache:type,mode',
      '/app/config.txt:content',
      '/etc/hostname:owner',
      '/etc/mtab:link',
    ]);
    const config = c.files.changed.find((x) => x.path === '/app/config.txt')!;
    expect([config.leftBytes, config.rightBytes]).toEqual([18, 18]);

    expect(c.sharedLayers).toEqual(left.model.images[0]!.layers.map((l) => l.diffId));
    expect(c.commonBase).toBe(2);
    expect(c.config.env).toEqual({
      added: ['NEW=1'],
      removed: [],
      changed: [{ name: 'MODE', left: 'slow', right: 'fast' }],
    });
    expect(c.left.tags).toEqual(['app:base']);
    expect(c.right.tags).toEqual(['app:next']);
    const sizes = (read: typeof left) => [...read.scans.values()].map((s) => s.size);
    const [base0, base1] = sizes(left);
    const top = sizes(right).find((s) => s !== base0 && s !== base1)!;
    expect(c.bytes).toEqual({
      left: base0! + base1!,
      right: base0! + base1! + top,
      shared: base0! + base1!,
      onlyLeft: 0,
      onlyRight: top,
    });
    expect(c.identical).toBe(false);
  });

  it('says an image compared with itself is identical', async () => {
    const read = await archiveOf(DERIVED, ['A=1'], 'same:1');
    const c = compareReads(read, 0, read, 0);
    expect(c.identical).toBe(true);
    expect(c.files).toEqual({ added: [], removed: [], changed: [] });
    expect(c.config).toEqual({});
    expect(c.sharedLayers).toHaveLength(3);
  });

  it('compares two platforms of one index: nothing shared, platform named', async () => {
    const read = await readBytes(fixtureBytes('stereoscope__multiplatform_oci_dir.tar'));
    const c = compareReads(read, 0, read, 1);
    expect(c.sharedLayers).toEqual([]);
    expect(c.config.platform).toEqual({ left: 'linux/amd64', right: 'linux/arm64' });
    expect(c.files.added).toEqual(['/linux/arm64', '/linux/arm64/README.md']);
    expect(c.files.removed).toEqual(['/linux/amd64', '/linux/amd64/README.md']);
    expect(c.bytes.shared).toBe(0);
    expect(c.bytes.onlyLeft).toBe(c.bytes.left);
  });

  it('refuses an image number the archive does not have', async () => {
    const read = await readBytes(fixtureBytes('stereoscope__multiplatform_oci_dir.tar'));
    expect(() => chosenImage(read, 7, '--compare-image')).toThrow(/--compare-image 7/);
  });
});

describe('envDifference', () => {
  it('compares variables by name; the last setting of a name wins; bare names are empty', () => {
    expect(envDifference(['A=1', 'B=2', 'A=3', 'C'], ['A=3', 'B=x=y', 'D=4'])).toEqual({
      added: ['D=4'],
      removed: ['C='],
      changed: [{ name: 'B', left: '2', right: 'x=y' }],
    });
  });
});
