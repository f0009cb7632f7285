import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIXTURES, fixtureBytes } from '../testing/fixtures.ts';
import { hostileCases } from '../testing/hostile.ts';
import { sameSizeRewrites } from '../testing/large-files.ts';
import { reusedSource } from '../testing/reused-source.ts';
import { imageFrom, legacyArchive } from '../testing/sample-image.ts';
import { writeTar } from '../testing/tar-writer.ts';
import { type ByteSource, bytesSource } from './bytes.ts';
import { fillHashes, pendingBodies } from './fill-hashes.ts';
import { type ArchiveRead, readArchive } from './read-archive.ts';

/** All a read found, as plain data: the model, and every entry and error of every layer. */
function found(read: ArchiveRead) {
  return {
    model: read.model,
    scans: [...read.scans].map(([path, scan]) => ({
      path,
      error: scan.error?.code,
      size: scan.size,
      tarEntries: scan.tarEntries,
      entries: Array.from({ length: scan.entries.length }, (_, i) => scan.entries.get(i)),
    })),
  };
}

async function readBoth(bytes: Uint8Array, chunk: number) {
  const options = { skipBodiesFrom: 4096 };
  const settle = (source: ByteSource) =>
    readArchive(source, options).then(found, (error: { code?: string }) => ({
      refused: error.code,
    }));
  return {
    plain: await settle(bytesSource(bytes, chunk)),
    reused: await settle(reusedSource(bytes, chunk)),
  };
}

const archives = (): { name: string; bytes: () => Uint8Array }[] => [
  ...readdirSync(FIXTURES)
    .filter((name) => name.endsWith('.tar'))
    .map((name) => ({ name, bytes: () => fixtureBytes(name) })),
  ...hostileCases('test').map(({ name, bytes }) => ({ name: `hostile ${name}`, bytes })),
  { name: 'same-size rewrites', bytes: () => sameSizeRewrites(64 << 10) },
];

/** Long names and PAX records of every length, so that their bodies end all over the chunks. */
function extensionHeaders(): Uint8Array {
  const entries = Array.from({ length: 60 }, (_, i) => ({
    name: `dir/${'n'.repeat(90 + i * 7)}-${i}`,
    data: 'x'.repeat(i * 13),
    longName: i % 2 === 0 ? ('gnu' as const) : ('pax' as const),
    pax: i % 3 === 0 ? { 'SCHILY.xattr.user.note': 'v'.repeat(i * 11) } : undefined,
  }));
  // Past 1 MiB, as a layer read from the file (a smaller one is kept in memory and read there).
  const filler = { name: 'filler.bin', data: 'f'.repeat(1200 << 10) };
  return legacyArchive(imageFrom([{ command: 'names', layer: writeTar([filler, ...entries]) }]));
}

describe('reads whose chunks share one buffer', () => {
  it('find what reads of fresh chunks find where extension headers end anywhere in a chunk', async () => {
    const bytes = extensionHeaders();
    for (let chunk = 520; chunk < 1100; chunk += 29) {
      const { plain, reused } = await readBoth(bytes, chunk);
      expect(reused, `${chunk}-byte chunks`).toEqual(plain);
      expect(plain).not.toHaveProperty('refused');
    }
  });

  // 700: headers and extension bodies straddle chunks; 1536: whole headers inside chunks, as views.
  for (const chunk of [700, 1536])
    it(`find what reads of fresh chunks find, on every fixture and hostile case (${chunk}-byte chunks)`, async () => {
      for (const archive of archives()) {
        const { plain, reused } = await readBoth(archive.bytes(), chunk);
        expect(reused, archive.name).toEqual(plain);
      }
    });

  it('hash the bodies a headers-first read left as reads of fresh chunks do', async () => {
    // Bodies past 1 MiB, so that the layers are read from the file, not kept in memory.
    const bytes = sameSizeRewrites(1200 << 10);
    for (const chunk of [700, 1536, 5000]) {
      const hashed = async (source: ByteSource) => {
        const read = await readArchive(source, { skipBodiesFrom: 4096 });
        const pending = pendingBodies(read);
        expect(pending.length).toBeGreaterThan(0);
        await fillHashes(read, source, pending);
        return found(read);
      };
      const plain = await hashed(bytesSource(bytes, chunk));
      expect(await hashed(reusedSource(bytes, chunk)), `${chunk}-byte chunks`).toEqual(plain);
    }
  });
});
