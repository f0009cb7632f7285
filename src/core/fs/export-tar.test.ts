import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureBytes, readBytes } from '../../testing/fixtures.ts';
import { layersOf } from '../../testing/layers.ts';
import { scratchDir } from '../../testing/scratch.ts';
import { writeTar } from '../../testing/tar-writer.ts';
import { bytesSource } from '../bytes.ts';
import { scanLayer } from '../layer/scan.ts';
import { DEFAULT_LIMITS } from '../limits.ts';
import { filesystemTar } from './export-tar.ts';
import { mergedAt } from './merged.ts';
import { PathVersions } from './versions.ts';

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of chunks) parts.push(c);
  return new Uint8Array(Buffer.concat(parts));
}

function visible(versions: PathVersions, layer: number): string[] {
  const view = mergedAt(versions, layer);
  const out: string[] = [];
  for (let p = 1; p < view.version.length; p++)
    if (view.version[p]! >= 0) out.push(versions.table.path(p));
  return out.sort();
}

/** What GNU tar lists and extracts from an exported tar. */
function gnuTar(tar: Uint8Array) {
  const dir = scratchDir('strata-export-');
  writeFileSync(join(dir, 'fs.tar'), tar);
  const listed = execFileSync('tar', ['-tf', join(dir, 'fs.tar')], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  })
    .split('\n')
    .filter(Boolean)
    .map((p) => p.replace(/\/$/, ''))
    .sort();
  execFileSync('mkdir', ['-p', join(dir, 'out')]);
  execFileSync('tar', ['-xf', join(dir, 'fs.tar'), '-C', join(dir, 'out')]);
  return { listed, read: (p: string) => readFileSync(join(dir, 'out', p), 'utf8') };
}

describe('the filesystem at a layer, as a tar', () => {
  it('pairs bodies with files by their offset: an entry the scan left out shifts nothing', async () => {
    // The first file is deeper than the scan's limit, so the scan leaves it out; counting entries
    // would hand its bytes to the next file.
    const tar = writeTar([
      { name: 'a/b/c/d/too-deep', data: 'NOT MINE' },
      { name: 'x', data: 'mine' },
      { name: './', kind: 'dir' },
      { name: 'y', data: 'also mine' },
    ]);
    const scan = await scanLayer(bytesSource(tar).read(0), undefined, {
      limits: { ...DEFAULT_LIMITS, pathDepth: 2 },
    });
    expect(scan.skipped?.count).toBe(1);
    const versions = new PathVersions([scan.entries]);
    const out = await collect(filesystemTar(versions, 0, () => bytesSource(tar).read(0)));
    const { listed, read } = gnuTar(out);
    expect(listed).toEqual(['x', 'y']);
    expect(read('x')).toBe('mine');
    expect(read('y')).toBe('also mine');
  });

  it('has exactly the visible paths, with the right contents, links kept', async () => {
    const stack = [
      [
        { name: 'etc/', kind: 'dir' as const },
        { name: 'etc/a', data: 'one' },
        { name: 'etc/gone', data: 'bye' },
        { name: 'bin/', kind: 'dir' as const },
        { name: 'bin/busybox', data: 'BB' },
        { name: 'bin/sh', kind: 'hardlink' as const, linkname: 'bin/busybox' },
        { name: `${'long/'.repeat(30)}name`, data: 'deep' },
      ],
      [
        { name: 'etc/a', data: 'two!' },
        { name: 'etc/.wh.gone', data: '' },
        { name: 'etc/link', kind: 'symlink' as const, linkname: '../bin/sh' },
      ],
    ];
    const tars = stack.map(writeTar);
    const versions = new PathVersions(await layersOf(stack));
    const tar = await collect(filesystemTar(versions, 1, (l) => bytesSource(tars[l]!).read(0)));
    const { listed, read } = gnuTar(tar);
    expect(listed).toEqual(visible(versions, 1));
    expect(read('etc/a')).toBe('two!');
    expect(read('bin/sh')).toBe('BB');
    expect(read(`${'long/'.repeat(30)}name`)).toBe('deep');
    expect(listed).not.toContain('etc/gone');
  });

  it('dive test image: every final path of a real image, hardlinks and all', async () => {
    const bytes = fixtureBytes('dive__test-docker-image.tar');
    const read = await readBytes(bytes);
    const image = read.model.images[0]!;
    const versions = new PathVersions(
      image.layers.map((l) => read.scans.get(l.blobPath!)!.entries),
    );
    const top = image.layers.length - 1;
    const open = (l: number) => {
      const entry = read.index.resolve(image.layers[l]!.blobPath!)!;
      return bytesSource(bytes).read(entry.dataOffset, entry.dataOffset + entry.size);
    };
    const { listed, read: readOut } = gnuTar(await collect(filesystemTar(versions, top, open)));
    expect(listed).toEqual(visible(versions, top));
    expect(readOut('root/saved.txt').length).toBe(6405);
  });
});
