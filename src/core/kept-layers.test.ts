import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { fixtureBytes, readBytes } from '../testing/fixtures.ts';
import { KeptInMemory } from '../testing/kept-in-memory.ts';
import { type ByteSource, bytesSource } from './bytes.ts';
import { LayerContent } from './content.ts';
import { KeepingProgress } from './kept-layers.ts';
import { layerLocation } from './layer-location.ts';
import { readArchive } from './read-archive.ts';
import { verifyDigests } from './verify.ts';

const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** A source that fails any read: what is read from kept layers must not touch the file. */
function untouchable(size: number): ByteSource {
  return {
    size,
    seekable: true,
    read() {
      throw new Error('the archive was read');
    },
  };
}

async function keptBy(name: string) {
  const bytes = fixtureBytes(name);
  const read = await readBytes(bytes);
  const kept = new KeptInMemory();
  const problems = await verifyDigests(bytesSource(bytes), read.model, {
    keep: async (key) => kept.writer(key),
  });
  expect(problems).toEqual([]);
  return { bytes, read, kept };
}

const COMPRESSED = [
  'dive__test-oci-gzip-image.tar',
  'dive__test-oci-zstd-image.tar',
  'dive__test-oci-estargz-image.tar',
  'trivy__alpine-310.tar.gz',
];

describe('layers kept decompressed by the scan', () => {
  it('keeps each compressed layer tar up to its end: the tar the digest check hashes, up to where the scan stopped', async () => {
    for (const name of COMPRESSED) {
      const bytes = fixtureBytes(name);
      const kept = new KeptInMemory();
      const read = await readArchive(bytesSource(bytes, 64 << 10), { keep: kept.writer });
      // The whole tar, as the digest check keeps it (it hashes to the diff_id, below).
      const whole = new KeptInMemory();
      await verifyDigests(bytesSource(bytes), read.model, { keep: async (k) => whole.writer(k) });
      const layers = read.model.images[0]!.layers;
      expect(kept.layers.size, name).toBe(new Set(layers.map((l) => l.blobPath)).size);
      for (const layer of layers) {
        const scanned = kept.layers.get(layer.blobPath!)!;
        const tar = whole.layers.get(layer.blobPath!)!;
        // A tar reader stops at the end-of-archive blocks; estargz has its footer after them.
        expect(scanned.length, name).toBeGreaterThanOrEqual(
          read.scans.get(layer.blobPath!)!.tarBytes,
        );
        expect(sha256(scanned), name).toBe(sha256(tar.subarray(0, scanned.length)));
      }
    }
  });

  it('keeps nothing when every layer is a plain slice of an uncompressed archive', async () => {
    const kept = new KeptInMemory();
    await readArchive(bytesSource(fixtureBytes('dive__test-docker-image.tar')), {
      keep: kept.writer,
      skipBodiesFrom: 1 << 20,
    });
    expect(kept.asked).toEqual([]);
  });

  it('a layer whose data is damaged is kept only as its first bytes, never as a whole layer', async () => {
    const bytes = fixtureBytes('dive__test-oci-gzip-image.tar').slice();
    // The gzip layer blob: the first tar body that starts with gzip's magic.
    let at = 512;
    while (!(bytes[at] === 0x1f && bytes[at + 1] === 0x8b)) at += 512;
    for (let i = at + 200; i < at + 400; i++) bytes[i] = 0;
    const kept = new KeptInMemory();
    const read = await readArchive(bytesSource(bytes), { keep: kept.writer });
    expect(read.model.warnings.some((w) => w.message.includes('could be read only in part'))).toBe(
      true,
    );
    expect(kept.asked.length).toBeGreaterThan(0);
    expect(kept.layers.size).toBe(0);
    expect(kept.parts.size).toBe(kept.asked.length);
  });
});

