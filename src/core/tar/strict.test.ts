import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixChecksum, negativeSizeLayer } from '../../testing/hostile.ts';
import { scratchDir } from '../../testing/scratch.ts';
import { writeTar } from '../../testing/tar-writer.ts';
import { bytesSource, concatBytes } from '../bytes.ts';
import { ChunkReader } from '../chunk-reader.ts';
import { StrataError } from '../errors.ts';
import { encodePax } from './encode.ts';
import { readTar, type TarEntry } from './reader.ts';
import { readSparse } from './sparse.ts';

/** Every entry with its stored body, read the way the scan reads them (by `dataSize`). */
async function read(bytes: Uint8Array, chunkSize = 1 << 20) {
  const source = bytesSource(bytes, chunkSize);
  const reader = new ChunkReader((o) => source.read(o), true, 0, undefined, 4 << 20, bytes.length);
  const out: (TarEntry & { stored: Uint8Array })[] = [];
  for await (const entry of readTar(reader)) {
    const parts: Uint8Array[] = [];
    await reader.consume(entry.dataSize, (p) => parts.push(p.slice()));
    out.push({ ...entry, stored: concatBytes(parts) });
  }
  return out;
}

async function refusal(bytes: Uint8Array): Promise<StrataError> {
  try {
    await read(bytes);
  } catch (error) {
    if (error instanceof StrataError) return error;
    throw error;
  }
  throw new Error('the archive was read without complaint');
}

/** A one-file archive whose PAX header has these records (written as given, checksum fixed). */
const withPax = (records: Record<string, string>, data = 'hello') =>
  writeTar([
    { name: 'f', data, pax: records },
    { name: 'after', data: 'x' },
  ]);

