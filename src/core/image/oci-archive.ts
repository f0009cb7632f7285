import { type Problem, StrataError } from '../errors.ts';
import { absentImage, buildImage, isForeignMediaType } from './build-image.ts';
import { arrayAt, objectAt } from './json.ts';
import type { ArtifactRecord, ImageRecord, LayerRef } from './model.ts';
import { artifactOf, type ManifestFound, parseDescriptor, walkIndex } from './oci-index.ts';
import { blobPath, type OuterIndex } from './outer-index.ts';

/**
 * An OCI image layout in a tar (skopeo/podman `oci-archive:`, buildx `type=oci`): `index.json`,
 * possibly nested indexes, manifests, configs and layer blobs by digest (image-layout.md).
 */
export async function readOciArchive(
  index: OuterIndex,
  warnings: Problem[],
  artifacts: ArtifactRecord[],
): Promise<ImageRecord[]> {
  const images: ImageRecord[] = [];
  for (const found of walkIndex(index, warnings)) {
    const artifact = artifactOf(found);
    if (artifact) {
      artifacts.push(artifact);
      continue;
    }
    const image = await imageOfManifest(index, found, warnings);
    if (image) images.push(image);
  }
  return images;
}

/** One manifest found through an index, as an image (or an absent platform, or nothing). */
export async function imageOfManifest(
  index: OuterIndex,
  found: ManifestFound,
  warnings: Problem[],
): Promise<ImageRecord | undefined> {
  const { descriptor, manifest, tags } = found;
  if (manifest === null) return absentImage(descriptor.digest, descriptor.platform, tags);
  const where = blobPath(descriptor.digest);
  const config = parseDescriptor(objectAt(manifest, 'config'), warnings, `The config of ${where}`);
  if (!config) {
    warnings.push({
      code: 'bad-manifest',
      message: 'A manifest has no config descriptor and was skipped.',
      detail: blobPath(descriptor.digest),
    });
    return undefined;
  }
  if (descriptor.platform?.os === 'unknown' && descriptor.platform.architecture === 'unknown')
    return undefined;
  const configPath = blobPath(config.digest);
  const configBytes = index.body(configPath);
  if (!configBytes) {
    if (!index.has(configPath)) return absentImage(descriptor.digest, descriptor.platform, tags);
    throw new StrataError(
      'bad-manifest',
      'The image config is too large to be a config.',
      configPath,
    );
  }
  const layers: LayerRef[] = (arrayAt(manifest, 'layers') ?? []).map((item, i) => {
    const layer = parseDescriptor(item, warnings, `Layer ${i} of ${where}`);
    const path = layer ? blobPath(layer.digest) : null;
    const entry = path ? index.resolve(path) : undefined;
    const foreign = isForeignMediaType(layer?.mediaType);
    if (!entry && !foreign) {
      warnings.push({
        code: 'missing-blob',
        message: `Layer ${i} is listed but its blob is not in the archive.`,
        detail: path ?? `layer ${i}`,
      });
    }
    return {
      index: i,
      diffId: null,
      digest: layer?.digest ?? null,
      mediaType: layer?.mediaType ?? null,
      blobPath: entry?.path ?? null,
      listedPath: path,
      included: entry !== undefined,
      foreign,
      urls: layer?.urls ?? [],
      compressedBytes: entry?.size ?? layer?.size ?? null,
    };
  });
  return buildImage(
    {
      configPath,
      configBytes,
      claimedConfigDigest: config.digest,
      manifestDigest: descriptor.digest,
      tags,
      layers,
      ...(descriptor.platform ? { platform: descriptor.platform } : {}),
    },
    warnings,
  );
}
