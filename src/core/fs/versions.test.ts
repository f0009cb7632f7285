import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureBytes, readBytes } from '../../testing/fixtures.ts';
import { layersOf } from '../../testing/layers.ts';
import { scratchDir } from '../../testing/scratch.ts';
import { changeLists } from './analyze-image.ts';
import { finalCounts, mergedAt } from './merged.ts';
import { PathVersions } from './versions.ts';

/** A layer's change lists as plain arrays, as the report's JSON has them. */
const plainChanges = (versions: Parameters<typeof changeLists>[0], layer: number) =>
  JSON.parse(JSON.stringify(changeLists(versions, layer))) as Record<string, string[]> & {
    counts: Record<string, number>;
  };

const dir = (name: string, mode = 0o755) => ({ name: `${name}/`, kind: 'dir' as const, mode });
const file = (name: string, data = 'x', mode = 0o644) => ({ name, data, mode });
const wh = (name: string) => ({ name, data: '' });

/** Paths visible after `layer`, as absolute paths. */
function visibleAt(history: PathVersions, layer: number): string[] {
  const view = mergedAt(history, layer);
  const out: string[] = [];
  for (let p = 1; p < view.version.length; p++)
    if (view.version[p]! >= 0) out.push(`/${history.table.path(p)}`);
  return out.sort();
}

