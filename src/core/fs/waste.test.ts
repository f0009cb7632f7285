import { describe, expect, it } from 'vitest';
import { fixtureBytes, readBytes } from '../../testing/fixtures.ts';
import { layersOf } from '../../testing/layers.ts';
import { analyzeImage } from './analyze-image.ts';
import { diveEfficiency } from './dive-efficiency.ts';
import { PathVersions } from './versions.ts';
import { looksSecret, reclaimable } from './waste.ts';

const sized = (name: string, size: number) => ({ name, data: 'x'.repeat(size) });

describe("dive's efficiency, reproduced", () => {
  it("dive's own unit test: 0.75 and one inefficient file of 7000 bytes", async () => {
    const layers = await layersOf([
      [sized('etc/nginx/nginx.conf', 2000), sized('etc/nginx/public', 3000)],
      [sized('etc/nginx/nginx.conf', 5000), sized('etc/athing', 10000)],
      [{ name: 'etc/.wh.nginx', data: '' }],
    ]);
    const result = diveEfficiency(layers.map((entries) => ({ entries, size: 0 })));
    expect(result.score).toBe(0.75);
    expect(result.inefficientFiles).toEqual([
      { path: '/etc/nginx/nginx.conf', count: 2, bytes: 7000 },
    ]);
  });

  it('a whiteout in the last layer beside the file it names counts that key twice, whichever sorts first', async () => {
    // '-x' sorts before '.wh.-x': the file is met first, the whiteout second. The folder below was
    // only implied by a/-x/c, so in dive's tree it is no directory and its whiteout weighs 0.
    const layers = await layersOf([
      [sized('a/-x/c', 7)],
      [sized('a/-x', 3), { name: 'a/.wh.-x', data: '' }],
    ]);
    const result = diveEfficiency(layers.map((entries) => ({ entries, size: 0 })));
    expect(result.inefficientFiles).toEqual([{ path: '/a/-x', count: 2, bytes: 3 }]);
    expect(result.score).toBe(7 / 10);
  });

  it('ties are listed in the reverse of the order dive meets them: name by name, not as whole paths', async () => {
    // dive meets /a/x before /a-c/x ('a' < 'a-c'), though as strings '/a-c/x' < '/a/x'.
    const layer = [sized('a/x', 1), sized('a-c/x', 1)];
    const layers = (await layersOf([layer, layer])).map((entries) => ({ entries, size: 0 }));
    const expected = [
      { path: '/a-c/x', count: 2, bytes: 2 },
      { path: '/a/x', count: 2, bytes: 2 },
    ];
    expect(diveEfficiency(layers).inefficientFiles).toEqual(expected);
    expect(diveEfficiency(layers, { everyTree: true }).inefficientFiles).toEqual(expected);
  });

  it('a last-layer path with a path below it is a folder in dive, not a leaf, however the leaves are found', async () => {
    // The last layer writes a/b as a file, then a/b/c: dive's tree makes a/b a node with a child,
    // so only /a/b/c is measured there and /a/b of the first layer is met once.
    const scanned = await layersOf([[sized('a/b', 2)], [sized('a/b', 1), sized('a/b/c', 2)]]);
    const layers = scanned.map((entries) => ({ entries, size: 0 }));
    const versions = new PathVersions(scanned);
    for (const result of [
      diveEfficiency(layers),
      diveEfficiency(layers, { versions }),
      diveEfficiency(layers, { everyTree: true }),
    ]) {
      expect(result.score).toBe(1);
      expect(result.inefficientFiles).toEqual([]);
    }
  });

  it('a single layer with one empty file is 100% efficient', async () => {
    const layers = await layersOf([[{ name: 'somefile', data: '' }]]);
    const result = diveEfficiency(layers.map((entries) => ({ entries, size: 0 })));
    expect(result.score).toBe(1);
    expect(result.inefficientFiles).toEqual([]);
  });

  it('dive__test-docker-image.tar: the numbers dive asserts, exactly', async () => {
    const read = await readBytes(fixtureBytes('dive__test-docker-image.tar'));
    const { efficiency } = analyzeImage(read.model.images[0]!, read.scans);
    expect(efficiency).toEqual({
      score: 0.9844212134184309,
      sizeBytes: 1220598,
      userSizeBytes: 66237,
      wastedBytes: 32025,
      wastedUserPercent: 0.4834911001404049,
      inefficientFiles: [
        { path: '/root/saved.txt', count: 2, bytes: 12810 },
        { path: '/root/example/somefile1.txt', count: 2, bytes: 12810 },
        { path: '/root/example/somefile3.txt', count: 2, bytes: 6405 },
      ],
    });
  });
});

