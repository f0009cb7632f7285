import { type Problem, StrataError } from '../errors.ts';
import { normalise } from '../paths.ts';
import { absentImage, buildImage, isForeignMediaType } from './build-image.ts';
import { isObject, objectAt, parseJson, stringAt, stringsAt } from './json.ts';
import type { ArtifactRecord, ImageRecord, LayerRef, Variant } from './model.ts';
import { artifactOf, walkIndex } from './oci-index.ts';
import type { OuterIndex } from './outer-index.ts';

/**
 * Archives with a `manifest.json` (docker save of every age, crane/kaniko, skopeo/podman
 * docker-archive, containerd export): one entry per image with `Config`, `RepoTags`, `Layers`
 * (paths in the tar, in diff_id order) and optional `LayerSources` (shared/docs/FORMATS.md §1-6).
 * An `index.json` beside it adds the platforms an index lists but the archive does not hold.
 */
export async function readDockerArchive(
  index: OuterIndex,
  warnings: Problem[],
  artifacts: ArtifactRecord[],
): Promise<{ variant: Variant; images: ImageRecord[] }> {
  const body = index.body('manifest.json');
  if (!body) {
    throw new StrataError(
      'bad-manifest',
      'manifest.json is larger than 16 MiB: too large to be a manifest, so it was not read.',
      'manifest.json',
    );
  }
  const manifest = parseJson(body, 'manifest.json');
  if (!Array.isArray(manifest)) {
    throw new StrataError(
      'bad-manifest',
      `manifest.json should be a list of images, but it is ${manifest === null ? 'null' : typeof manifest}.`,
      'manifest.json',
    );
  }
  const images: ImageRecord[] = [];
  let variant: Variant = 'docker-legacy';
  for (const [n, item] of manifest.entries()) {
    const where = `manifest.json entry ${n}`;
    const configName = stringAt(item, 'Config');
    if (!isObject(item) || !configName) {
      warnings.push({
        code: 'bad-manifest',
        message: `${where} has no Config and was skipped.`,
        detail: where,
      });
      continue;
    }
    const configPath = normalise(configName);
    const configBytes = index.body(configPath);
    if (!configBytes) {
      warnings.push({
        code: 'missing-blob',
        message: `The config ${configPath} named by ${where} is not in the archive.`,
        detail: configPath,
      });
      continue;
    }
    const layerPaths = stringsAt(item, 'Layers') ?? [];
    if (n === 0) variant = variantOf(configPath, layerPaths);
    const sources = objectAt(item, 'LayerSources') ?? {};
    const diffIds = diffIdsOf(configBytes, configPath);
    const layers: LayerRef[] = layerPaths.map((listed, i) => {
      const path = normalise(listed);
      const entry = index.resolve(path);
      const source = objectAt(sources, diffIds[i] ?? '');
      const mediaType = stringAt(source, 'mediaType') ?? null;
      const foreign = isForeignMediaType(mediaType);
      if (!entry && !foreign) {
        warnings.push({
          code: 'missing-blob',
          message: `Layer ${i} (${path}) is listed in manifest.json but is not in the archive.`,
          detail: path,
        });
      }
      return {
        index: i,
        diffId: null,
        digest: stringAt(source, 'digest') ?? digestInName(path),
        mediaType,
        blobPath: entry?.path ?? null,
        listedPath: path,
        included: entry !== undefined,
        foreign,
        urls: (stringsAt(source, 'urls') ?? []) as string[],
        compressedBytes: entry?.size ?? null,
      };
    });
    images.push(
      await buildImage(
        {
          configPath,
          configBytes,
          claimedConfigDigest: digestInName(configPath),
          manifestDigest: null,
          tags: stringsAt(item, 'RepoTags') ?? [],
          layers,
        },
        warnings,
      ),
    );
  }
  if (index.has('index.json')) addIndexFacts(index, images, warnings, artifacts);
  return { variant, images };
}

/**
 * Docker 25+ and containerd archives carry an OCI index too: it gives each image's manifest
 * digest, and lists platforms whose blobs were not exported (shown as not included).
 */
function addIndexFacts(
  index: OuterIndex,
  images: ImageRecord[],
  warnings: Problem[],
  artifacts: ArtifactRecord[],
): void {
  for (const found of walkIndex(index, warnings)) {
    const artifact = artifactOf(found);
    if (artifact) {
      artifacts.push(artifact);
      continue;
    }
    const configDigest = stringAt(objectAt(found.manifest, 'config'), 'digest');
    const image = images.find((img) => img.id === configDigest);
    if (image) {
      image.manifestDigest ??= found.descriptor.digest;
      for (const t of found.tags) if (image.tags.length === 0) image.tags.push(t);
      image.platform ??= found.descriptor.platform;
    } else if (found.manifest === null) {
      images.push(absentImage(found.descriptor.digest, found.descriptor.platform, found.tags));
    }
  }
}

function diffIdsOf(configBytes: Uint8Array, configPath: string): string[] {
  const json = parseJson(configBytes, configPath);
  const ids = stringsAt(objectAt(json, 'rootfs'), 'diff_ids');
  return ids ?? [];
}

/** `blobs/sha256/<hex>`, `sha256:<hex>`, `<hex>.tar.gz` and `<hex>.json` carry a digest in the name. */
function digestInName(path: string): string | null {
  const match = /(?:^|\/)(?:sha256[:/])?([0-9a-f]{64})(?:\.[a-z.]+)?$/.exec(path);
  if (!match) return null;
  if (/\/layer\.tar$/.test(path)) return null;
  return `sha256:${match[1]}`;
}

function variantOf(configPath: string, layerPaths: string[]): Variant {
  if (configPath.startsWith('blobs/')) return 'docker-oci';
  if (configPath.startsWith('sha256:')) return 'crane';
  if (layerPaths.some((p) => p.endsWith('/layer.tar'))) return 'docker-legacy';
  return 'containers-image';
}