describe('applying layers', () => {
  it('a path below a lower symlinked folder is written where the link leads, inside the root', async () => {
    // usrmerge: /lib -> usr/lib below; a later layer writes lib/x (as a hand-made tar may).
    const versions = new PathVersions(
      await layersOf([
        [dir('usr'), dir('usr/lib'), { name: 'lib', kind: 'symlink', linkname: 'usr/lib' }],
        [file('lib/x', 'data'), { name: 'up', kind: 'symlink', linkname: '../../../..' }],
        [file('up/etc/escaped', 'e'), wh('lib/.wh.x')],
      ]),
    );
    expect(visibleAt(versions, 1)).toEqual(['/lib', '/up', '/usr', '/usr/lib', '/usr/lib/x']);
    expect(versions.describe(versions.versionAt(versions.table.get('lib')!, 1)).kind).toBe(
      'symlink',
    );
    expect(plainChanges(versions, 1).added).toEqual(['/up', '/usr/lib/x']);
    // A link that climbs above the root stays inside it; a whiteout through the link deletes.
    expect(visibleAt(versions, 2)).toEqual([
      '/etc',
      '/etc/escaped',
      '/lib',
      '/up',
      '/usr',
      '/usr/lib',
    ]);
    expect(versions.oddities).toContainEqual({
      layer: 1,
      path: 'lib',
      what: 'paths below this symlink (to usr/lib) were written where it leads',
    });
  });

  it('a folder first met below a symlink, or made one in the same layer, leads where the link does', async () => {
    const versions = new PathVersions(
      await layersOf([
        [dir('usr'), dir('usr/lib'), { name: 'lib', kind: 'symlink', linkname: 'usr/lib' }],
        [
          file('lib/deep/new/x'),
          file('srv/app/cache/one'),
          { name: 'srv/app', kind: 'symlink', linkname: '../data' },
          file('srv/app/cache/two'),
        ],
      ]),
    );
    expect(visibleAt(versions, 1)).toEqual([
      '/data',
      '/data/cache',
      '/data/cache/two',
      '/lib',
      '/srv',
      '/srv/app',
      '/usr',
      '/usr/lib',
      '/usr/lib/deep',
      '/usr/lib/deep/new',
      '/usr/lib/deep/new/x',
    ]);
  });

  it('a loop of symlinks leaves the path as the layer wrote it', async () => {
    const versions = new PathVersions(
      await layersOf([
        [
          { name: 'a', kind: 'symlink', linkname: 'b' },
          { name: 'b', kind: 'symlink', linkname: 'a' },
        ],
        [file('a/x')],
      ]),
    );
    expect(visibleAt(versions, 1)).toEqual(['/a', '/a/x', '/b']);
  });

  it('a whiteout of a directory removes it and everything under it', async () => {
    const h = new PathVersions(
      await layersOf([
        [dir('a'), file('a/x'), dir('a/d'), file('a/d/y'), file('b')],
        [wh('.wh.a')],
      ]),
    );
    expect(visibleAt(h, 1)).toEqual(['/b']);
    expect(plainChanges(h, 1).deleted).toEqual(['/a', '/a/d', '/a/d/y', '/a/x']);
  });

  it('a whiteout never hides an entry of its own layer, wherever it sits in the stream', async () => {
    const h = new PathVersions(
      await layersOf([[file('f', 'old')], [file('f', 'new'), wh('.wh.f')]]),
    );
    expect(visibleAt(h, 1)).toEqual(['/f']);
    expect(plainChanges(h, 1).modified).toEqual(['/f']);
  });

  it('an opaque directory hides everything below it from lower layers and keeps itself', async () => {
    const h = new PathVersions(
      await layersOf([
        [dir('d'), file('d/old'), dir('d/sub'), file('d/sub/z')],
        [dir('d'), wh('d/.wh..wh..opq'), file('d/new')],
      ]),
    );
    expect(visibleAt(h, 1)).toEqual(['/d', '/d/new']);
    const changes = plainChanges(h, 1);
    expect(changes.deleted).toEqual(['/d/old', '/d/sub', '/d/sub/z']);
    expect(changes.added).toEqual(['/d/new']);
    expect(changes.counts.unchanged).toBe(1); // d itself, re-emitted
  });

  it('an opaque marker placed after the new entries still applies first', async () => {
    const h = new PathVersions(
      await layersOf([
        [dir('d'), file('d/old')],
        [file('d/new'), wh('d/.wh..wh..opq')],
      ]),
    );
    expect(visibleAt(h, 1)).toEqual(['/d', '/d/new']);
  });

  it('a file written over a directory removes the directory subtree', async () => {
    const h = new PathVersions(
      await layersOf([[dir('p'), file('p/q')], [file('p', 'now a file')]]),
    );
    expect(visibleAt(h, 1)).toEqual(['/p']);
    const changes = plainChanges(h, 1);
    expect(changes.deleted).toEqual(['/p/q']);
    expect(changes.modified).toEqual(['/p']);
  });

  it('missing parents are created implicitly, and a file standing where a parent must be is replaced', async () => {
    const h = new PathVersions(await layersOf([[file('x')], [file('x/y/z')]]));
    expect(visibleAt(h, 1)).toEqual(['/x', '/x/y', '/x/y/z']);
    expect(plainChanges(h, 1).added).toEqual(['/x/y', '/x/y/z']);
    expect(plainChanges(h, 1).modified).toEqual(['/x']);
  });

  it('paths are normalised: ./, leading / and trailing / name the same path; the root entry is ignored', async () => {
    const h = new PathVersions(
      await layersOf([[dir('.'), dir('./etc'), file('./etc/a')], [file('/etc/a', 'changed')]]),
    );
    expect(visibleAt(h, 1)).toEqual(['/etc', '/etc/a']);
    expect(plainChanges(h, 1).modified).toEqual(['/etc/a']);
  });

  it('a hardlink takes the content of its target as it stands at that point', async () => {
    const layers = await layersOf([
      [file('t', 'one')],
      [{ name: 'l', kind: 'hardlink', linkname: 't' }, file('t', 'two!')],
    ]);
    const h = new PathVersions(layers);
    const top = mergedAt(h, 1);
    const l = h.table.get('l')!;
    expect(h.describe(top.version[l]!).size).toBe(3); // 'one', not 'two!'
    expect(finalCounts(h)).toMatchObject({ files: 2, hardlinks: 1, bytes: 7 });
  });

  it('same-size rewrites are content changes; identical copies are unchanged; chmod is metadata', async () => {
    const h = new PathVersions(
      await layersOf([
        [file('same', 'abc'), file('rewritten', 'abc'), file('chmod', 'abc')],
        [file('same', 'abc'), file('rewritten', 'xyz'), file('chmod', 'abc', 0o755)],
      ]),
    );
    const c = plainChanges(h, 1);
    expect(c.modified).toEqual(['/chmod', '/rewritten']);
    expect(c.metadataOnly).toEqual(['/chmod']);
    expect(c.counts).toMatchObject({ content: 1, metadata: 1, unchanged: 1 });
  });

  it('each path keeps its history: every layer that added, changed or deleted it', async () => {
    const h = new PathVersions(
      await layersOf([[file('f', 'a')], [], [file('f', 'bb')], [wh('.wh.f')], [file('f', 'c')]]),
    );
    const f = h.table.get('f')!;
    expect(h.versionsOf(f).map((v) => h.vLayer[v])).toEqual([0, 2, 3, 4]);
    expect(visibleAt(h, 3)).toEqual([]);
    expect(visibleAt(h, 1)).toEqual(['/f']);
  });
});

