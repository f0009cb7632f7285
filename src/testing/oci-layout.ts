import { imageFrom, sha256Hex } from './sample-image.ts';
import { type TarInput, writeTar } from './tar-writer.ts';

/** OCI layouts built by hand for tests: blobs by digest and an index.json, as skopeo writes. */
export const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
export const digestOf = (bytes: Uint8Array) => `sha256:${sha256Hex(bytes)}`;
export const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json';
export const INDEX_TYPE = 'application/vnd.oci.image.index.v1+json';

export function ociArchive(blobs: Uint8Array[], index: unknown): Uint8Array {
  const files: TarInput[] = blobs.map((b) => ({
    name: `blobs/sha256/${digestOf(b).slice(7)}`,
    data: b,
  }));
  files.push({ name: 'oci-layout', data: json({ imageLayoutVersion: '1.0.0' }) });
  files.push({ name: 'index.json', data: json(index) });
  return writeTar(files);
}

/** A one-layer image: its manifest and the blobs it needs. */
export function oneImage() {
  const image = imageFrom([{ command: 'COPY a /', layer: writeTar([{ name: 'a', data: 'x' }]) }]);
  const manifest = json({
    schemaVersion: 2,
    mediaType: MANIFEST_TYPE,
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

/** An image tagged app:1.0 and an SPDX SBOM attached to it as an OCI artifact. */
export function imageWithSbom() {
  const { manifest, blobs } = oneImage();
  const sbom = json({ spdxVersion: 'SPDX-2.3' });
  const emptyConfig = json({});
  const sbomManifest = json({
    schemaVersion: 2,
    mediaType: MANIFEST_TYPE,
    artifactType: 'application/spdx+json',
    config: {
      mediaType: 'application/vnd.oci.empty.v1+json',
      digest: digestOf(emptyConfig),
      size: 2,
    },
    layers: [{ mediaType: 'application/spdx+json', digest: digestOf(sbom), size: sbom.length }],
    subject: { mediaType: MANIFEST_TYPE, digest: digestOf(manifest), size: manifest.length },
  });
  const bytes = ociArchive([...blobs, sbom, emptyConfig, sbomManifest], {
    schemaVersion: 2,
    manifests: [
      {
        mediaType: MANIFEST_TYPE,
        digest: digestOf(manifest),
        size: manifest.length,
        annotations: { 'org.opencontainers.image.ref.name': 'app:1.0' },
      },
      { mediaType: MANIFEST_TYPE, digest: digestOf(sbomManifest), size: sbomManifest.length },
    ],
  });
  return { bytes, manifest, sbom, sbomManifest };
}
