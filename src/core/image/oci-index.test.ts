import { describe, expect, it } from 'vitest';
import { readBytes } from '../../testing/fixtures.ts';
import {
  digestOf,
  INDEX_TYPE,
  imageWithSbom,
  json,
  MANIFEST_TYPE,
  ociArchive,
  oneImage,
} from '../../testing/oci-layout.ts';

const manifestType = MANIFEST_TYPE;
const indexType = INDEX_TYPE;

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
    const { bytes, manifest, sbom, sbomManifest } = imageWithSbom();
    const read = await readBytes(bytes);
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