describe('numbers in tar headers', () => {
  it('a negative base-256 size is a damaged header at its offset, not a cursor moved backwards', async () => {
    const error = await refusal(negativeSizeLayer());
    expect(error.code).toBe('bad-header');
    expect(error.detail).toBe('header at byte 0');
  });

  it('a base-256 size past 2^53 is a damaged header', async () => {
    const tar = writeTar([{ name: 'big', data: '' }]);
    tar.set([0x80, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 124);
    fixChecksum(tar, 0);
    expect((await refusal(tar)).code).toBe('bad-header');
  });

  it.each(['-512', '0x1f', '1e3', '12abc', ' 5'])(
    'a PAX size of "%s" is a damaged header',
    async (value) => {
      const error = await refusal(withPax({ size: value }));
      expect(error.code).toBe('bad-header');
      expect(error.message).toContain('"size"');
      expect(error.detail).toMatch(/^header at byte \d+$/);
    },
  );

  it.each(['uid', 'gid'])(
    'a PAX %s that is not decimal digits is a damaged header',
    async (key) => {
      expect((await refusal(withPax({ [key]: '0x10' }))).code).toBe('bad-header');
    },
  );

  it('an empty PAX value keeps the ustar field, as GNU tar and Go do', async () => {
    const [f, after] = await read(withPax({ size: '', uid: '', uname: '', path: '' }));
    expect(f).toMatchObject({ path: 'f', size: 5, uid: 0 });
    expect(new TextDecoder().decode(f!.stored)).toBe('hello');
    expect(after).toMatchObject({ path: 'after', size: 1 });
  });

  it('fractional and negative PAX times stay valid', async () => {
    const [a] = await read(withPax({ mtime: '1795845007.298607623' }));
    expect(a!.mtime).toBeCloseTo(1795845007.2986, 4);
    const [b] = await read(withPax({ mtime: '-86400.5' }));
    expect(b!.mtime).toBe(-86400.5);
  });

  it('the chunk reader refuses negative skips and reads', async () => {
    const reader = new ChunkReader(() => bytesSource(new Uint8Array(4096)).read(0), false);
    await expect(reader.skip(-512)).rejects.toMatchObject({ code: 'bad-header' });
    await expect(reader.readExact(-1)).rejects.toMatchObject({ code: 'bad-header' });
    expect(() => reader.tryRead(-512)).toThrow(StrataError);
  });
});

describe('PAX records and the end of the archive', () => {
  it('a PAX record whose length field is wrong is a damaged header with a message', async () => {
    const tar = writeTar([{ name: 'f', data: 'x', pax: { path: 'renamed' } }]);
    // "16 path=renamed\n" → "99 path=renamed\n": the length no longer lands on the newline.
    const at = tar.indexOf(0x31, 512);
    tar.set([0x39, 0x39], at);
    fixChecksum(tar, 0);
    const error = await refusal(tar);
    expect(error.code).toBe('bad-header');
    expect(error.message).toContain('PAX extended header is damaged');
  });

  it('a PAX record without "=" is a damaged header', async () => {
    const tar = writeTar([{ name: 'f', data: 'x', pax: { x: 'y' } }]);
    expect(new TextDecoder().decode(encodePax({ x: 'y' }))).toBe('6 x=y\n');
    tar.set(new TextEncoder().encode('6 xyy\n'), 512);
    expect((await refusal(tar)).code).toBe('bad-header');
  });

  it('one zero block followed by a header is damage, reported where it is', async () => {
    const a = writeTar([{ name: 'a', data: 'x' }]).subarray(0, 1024);
    const b = writeTar([{ name: 'b', data: 'y' }]);
    const tar = concatBytes([a, new Uint8Array(512), b]);
    const error = await refusal(tar);
    expect(error.code).toBe('bad-header');
    expect(error.detail).toBe('zero block at byte 1024, header after it at byte 1536');
  });

  it('two zero blocks end the archive, and so does one zero block at the end of the data', async () => {
    expect((await read(writeTar([{ name: 'a', data: 'x' }]))).map((e) => e.path)).toEqual(['a']);
    const one = writeTar([{ name: 'a', data: 'x' }]).subarray(0, 1024 + 512);
    expect((await read(one)).map((e) => e.path)).toEqual(['a']);
  });
});

describe('sparse files written by GNU tar', () => {
  const dir = scratchDir('strata-sparse-');
  // Data at 0, 1 MiB and near the end of a 5 MiB file, with holes between: more segments than the
  // four slots of an old GNU header, so extension blocks are needed.
  const file = join(dir, 'disk.img');
  const real = new Uint8Array(5 << 20);
  for (const [at, text] of [
    [0, 'start'],
    [1 << 20, 'one mebibyte'],
    [(2 << 20) + 4096, 'two'],
    [(3 << 20) + 8192, 'three'],
    [(4 << 20) + 123, 'four'],
    [(5 << 20) - 10, 'the end!!!'],
  ] as const)
    real.set(new TextEncoder().encode(text), at);
  execFileSync('truncate', ['-s', String(real.length), file]);
  for (let i = 0; i < real.length; ) {
    if (real[i] === 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < real.length && real[j] !== 0) j++;
    execFileSync('dd', [`of=${file}`, 'bs=1', `seek=${i}`, 'conv=notrunc', 'status=none'], {
      input: real.subarray(i, j),
    });
    i = j;
  }
  writeFileSync(join(dir, 'after.txt'), 'still here\n');
  const archive = (format: string, extra: string[] = []) => {
    const out = join(dir, `${format}${extra.join('')}.tar`);
    execFileSync('tar', [
      '--sparse',
      `--format=${format}`,
      ...extra,
      '-C',
      dir,
      '-cf',
      out,
      'disk.img',
      'after.txt',
    ]);
    return new Uint8Array(readFileSync(out));
  };

  it.each([
    ['gnu', []],
    ['posix', []],
    ['posix', ['--sparse-version=0.0']],
    ['posix', ['--sparse-version=0.1']],
    ['posix', ['--sparse-version=1.0']],
  ] as const)(
    '--format=%s %j: the real name and size, and the entries after it',
    async (format, extra) => {
      const tar = archive(format, [...extra]);
      for (const chunk of [1 << 20, 512, 7]) {
        const entries = await read(tar, chunk);
        expect(entries.map((e) => [e.path, e.size])).toEqual([
          ['disk.img', 5 << 20],
          ['after.txt', 11],
        ]);
        expect(new TextDecoder().decode(entries[1]!.stored)).toBe('still here\n');
        const sparse = entries[0]!.sparse!;
        expect(sparse.realSize).toBe(5 << 20);
        const content = await readSparse(sparse, 0, 5 << 20, async (from, n) =>
          entries[0]!.stored.subarray(from, from + n),
        );
        expect(Buffer.from(content).equals(Buffer.from(real))).toBe(true);
      }
    },
  );

  it('reads any window of a sparse file as its real bytes', async () => {
    const [disk] = await read(archive('gnu'));
    const window = await readSparse(disk!.sparse!, (1 << 20) - 3, 20, async (from, n) =>
      disk!.stored.subarray(from, from + n),
    );
    expect(Array.from(window)).toEqual(Array.from(real.subarray((1 << 20) - 3, (1 << 20) + 17)));
  });
});
