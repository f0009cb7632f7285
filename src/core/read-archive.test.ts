import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIXTURES, fixtureBytes, printed, readBytes, reportOf } from '../testing/fixtures.ts';
import { StrataError } from './errors.ts';
import type { ArchiveRead } from './read-archive.ts';

/** Entries of one image's layer, read back from the columnar table. */
function layerEntries(read: ArchiveRead, image: number, layer: number) {
  const blobPath = read.model.images[image]?.layers[layer]?.blobPath;
  const scan = blobPath ? read.scans.get(blobPath) : undefined;
  if (!scan) throw new Error(`layer ${layer} of image ${image} was not scanned`);
  return Array.from({ length: scan.entries.length }, (_, i) => scan.entries.get(i));
}

function countKind(read: ArchiveRead, kind: string): number {
  let n = 0;
  for (const scan of read.scans.values()) {
    for (let i = 0; i < scan.entries.length; i++) if (scan.entries.kind(i) === kind) n++;
  }
  return n;
}

async function refusal(name: string): Promise<StrataError> {
  try {
    await readBytes(fixtureBytes(name));
  } catch (error) {
    if (error instanceof StrataError) return error;
    throw error;
  }
  throw new Error(`${name} was not refused`);
}

describe('shared fixtures: the facts their README pins down', () => {
  it('dive test image: legacy docker save, 14 layers from 15 history steps, dive entry counts and sizes', async () => {
    const read = await readBytes(fixtureBytes('dive__test-docker-image.tar'));
    const report = await reportOf(fixtureBytes('dive__test-docker-image.tar'));
    const [image] = report.images;
    expect(report.variant).toBe('docker-legacy');
    expect(image?.tags).toEqual(['dive-test:latest']);
    expect(image?.history).toHaveLength(15);
    expect(image?.history.filter((h) => h.emptyLayer)).toHaveLength(1);
    expect(image?.layers.map((l) => l.entries)).toEqual([
      415, 1, 4, 3, 3, 3, 3, 4, 2, 2, 4, 2, 3, 2,
    ]);
    expect(image?.layers.map((l) => l.size)).toEqual([
      1154361, 6405, 0, 6405, 6405, 6405, 6405, 6405, 6405, 0, 2187, 6405, 6405, 6405,
    ]);
    expect(countKind(read, 'hardlink')).toBe(392);
    expect(layerEntries(read, 0, 7).map((e) => e.path)).toContain('root/example/.wh.somefile3.txt');
    expect(layerEntries(read, 0, 9).map((e) => e.path)).toContain('root/.wh.example');
    expect(layerEntries(read, 0, 9).find((e) => e.path === 'root/.wh.example')?.marker).toBe(1);
  });

  it('dive OCI archives: one arm64 layer, compression told by magic bytes (none, gzip, estargz, zstd)', async () => {
    const cases = [
      ['dive__test-oci-uncompressed-image.tar', 'none'],
      ['dive__test-oci-gzip-image.tar', 'gzip'],
      ['dive__test-oci-estargz-image.tar', 'gzip'],
      ['dive__test-oci-zstd-image.tar', 'zstd'],
    ] as const;
    const reports = await Promise.all(cases.map(([name]) => reportOf(fixtureBytes(name))));
    for (const [i, [name, compression]] of cases.entries()) {
      const image = reports[i]?.images[0];
      expect(reports[i]?.variant, name).toBe('oci');
      expect(image?.platform, name).toBe('linux/arm64');
      expect(image?.layers[0]?.compression, name).toBe(compression);
      expect(image?.layers[0]?.entries, name).toBe(1);
      expect(reports[i]?.warnings, name).toEqual([]);
    }
    expect(reports[0]?.images[0]?.tags).toEqual([]);
    // estargz: all four gzip members are decoded, the layer equals the plain one entry for entry.
    expect(reports[2]?.images[0]?.layers[0]?.size).toBe(reports[0]?.images[0]?.layers[0]?.size);
  });

  it('not-an-image and a null manifest are refused with clear messages', async () => {
    const plain = await refusal('dive__not-an-image.tar');
    expect(plain.code).toBe('not-an-image');
    expect(plain.message).toMatch(/not a container image/);
    const nullManifest = await refusal('ggcr__tarball__null_manifest.tar');
    expect(nullManifest.code).toBe('bad-manifest');
    expect(nullManifest.message).toMatch(/manifest\.json.*null/);
  });

  it('Docker 25 by ID: null manifests in index.json, RepoTags null, an uncompressed LayerSources layer that is not foreign', async () => {
    const report = await reportOf(fixtureBytes('ggcr__tarball__hello-world-v25.tar'));
    const [image] = report.images;
    expect(report.variant).toBe('docker-oci');
    expect(image?.tags).toEqual([]);
    expect(image?.history.map((h) => h.layer)).toEqual([0, null]);
    expect(image?.layers[0]?.foreign).toBe(false);
    expect(image?.layers[0]?.included).toBe(true);
    expect(image?.layers[0]?.mediaType).toBe('application/vnd.oci.image.layer.v1.tar');
  });

  it('two images saved together share a layer through a symlinked layer.tar, read once', async () => {
    const read = await readBytes(fixtureBytes('ggcr__tarball__test_link.tar'));
    const report = await reportOf(fixtureBytes('ggcr__tarball__test_link.tar'));
    expect(report.images.map((i) => i.layers.length)).toEqual([1, 2]);
    // Tar entries as Python's tarfile counts them: the root entry `.` included.
    expect(report.images.map((i) => i.layers.map((l) => l.entries))).toEqual([[3], [3, 1]]);
    const shared = report.images[0]?.layers[0]?.blobPath;
    expect(report.images[1]?.layers[0]?.blobPath).toBe(shared);
    expect(read.scans.size).toBe(2);
  });

  it('crane tarball with a directory whiteout: 4 gzip layers, .wh.a in the third', async () => {
    const read = await readBytes(fixtureBytes('ggcr__mutate__whiteout_dir.tar'));
    expect(read.model.variant).toBe('crane');
    expect(
      read.model.images[0]?.layers.map((l) => read.scans.get(l.blobPath!)?.compression),
    ).toEqual(['gzip', 'gzip', 'gzip', 'gzip']);
    expect(layerEntries(read, 0, 0).map((e) => e.path)).toContain('a/foo');
    expect(layerEntries(read, 0, 2).map((e) => e.path)).toEqual(['.wh.a']);
    expect(layerEntries(read, 0, 3).map((e) => e.path)).toContain('a/baz');
  });

  it('foreign layers are listed with their URLs; an absent foreign blob is "not included", not an error', async () => {
    const foreign = await reportOf(fixtureBytes('ggcr__tarball__foreign.tar'));
    expect(foreign.images[0]?.layers.some((l) => l.foreign)).toBe(true);
    const sparse = await readBytes(fixtureBytes('ggcr__tarball__sparse_foreign.tar'));
    const layers = sparse.model.images[0]!.layers;
    expect(layers).toHaveLength(2);
    const absent = layers.find((l) => !l.included);
    expect(absent?.foreign).toBe(true);
    expect(absent?.urls.length).toBeGreaterThan(0);
    expect(sparse.model.warnings).toEqual([]);
  });

  it('Docker 25+ save carries the tag from RepoTags and the index annotations', async () => {
    const report = await reportOf(
      fixtureBytes('snyk__docker-archives__docker-save__hello-world.tar'),
    );
    expect(report.images[0]?.tags).toEqual(['hello-world:latest']);
    expect(report.images[0]?.manifestDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('busybox for arm/v7: the variant is part of the platform; 403 hardlinks', async () => {
    const read = await readBytes(fixtureBytes('snyk__docker-oci-archives__busybox.armv7.tar'));
    const report = await reportOf(fixtureBytes('snyk__docker-oci-archives__busybox.armv7.tar'));
    expect(report.images[0]?.platform).toBe('linux/arm/v7');
    expect(countKind(read, 'hardlink')).toBe(403);
  });

  it('a whole-file gzip named .tar is read as gzip: 4 layers from 7 steps, untagged', async () => {
    const report = await reportOf(
      fixtureBytes('snyk__npm__npm-without-lockfiles__npm7-with-package-lock-file.tar'),
    );
    expect(report.compression).toBe('gzip');
    expect(report.images[0]?.tags).toEqual([]);
    expect(report.images[0]?.layers).toHaveLength(4);
    expect(report.images[0]?.history).toHaveLength(7);
    expect(report.images[0]?.history.filter((h) => h.emptyLayer)).toHaveLength(3);
  });

  it('containerd store export: tag alpine:3.14, a gzip layer, the manifest found through the list', async () => {
    const report = await reportOf(fixtureBytes('snyk__containerd-archives__alpine.tar'));
    expect(report.images.filter((i) => i.included).map((i) => i.tags)).toEqual([['alpine:3.14']]);
    expect(report.images[0]?.layers[0]?.compression).toBe('gzip');
    expect(report.images[0]?.manifestDigest).toBe(
      'sha256:c8844343d5ccbc9f24a7cca4bdcf5b2d43cde2c83d201b18365c99b1e5f24c80',
    );
  });

  it('skopeo OCI layout: node added in layer 1, whited out in layer 2 with opaque proc/ and sys/', async () => {
    const read = await readBytes(
      fixtureBytes('snyk__docker-archives__skopeo-copy__node-removed.tar'),
    );
    expect(read.model.variant).toBe('oci');
    expect(read.model.images[0]?.layers).toHaveLength(3);
    expect(read.model.images[0]?.history).toHaveLength(4);
    expect(layerEntries(read, 0, 1).map((e) => e.path)).toEqual(['node']);
    const top = layerEntries(read, 0, 2);
    expect(top.filter((e) => e.marker === 1).map((e) => e.path)).toEqual(['.wh.node']);
    expect(
      top
        .filter((e) => e.marker === 2)
        .map((e) => e.path)
        .sort(),
    ).toEqual(['proc/.wh..wh..opq', 'sys/.wh..wh..opq']);
  });

  it('skopeo docker-archive: <hex>.tar layers behind <v1id>/layer.tar symlinks, RepoTags []', async () => {
    const read = await readBytes(
      fixtureBytes('snyk__docker-archives__skopeo-copy__nodes-fake-multi.tar'),
    );
    expect(read.model.variant).toBe('containers-image');
    expect(read.model.images[0]?.tags).toEqual([]);
    expect(read.model.images[0]?.layers).toHaveLength(2);
    const all = [...read.scans.values()].flatMap((s) =>
      Array.from({ length: s.entries.length }, (_, i) => s.entries.get(i)),
    );
    expect(all.some((e) => e.path === 'node-v-8-12-9/.wh..wh..opq')).toBe(true);
  });

  it('kaniko PAX headers with fractional times', async () => {
    const read = await readBytes(fixtureBytes('snyk__kaniko-archives__kaniko-busybox.tar'));
    const entries = layerEntries(read, 0, 0);
    expect(entries.some((e) => !Number.isInteger(e.mtime))).toBe(true);
  });

  it('docker save | gzip of alpine 3.10: tag, diff_id, 324 symlinks', async () => {
    const read = await readBytes(fixtureBytes('trivy__alpine-310.tar.gz'));
    expect(read.model.compression).toBe('gzip');
    expect(read.model.images[0]?.tags).toEqual(['alpine:3.10']);
    expect(read.model.images[0]?.layers[0]?.diffId).toBe(
      'sha256:531743b7098cb2aaf615641007a129173f63ed86ca32fe7b5a246a1c47286028',
    );
    expect(countKind(read, 'symlink')).toBe(324);
  });

  it('a nested OCI index gives two platforms with their manifest digests', async () => {
    const report = await reportOf(fixtureBytes('stereoscope__multiplatform_oci_dir.tar'));
    expect(report.images.map((i) => [i.platform, i.manifestDigest])).toEqual([
      ['linux/amd64', 'sha256:e7c26a4b4d156fd9947ee82295b7b78acf7aa54b93b8f3e4b9f608179ffb20e8'],
      ['linux/arm64', 'sha256:5ed07065bcbc6c52e3ad28526557d7b6833613fc79257b1a786de85e37c03b05'],
    ]);
  });
});

describe('chunk boundaries: every fixture reads the same whatever the chunk size', () => {
  const names = readdirSync(FIXTURES).filter(
    (n) => /\.tar(\.gz)?$/.test(n) && !/not-an-image|null_manifest/.test(n),
  );
  for (const name of names) {
    it(name, async () => {
      const bytes = fixtureBytes(name);
      const reference = printed(await reportOf(bytes));
      const sizes = bytes.length <= 64 << 10 ? [1, 511, 513] : [511, 513];
      for (const size of sizes) {
        expect(printed(await reportOf(bytes, size)), `chunks of ${size} bytes`).toEqual(reference);
      }
    });
  }
});