describe('layers of real archives', () => {
  it('ggcr whiteout_dir: .wh.a deletes a and a/foo, the next layer re-creates a with a/baz', async () => {
    const read = await readBytes(fixtureBytes('ggcr__mutate__whiteout_dir.tar'));
    const image = read.model.images[0]!;
    const h = new PathVersions(image.layers.map((l) => read.scans.get(l.blobPath!)!.entries));
    expect(plainChanges(h, 2).deleted).toEqual(['/a', '/a/foo']);
    expect(plainChanges(h, 3).added).toEqual(['/a', '/a/baz']);
    expect(visibleAt(h, 3)).toEqual(['/a', '/a/baz', '/b', '/b/bar']);
  });

  it('skopeo node-removed: /node is gone from the final filesystem', async () => {
    const read = await readBytes(
      fixtureBytes('snyk__docker-archives__skopeo-copy__node-removed.tar'),
    );
    const image = read.model.images[0]!;
    const h = new PathVersions(image.layers.map((l) => read.scans.get(l.blobPath!)!.entries));
    expect(visibleAt(h, 1)).toContain('/node');
    expect(visibleAt(h, 2)).not.toContain('/node');
    expect(plainChanges(h, 2).deleted).toEqual(['/node']);
  });
});

describe('sizes counted like du', () => {
  it('a folder holds hardlinked data once: busybox /bin against the inodes GNU tar extracts', async () => {
    const bytes = fixtureBytes('dive__test-docker-image.tar');
    const read = await readBytes(bytes);
    const image = read.model.images[0]!;
    const versions = new PathVersions(
      image.layers.map((l) => read.scans.get(l.blobPath!)!.entries),
    );
    const top = mergedAt(versions, image.layers.length - 1);
    // Independently: extract layer 0 (nothing later touches /bin) and sum file sizes by inode.
    const dir = scratchDir('strata-du-');
    writeFileSync(join(dir, 'image.tar'), bytes);
    execFileSync('tar', ['-xf', join(dir, 'image.tar'), '-C', dir, image.layers[0]!.blobPath!]);
    mkdirSync(join(dir, 'fs'));
    execFileSync('tar', [
      '-xf',
      join(dir, image.layers[0]!.blobPath!),
      '-C',
      join(dir, 'fs'),
      'bin',
    ]);
    const listing = execFileSync(
      'find',
      [join(dir, 'fs', 'bin'), '-type', 'f', '-printf', '%i %s\\n'],
      {
        encoding: 'utf8',
      },
    );
    const inodes = new Map(
      listing
        .trim()
        .split('\n')
        .map((l) => l.split(' ') as [string, string]),
    );
    const du = [...inodes.values()].reduce((n, s) => n + Number(s), 0);
    expect(inodes.size).toBeLessThan(listing.trim().split('\n').length); // there are hardlinks
    expect(top.bytes[versions.table.get('bin')!]).toBe(du);
    const counts = finalCounts(versions);
    expect(counts.uniqueBytes).toBeLessThan(counts.bytes);
    // The counts, made without a view, give the root's total of the view.
    expect(counts.uniqueBytes).toBe(top.bytes[0]);
  });
});