describe('layers kept decompressed by the digest check', () => {
  it('keeps exactly each compressed layer tar (it hashes to the diff_id): gzip, zstd, estargz, gzip outside', async () => {
    for (const name of COMPRESSED) {
      const { read, kept } = await keptBy(name);
      const layers = read.model.images[0]!.layers;
      expect(kept.layers.size, name).toBe(new Set(layers.map((l) => l.blobPath)).size);
      for (const layer of layers)
        expect(sha256(kept.layers.get(layer.blobPath!)!), name).toBe(layer.diffId);
    }
  });

  it('keeps every compressed layer first, then hashes each from its kept copy', async () => {
    for (const name of [
      'dive__test-oci-gzip-image.tar',
      'dive__test-oci-zstd-image.tar',
      'dive__test-oci-estargz-image.tar',
    ]) {
      const bytes = fixtureBytes(name);
      const read = await readBytes(bytes);
      const kept = new KeptInMemory();
      const events: string[] = [];
      const keptTar = async (key: string) => {
        events.push(`hash ${key}`);
        const tar = kept.layers.get(key);
        return tar && bytesSource(tar, 4096).read(0);
      };
      const problems = await verifyDigests(bytesSource(bytes), read.model, {
        keep: async (key) => {
          events.push(`keep ${key}`);
          return kept.writer(key);
        },
        keptTar,
      });
      expect(problems, name).toEqual([]);
      const layers = [...new Set(read.model.images[0]!.layers.map((l) => l.blobPath!))];
      expect(events, name).toEqual([
        ...layers.map((l) => `keep ${l}`),
        ...layers.map((l) => `hash ${l}`),
      ]);
      // The hash is taken from the kept copy: a copy changed after it was kept no longer matches.
      const [first] = layers;
      const changed = await verifyDigests(bytesSource(bytes), read.model, {
        keep: async (key) => kept.writer(key),
        keptTar: async (key) => {
          const tar = kept.layers.get(key)!.slice();
          if (key === first) tar[0]! ^= 1;
          return bytesSource(tar).read(0);
        },
      });
      expect(
        changed.map((p) => [p.code, p.detail]),
        name,
      ).toEqual([['digest-mismatch', first]]);
    }
  });

  it('keeps nothing when every layer is a plain slice of an uncompressed archive', async () => {
    const { kept } = await keptBy('dive__test-docker-image.tar');
    expect(kept.asked).toEqual([]);
  });

  it('of a layer that does not fit, the part that fits is kept (its first bytes), and the check still passes', async () => {
    const bytes = fixtureBytes('trivy__alpine-310.tar.gz');
    const read = await readBytes(bytes);
    const kept = new KeptInMemory();
    const problems = await verifyDigests(bytesSource(bytes), read.model, {
      keep: async (key) => kept.writer(key, 1 << 20),
    });
    expect(problems).toEqual([]);
    const whole = new KeptInMemory();
    await verifyDigests(bytesSource(bytes), read.model, { keep: async (k) => whole.writer(k) });
    expect(kept.asked.length).toBeGreaterThan(0);
    expect(kept.layers.size).toBe(0);
    for (const [key, part] of kept.parts) {
      expect(part.length).toBeGreaterThan(512 << 10);
      expect(part.length).toBeLessThanOrEqual(1 << 20);
      expect(sha256(part)).toBe(sha256(whole.layers.get(key)!.subarray(0, part.length)));
    }
  });

  it('file content of a compressed layer comes from the kept layer, not the archive, and is the same', async () => {
    for (const name of ['dive__test-oci-zstd-image.tar', 'trivy__alpine-310.tar.gz']) {
      const { bytes, read, kept } = await keptBy(name);
      const image = read.model.images[0]!;
      const last = image.layers.length - 1;
      const { key, at } = layerLocation(read, 0, last);
      const entries = read.scans.get(image.layers[last]!.blobPath!)!.entries;
      const fromArchive = new LayerContent(bytesSource(bytes));
      const fromKept = new LayerContent(untouchable(bytes.length), undefined, kept);
      const wanted = [];
      for (let id = 0; id < entries.length; id++) {
        if (entries.kind(id) === 'file' && entries.size(id) > 0)
          wanted.push({ id, dataOffset: entries.get(id).dataOffset, size: entries.size(id) });
      }
      // What the archive holds, read in one pass over it.
      const expected = new Map<number, Uint8Array>();
      for await (const [id, body] of fromArchive.bodies(at, key, wanted)) expected.set(id, body);
      let files = 0;
      for (const w of wanted) {
        const body = await fromKept.read(at, key, w.dataOffset, 0, w.size);
        expect(body && sha256(body), entries.path(w.id)).toBe(sha256(expected.get(w.id)!));
        files++;
      }
      expect(files, name).toBeGreaterThan(0);
    }
  });
});

describe('a read and the digest check keeping its layer', () => {
  const MiB = 1 << 20;
  /** Whether `promise` has settled after the tasks queued now have run. */
  const settledSoon = async (promise: Promise<void>) => {
    let settled = false;
    void promise.then(() => {
      settled = true;
    });
    await new Promise((r) => setTimeout(r, 5));
    return settled;
  };

  it('does not wait for a layer nobody is keeping, nor for bytes already kept', async () => {
    const progress = new KeepingProgress();
    expect(await settledSoon(progress.reach('a', 10 * MiB))).toBe(true);
    progress.wrote('a', 10 * MiB);
    expect(await settledSoon(progress.reach('a', 10 * MiB))).toBe(true);
    expect(progress.keptSoFar('a')).toBe(10 * MiB);
  });

  it('waits when the check has kept more than half of the way, until it gets there', async () => {
    const progress = new KeepingProgress();
    progress.wrote('a', 6 * MiB);
    const reached = progress.reach('a', 10 * MiB);
    expect(await settledSoon(reached)).toBe(false);
    progress.wrote('a', 9 * MiB);
    expect(await settledSoon(reached)).toBe(false);
    // Another layer's progress wakes nobody waiting for this one.
    progress.wrote('b', 100 * MiB);
    expect(await settledSoon(reached)).toBe(false);
    progress.wrote('a', 11 * MiB);
    expect(await settledSoon(reached)).toBe(true);
  });

  it('decompresses at once when the check is less than half of the way there', async () => {
    const progress = new KeepingProgress();
    progress.wrote('a', 4 * MiB);
    expect(await settledSoon(progress.reach('a', 10 * MiB))).toBe(true);
  });

  it('stops waiting when the check stops keeping the layer', async () => {
    const progress = new KeepingProgress();
    progress.wrote('a', 6 * MiB);
    const reached = progress.reach('a', 10 * MiB);
    progress.stopped('a');
    expect(await settledSoon(reached)).toBe(true);
    expect(progress.keptSoFar('a')).toBeUndefined();
  });

  it('stops waiting when the check has not moved for a while, and not while it moves', async () => {
    vi.useFakeTimers();
    try {
      const progress = new KeepingProgress(1000);
      progress.wrote('a', 6 * MiB);
      let settled = false;
      void progress.reach('a', 10 * MiB).then(() => {
        settled = true;
      });
      // Four steps 0.6 s apart: 2.4 s in all, never a second without moving.
      for (let i = 1; i <= 4; i++) {
        await vi.advanceTimersByTimeAsync(600);
        progress.wrote('a', (6 + i * 0.5) * MiB);
      }
      await vi.advanceTimersByTimeAsync(900);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(200);
      expect(settled).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
