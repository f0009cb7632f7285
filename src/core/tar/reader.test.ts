import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDir } from '../../testing/scratch.ts';
import { type TarInput, writeTar } from '../../testing/tar-writer.ts';
import { bytesSource } from '../bytes.ts';
import { ChunkReader } from '../chunk-reader.ts';
import { StrataError } from '../errors.ts';
import { nameOf, readTar, type TarEntry, walkTar } from './reader.ts';

async function entriesOf(
  bytes: Uint8Array,
  chunkSize = 1 << 20,
): Promise<(TarEntry & { body: string })[]> {
  const source = bytesSource(bytes, chunkSize);
  const reader = new ChunkReader(
    (offset) => source.read(offset),
    true,
    0,
    undefined,
    4 << 20,
    bytes.length,
  );
  const out: (TarEntry & { body: string })[] = [];
  for await (const entry of readTar(reader)) {
    let body = '';
    if (entry.kind === 'file') {
      for await (const chunk of reader.take(entry.size, `the body of ${entry.path}`))
        body += new TextDecoder().decode(chunk);
    }
    out.push({ ...entry, body });
  }
  return out;
}

async function failure(bytes: Uint8Array): Promise<StrataError> {
  try {
    await entriesOf(bytes);
  } catch (error) {
    if (error instanceof StrataError) return error;
    throw error;
  }
  throw new Error('no error');
}

const longName = `${'deep/'.repeat(40)}file-with-a-long-name.txt`;
const longLink = `${'target/'.repeat(30)}end`;

describe('tar reader on archives written by GNU tar', () => {
  const dir = scratchDir('strata-tar-');
  const tree = join(dir, 'tree');
  mkdirSync(join(tree, ...longName.split('/').slice(0, -1)), { recursive: true });
  writeFileSync(join(tree, longName), 'long\n');
  writeFileSync(join(tree, 'small.txt'), 'hello\n');
  execFileSync('ln', ['-s', longLink, join(tree, 'link')]);
  const gnu = join(dir, 'gnu.tar');
  const pax = join(dir, 'pax.tar');
  execFileSync('tar', ['--format=gnu', '-C', tree, '-cf', gnu, '.']);
  execFileSync('tar', ['--format=posix', '--sort=name', '-C', tree, '-cf', pax, '.']);
  const listed = (file: string) =>
    execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).split('\n').filter(Boolean);

  for (const [format, file] of [
    ['GNU long names and links (L/K entries)', gnu],
    ['PAX path and linkpath records', pax],
  ] as const) {
    it(`${format}: the names GNU tar lists, bodies and link targets`, async () => {
      const entries = await entriesOf(new Uint8Array(readFileSync(file)));
      expect(entries.map((e) => e.path)).toEqual(listed(file));
      const long = entries.find((e) => e.path === `./${longName}`);
      expect(long?.body).toBe('long\n');
      expect(entries.find((e) => e.path === './link')?.linkname).toBe(longLink);
      expect(entries.find((e) => e.path === './link')?.kind).toBe('symlink');
    });
  }
});

