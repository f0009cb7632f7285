import type { Problem } from '../errors.ts';
import {
  arrayAt,
  isObject,
  numberAt,
  objectAt,
  parseJson,
  stringAt,
  stringRecordAt,
} from './json.ts';
import type { ArtifactRecord, Platform } from './model.ts';
import { blobPath, type OuterIndex } from './outer-index.ts';

/** A descriptor (OCI image-spec descriptor.md), checked. */
export interface Descriptor {
  mediaType: string | null;
  digest: string;
  size: number | null;
  urls: string[];
  annotations: Record<string, string>;
  platform: Platform | undefined;
}

/**
 * A digest as the OCI image-spec's grammar allows it (descriptor.md "Digests"):
 * `algorithm:encoded`, and for the registered algorithms their exact form (sha256: 64 lowercase
 * hex, sha512: 128). Anything else is never used to look a file up (`sha256:../../etc/passwd`).
 */
export function isValidDigest(digest: string): boolean {
  const m = /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/.exec(digest);
  if (!m) return false;
  if (m[1] === 'sha256') return /^[a-f0-9]{64}$/.test(m[2]!);
  if (m[1] === 'sha512') return /^[a-f0-9]{128}$/.test(m[2]!);
  return true;
}

/**
 * A descriptor, checked. One whose digest breaks the grammar is left out with a warning that
 * says where it was (`where`: the document and the place in it).
 */
export function parseDescriptor(
  value: unknown,
  warnings?: Problem[],
  where = 'a descriptor',
): Descriptor | undefined {
  const digest = stringAt(value, 'digest');
  if (!digest) return undefined;
  if (!isValidDigest(digest)) {
    warnings?.push({
      code: 'bad-digest',
      message: `${where} has a digest that is not a valid OCI digest; it was not followed.`,
      detail: JSON.stringify(digest.slice(0, 200)),
    });
    return undefined;
  }
  const platformJson = objectAt(value, 'platform');
  const os = stringAt(platformJson, 'os');
  const architecture = stringAt(platformJson, 'architecture');
  const variant = stringAt(platformJson, 'variant');
  return {
    mediaType: stringAt(value, 'mediaType') ?? null,
    digest,
    size: numberAt(value, 'size') ?? null,
    urls: (arrayAt(value, 'urls') ?? []).filter((u): u is string => typeof u === 'string'),
    annotations: stringRecordAt(value, 'annotations'),
    platform:
      os || architecture
        ? {
            os: os ?? 'unknown',
            architecture: architecture ?? 'unknown',
            ...(variant ? { variant } : {}),
          }
        : undefined,
  };
}

export interface ManifestFound {
  descriptor: Descriptor;
  /** The parsed manifest, or null when its blob is not in the archive. */
  manifest: unknown;
  tags: string[];
  /** buildkit marks its attestation manifests in the index: they are artifacts, not images. */
  attestation: boolean;
}

/** Past this many descriptors followed, an index is hostile (a lattice of nested indexes). */
const MAX_DESCRIPTORS = 10_000;

const INDEX_TYPES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);
const MANIFEST_TYPES = new Set([
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
]);

/** The tag an index descriptor gives: the full name containerd records, else the bare ref name. */
function tagOf(annotations: Record<string, string>): string | undefined {
  return (
    annotations['io.containerd.image.name'] ?? annotations['org.opencontainers.image.ref.name']
  );
}

/**
 * Every image manifest reachable from `index.json`, through nested indexes (image-layout.md).
 * Attestation manifests (buildkit) are skipped; unknown media types are ignored, as the spec asks.
 */