describe('reclaimable bytes', () => {
  it('counts deleted, overwritten, opaque-hidden and chmod re-copied data once, with the layers involved', async () => {
    const layers = await layersOf([
      [sized('big', 1000), sized('kept', 10), sized('d/inner', 300), sized('mode', 50)],
      [
        sized('big', 400),
        { name: 'd/.wh..wh..opq', data: '' },
        { name: 'mode', data: 'x'.repeat(50), mode: 0o755 },
      ],
      [{ name: '.wh.big', data: '' }],
    ]);
    const h = new PathVersions(layers);
    const r = reclaimable(h);
    expect(r.bytes).toBe(1000 + 400 + 300 + 50);
    expect(r.files.map((f) => [f.path, f.bytes, f.storedIn, f.hiddenBy])).toEqual([
      ['big', 1000, 0, 1],
      ['big', 400, 1, 2],
      ['d/inner', 300, 0, 1],
      ['mode', 50, 0, 1],
    ]);
    expect(r.byStoringLayer).toEqual([1350, 400, 0]);
    expect(r.byHidingLayer).toEqual([0, 1350, 400]);
  });

  it('data still reachable through a hardlink is not reclaimable', async () => {
    const layers = await layersOf([
      [sized('orig', 500), { name: 'link', kind: 'hardlink', linkname: 'orig' }],
      [{ name: '.wh.orig', data: '' }],
    ]);
    const h = new PathVersions(layers);
    expect(reclaimable(h).bytes).toBe(0);
  });

  it('a secret deleted in a later layer is flagged: it still ships in the image', async () => {
    const layers = await layersOf([
      [sized('root/.ssh/id_rsa', 1700), sized('app/.env', 20)],
      [{ name: 'root/.ssh/.wh.id_rsa', data: '' }],
    ]);
    const h = new PathVersions(layers);
    const r = reclaimable(h);
    expect(r.files).toEqual([
      {
        path: 'root/.ssh/id_rsa',
        bytes: 1700,
        storedIn: 0,
        hiddenBy: 1,
        secret: true,
        reason: 'deleted',
      },
    ]);
  });

  it('names that look like secrets', () => {
    for (const p of [
      'app/.env',
      'x/.env.production',
      'root/.ssh/id_ed25519',
      'etc/ssl/server.key',
      'a/cert.pem',
      'root/.npmrc',
      'root/.git-credentials',
      'root/.aws/credentials',
      'root/.docker/config.json',
    ]) {
      expect(looksSecret(p), p).toBe(true);
    }
    for (const p of ['etc/passwd', 'app/config.json', 'usr/share/keys.txt', 'environment'])
      expect(looksSecret(p), p).toBe(false);
  });
});

describe('why a hidden file is hidden', () => {
  it('names each way a layer can hide data', async () => {
    const layers = await layersOf([
      [
        sized('gone', 10),
        sized('cache/a', 20),
        sized('opaque/b', 30),
        sized('rewritten', 40),
        { name: 'chmodded', data: 'y'.repeat(50), mode: 0o644 },
      ],
      [
        { name: '.wh.gone', data: '' },
        { name: '.wh.cache', data: '' },
        { name: 'opaque/.wh..wh..opq', data: '' },
        sized('rewritten', 41),
        { name: 'chmodded', data: 'y'.repeat(50), mode: 0o755 },
      ],
    ]);
    const versions = new PathVersions(layers);
    const { files } = reclaimable(versions);
    const reasons = Object.fromEntries(files.map((f) => [f.path, f.reason]));
    expect(reasons).toEqual({
      gone: 'deleted',
      'cache/a': 'deleted with its folder',
      'opaque/b': 'hidden by an opaque folder',
      rewritten: 'overwritten',
      chmodded: 'copied again for a permission change',
    });
    expect(files.every((f) => f.storedIn === 0 && f.hiddenBy === 1)).toBe(true);
  });
});