describe('tar reader on synthetic archives', () => {
  it('PAX records in UTF-8 beside ASCII ones keep every character', async () => {
    const [entry] = await entriesOf(
      writeTar([
        {
          name: 'x',
          data: 'body',
          pax: { path: 'usr/share/café/naïve 🐳.txt', uname: 'jürgen', mtime: '1700000000.75' },
        },
      ]),
    );
    expect(entry?.path).toBe('usr/share/café/naïve 🐳.txt');
    expect(entry?.uname).toBe('jürgen');
    expect(entry?.mtime).toBe(1700000000.75);
    expect(entry?.body).toBe('body');
  });

  it('PAX xattrs, uname/gname and fractional mtime', async () => {
    const bytes = writeTar([
      {
        name: 'usr/bin/ping',
        data: 'x',
        mode: 0o4755,
        uname: 'root',
        gname: 'wheel',
        pax: { 'SCHILY.xattr.security.capability': 'cap', mtime: '1700000000.25', uid: '3000000' },
      },
    ]);
    const [entry] = await entriesOf(bytes);
    expect(entry?.xattrs).toEqual({ 'security.capability': 'cap' });
    expect(entry?.mtime).toBe(1700000000.25);
    expect(entry?.uid).toBe(3000000);
    expect((entry?.mode ?? 0) & 0o7777).toBe(0o4755);
    expect([entry?.uname, entry?.gname]).toEqual(['root', 'wheel']);
  });

  it('base-256 sizes', async () => {
    const [entry, next] = await entriesOf(
      writeTar([{ name: 'a', data: 'abc', base256Size: true }, { name: 'b' }]),
    );
    expect(entry?.size).toBe(3);
    expect(entry?.body).toBe('abc');
    expect(next?.path).toBe('b');
  });

  it('devices, fifos, hardlinks, directories', async () => {
    const inputs: TarInput[] = [
      { name: 'dev/', kind: 'dir' },
      { name: 'dev/null', kind: 'char', devmajor: 1, devminor: 3 },
      { name: 'dev/sda', kind: 'block', devmajor: 8, devminor: 0 },
      { name: 'run/pipe', kind: 'fifo' },
      { name: 'bin/sh', kind: 'hardlink', linkname: 'bin/busybox' },
    ];
    const entries = await entriesOf(writeTar(inputs));
    expect(entries.map((e) => [e.path, e.kind])).toEqual([
      ['dev/', 'dir'],
      ['dev/null', 'char'],
      ['dev/sda', 'block'],
      ['run/pipe', 'fifo'],
      ['bin/sh', 'hardlink'],
    ]);
    expect([entries[1]?.devmajor, entries[1]?.devminor]).toEqual([1, 3]);
    expect([entries[2]?.devmajor, entries[2]?.devminor]).toEqual([8, 0]);
    expect(entries[4]?.linkname).toBe('bin/busybox');
  });

  it('a PAX global header applies to every later entry', async () => {
    const bytes = writeTar([{ name: 'x', data: '1' }]);
    // A global header made by hand: the writer's header block retyped to 'g', checksum redone.
    const record = new TextEncoder().encode('16 uname=global\n');
    const head = writeTar([{ name: 'pax_global_header', data: record }]).subarray(0, 1024);
    head[156] = 'g'.charCodeAt(0);
    let sum = 0;
    head.fill(0x20, 148, 156);
    for (let i = 0; i < 512; i++) sum += head[i]!;
    head.set(new TextEncoder().encode(`${sum.toString(8).padStart(6, '0')}\0 `), 148);
    const combined = new Uint8Array(head.length + bytes.length);
    combined.set(head);
    combined.set(bytes, head.length);
    const entries = await entriesOf(combined);
    expect(entries.map((e) => [e.path, e.uname])).toEqual([['x', 'global']]);
  });

  it('reads identically in chunks of 1, 511 and 513 bytes', async () => {
    const bytes = writeTar([
      { name: longName, data: 'a'.repeat(700), longName: 'gnu' },
      { name: `${longName}2`, data: 'b'.repeat(1025) },
      { name: 'c', kind: 'symlink', linkname: longLink },
    ]);
    const reference = await entriesOf(bytes);
    for (const size of [1, 511, 513]) expect(await entriesOf(bytes, size)).toEqual(reference);
  });
});