export function walkIndex(index: OuterIndex, warnings: Problem[]): ManifestFound[] {
  const found: ManifestFound[] = [];
  const rootBytes = index.body('index.json');
  if (!rootBytes) return found;
  const root = parseJson(rootBytes, 'index.json');
  let followed = 0;

  // An index reached again under another name is walked again (its images carry both names);
  // only an index inside itself is not (`inside` holds the path from the root).
  const visit = (
    list: unknown[] | undefined,
    inherited: string[],
    inside: string[],
    where: string,
  ) => {
    if (!list || inside.length > 8) return;
    for (const [n, item] of list.entries()) {
      if (++followed > MAX_DESCRIPTORS) {
        if (followed === MAX_DESCRIPTORS + 1)
          warnings.push({
            code: 'limit',
            message: `The indexes list more than ${MAX_DESCRIPTORS} manifests; the rest were not followed.`,
            detail: where,
          });
        return;
      }
      const descriptor = parseDescriptor(item, warnings, `Entry ${n} of ${where}`);
      if (!descriptor) continue;
      const attestation =
        descriptor.annotations['vnd.docker.reference.type'] === 'attestation-manifest';
      const tag = tagOf(descriptor.annotations);
      const tags = tag && !inherited.includes(tag) ? [...inherited, tag] : inherited;
      const path = blobPath(descriptor.digest);
      const bytes = index.body(path);
      const json = bytes ? safeParse(bytes, path, warnings) : undefined;
      const mediaType = descriptor.mediaType ?? stringAt(json, 'mediaType') ?? guessType(json);
      if (mediaType && INDEX_TYPES.has(mediaType)) {
        if (json === undefined) {
          found.push({ descriptor, manifest: null, tags, attestation });
        } else if (!inside.includes(descriptor.digest)) {
          visit(arrayAt(json, 'manifests'), tags, [...inside, descriptor.digest], path);
        }
      } else if (mediaType && MANIFEST_TYPES.has(mediaType)) {
        const existing = found.find((f) => f.descriptor.digest === descriptor.digest);
        if (existing) {
          for (const t of tags) if (!existing.tags.includes(t)) existing.tags.push(t);
        } else {
          found.push({ descriptor, manifest: json ?? null, tags: [...tags], attestation });
        }
      }
    }
  };
  visit(arrayAt(root, 'manifests'), [], [], 'index.json');
  return found;
}

/** A manifest found through an index that is an artifact (not a filesystem), as listed. */
export function artifactOf(found: ManifestFound): ArtifactRecord | undefined {
  const { manifest, descriptor } = found;
  if (manifest === null) return undefined;
  const config = parseDescriptor(objectAt(manifest, 'config'));
  const artifactType = stringAt(manifest, 'artifactType') ?? config?.mediaType ?? null;
  const isImage = !!config && (!config.mediaType || IMAGE_CONFIG_TYPES.has(config.mediaType));
  if (isImage && !found.attestation && !stringAt(manifest, 'artifactType')) return undefined;
  return {
    digest: descriptor.digest,
    artifactType: found.attestation ? 'attestation (in-toto)' : artifactType,
    manifestMediaType: descriptor.mediaType,
    tags: found.tags,
    subject:
      descriptor.annotations['vnd.docker.reference.digest'] ??
      stringAt(objectAt(manifest, 'subject'), 'digest') ??
      null,
    layers: (arrayAt(manifest, 'layers') ?? []).flatMap((l) => {
      const d = parseDescriptor(l);
      return d ? [{ mediaType: d.mediaType, digest: d.digest, size: d.size }] : [];
    }),
  };
}

function guessType(json: unknown): string | undefined {
  if (!isObject(json)) return undefined;
  if (Array.isArray(json.manifests)) return 'application/vnd.oci.image.index.v1+json';
  if (Array.isArray(json.layers)) return 'application/vnd.oci.image.manifest.v1+json';
  return undefined;
}

function safeParse(bytes: Uint8Array, path: string, warnings: Problem[]): unknown {
  try {
    return parseJson(bytes, path);
  } catch {
    warnings.push({
      code: 'bad-json',
      message: `${path} is not valid JSON and was skipped.`,
      detail: path,
    });
    return undefined;
  }
}

/** Config media types of images; anything else (artifacts, attestations) is not a filesystem. */
export const IMAGE_CONFIG_TYPES = new Set([
  'application/vnd.oci.image.config.v1+json',
  'application/vnd.docker.container.image.v1+json',
]);
