import { describe, expect, it } from 'vitest';
import { readBytes } from '../../testing/fixtures.ts';
import { imageFrom, sha256Hex } from '../../testing/sample-image.ts';
import { type TarInput, writeTar } from '../../testing/tar-writer.ts';

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const digestOf = (bytes: Uint8Array) => `sha256:${sha256Hex(bytes)}`;
const blob = (digest: string) => `blobs/sha256/${digest.slice(7)}`;

/** An OCI layout tar from blobs and an index.json (as skopeo or buildx write one). */
function ociArchive(blobs: Uint8Array[], index: unknown): Uint8Array {
  const files: TarInput[] = blobs.map((b) => ({ name: blob(digestOf(b)), data: b }));
  files.push({ name: 'oci-layout', data: json({ imageLayoutVersion: '1.0.0' }) });
  files.push({ name: 'index.json', data: json(index) });
  return writeTar(files);
}

function oneImage() {
  const image = imageFrom([{ command: 'COPY a /', layer: writeTar([{ name: 'a', data: 'x' }]) }]);
  const manifest = json({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: `sha256:${image.imageId}`,
      size: image.config.length,
    },
    layers: [
      {
        mediaType: 'application/vnd.oci.image.layer.v1.tar',
        digest: image.diffIds[0],
        size: image.layers[0]!.length,
      },
    ],
  });
  return { image, manifest, blobs: [image.config, image.layers[0]!, manifest] };
}

const manifestType = 'application/vnd.oci.image.manifest.v1+json';
const indexType = 'application/vnd.oci.image.index.v1+json';

describe('names and descriptors in index.json', () => {
  it('two names for one nested index: its image carries both, as written (no :latest added)', async () => {
    const { manifest, blobs } = oneImage();
    const nested = json({
      schemaVersion: 2,
      mediaType: indexType,
      manifests: [{ mediaType: manifestType, digest: digestOf(manifest), size: manifest.length }],
    });
    const ref = (name: string) => ({
      mediaType: indexType,
      digest: digestOf(nested),
      size: nested.length,
      annotations: { 'org.opencontainers.image.ref.name': name },
    });
    const read = await readBytes(
      ociArchive([...blobs, nested], { schemaVersion: 2, manifests: [ref('1.0'), ref('stable')] }),
    );
    expect(read.model.images).toHaveLength(1);
    expect(read.model.images[0]!.tags).toEqual(['1.0', 'stable']);
  });

  it('a digest outside the OCI grammar is a warning naming the descriptor, and nothing is looked up', async () => {
    const { manifest, blobs } = oneImage();
    const read = await readBytes(
      ociArchive(blobs, {
        schemaVersion: 2,
        manifests: [
          { mediaType: manifestType, digest: 'sha256:../../../etc/passwd', size: 1 },
          { mediaType: manifestType, digest: digestOf(manifest).toUpperCase(), size: 1 },
          { mediaType: manifestType, digest: digestOf(manifest), size: manifest.length },
        ],
      }),
    );
    expect(read.model.images).toHaveLength(1);
    const bad = read.model.warnings.filter((w) => w.code === 'bad-digest');
    expect(bad.map((w) => w.message)).toEqual([
      'Entry 0 of index.json has a digest that is not a valid OCI digest; it was not followed.',
      'Entry 1 of index.json has a digest that is not a valid OCI digest; it was not followed.',
    ]);
    expect(bad[0]!.detail).toBe('"sha256:../../../etc/passwd"');
  });

  it('artifact manifests (an SBOM, a buildkit attestation) are listed with their media types', async () => {
    const { manifest, blobs } = oneImage();
    const sbom = json({ spdxVersion: 'SPDX-2.3' });
    const emptyConfig = json({});
    const sbomManifest = json({
      schemaVersion: 2,
      mediaType: manifestType,
      artifactType: 'application/spdx+json',
      config: {
        mediaType: 'application/vnd.oci.empty.v1+json',
        digest: digestOf(emptyConfig),
        size: 2,
      },
      layers: [{ mediaType: 'application/spdx+json', digest: digestOf(sbom), size: sbom.length }],
      subject: { mediaType: manifestType, digest: digestOf(manifest), size: manifest.length },
    });
    const read = await readBytes(
      ociArchive([...blobs, sbom, emptyConfig, sbomManifest], {
        schemaVersion: 2,
        manifests: [
          { mediaType: manifestType, digest: digestOf(manifest), size: manifest.length },
          { mediaType: manifestType, digest: digestOf(sbomManifest), size: sbomManifest.length },
        ],
      }),
    );
    expect(read.model.images).toHaveLength(1);
    expect(read.model.artifacts).toEqual([
      {
        digest: digestOf(sbomManifest),
        artifactType: 'application/spdx+json',
        manifestMediaType: manifestType,
        tags: [],
        subject: digestOf(manifest),
        layers: [{ mediaType: 'application/spdx+json', digest: digestOf(sbom), size: sbom.length }],
      },
    ]);
  });
});