describe('tar reader refusals', () => {
  const good = writeTar([
    { name: 'a', data: 'x'.repeat(2000) },
    { name: 'b', data: 'y' },
  ]);

  it('an empty file', async () => {
    expect((await failure(new Uint8Array(0))).code).toBe('empty');
  });

  it('random bytes are not a tar', async () => {
    const random = new Uint8Array(4096).map((_, i) => (i * 7919 + 13) % 251);
    const error = await failure(random);
    expect(error.code).toBe('not-tar');
    expect(error.message).toMatch(/not a tar archive/);
  });

  it('a damaged header later in the archive names its offset', async () => {
    const damaged = good.slice();
    damaged[2560] = damaged[2560]! ^ 0xff; // the second header's first byte
    const error = await failure(damaged);
    expect(error.code).toBe('bad-checksum');
    expect(error.detail).toBe('header at byte 2560');
  });

  it('truncated inside a body, and inside a header', async () => {
    const inBody = await failure(good.subarray(0, 1500));
    expect(inBody.code).toBe('truncated');
    expect(inBody.message).toMatch(/body of a/);
    const inHeader = await failure(good.subarray(0, 2560 + 100));
    expect(inHeader.code).toBe('truncated');
    expect(inHeader.message).toMatch(/tar header/);
  });
});

describe('names taken as bytes', () => {
  it('from the header, the entry’s own PAX path or a GNU long name, and as text past a NUL', async () => {
    const long = `deep/${'x'.repeat(120)}`;
    const bytes = writeTar([
      { name: 'usr/bin/timed', data: 'a', pax: { mtime: '1700000000.5' } },
      { name: 'usr/bin/plain', data: 'b' },
      { name: long, data: 'c' },
      { name: 'header-name', data: 'd', pax: { path: 'usr/bin/renamed' } },
      { name: `gnu/${'y'.repeat(120)}`, data: 'e', longName: 'gnu' },
      { name: 'after', data: 'f' },
      { name: 'header', data: 'g', pax: { path: 'with\u0000nul' } },
    ]);
    const source = bytesSource(bytes);
    const reader = new ChunkReader((offset) => source.read(offset), true);
    const seen: { name: string; asBytes: boolean; mtime: number }[] = [];
    await walkTar(
      reader,
      (entry) => {
        seen.push({
          name: nameOf(entry),
          asBytes: entry.nameBytes !== undefined,
          mtime: entry.mtime,
        });
        return undefined;
      },
      undefined,
      true,
    );
    expect(seen.map((e) => [e.name, e.asBytes])).toEqual([
      ['usr/bin/timed', true],
      ['usr/bin/plain', true],
      [long, true],
      ['usr/bin/renamed', true],
      [`gnu/${'y'.repeat(120)}`, true],
      ['after', true],
      ['with\u0000nul', false],
    ]);
    expect(seen[0]!.mtime).toBe(1700000000.5);
  });

  it('from a ustar prefix and name, as GNU tar --format=ustar splits a long one', async () => {
    const dir = scratchDir('strata-ustar-');
    const tree = join(dir, 'tree');
    const split = `${'folder-'.repeat(12)}a/${'sub-'.repeat(10)}b/file.txt`;
    mkdirSync(join(tree, ...split.split('/').slice(0, -1)), { recursive: true });
    writeFileSync(join(tree, split), 'split\n');
    const file = join(dir, 'ustar.tar');
    execFileSync('tar', ['--format=ustar', '--sort=name', '-C', tree, '-cf', file, '.']);
    const bytes = new Uint8Array(readFileSync(file));
    const source = bytesSource(bytes);
    const reader = new ChunkReader((offset) => source.read(offset), true);
    const seen: [string, boolean][] = [];
    await walkTar(
      reader,
      (entry) => {
        seen.push([nameOf(entry), entry.nameBytes !== undefined]);
        return undefined;
      },
      undefined,
      true,
    );
    // The same names as read as text, every one of them as bytes, the split one among them.
    expect(seen.map(([name]) => name)).toEqual((await entriesOf(bytes)).map((e) => e.path));
    expect(seen.every(([, asBytes]) => asBytes)).toBe(true);
    expect(seen.map(([name]) => name)).toContain(`./${split}`);
    expect(split.length).toBeGreaterThan(100);
  });
});
