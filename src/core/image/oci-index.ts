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
import type { Platform } from './model.ts';
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

export function parseDescriptor(value: unknown): Descriptor | undefined {
  const digest = stringAt(value, 'digest');
  if (!digest) return undefined;
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
}

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
  const seen = new Set<string>();

  const visit = (list: unknown[] | undefined, inherited: string[], depth: number) => {
    if (!list || depth > 8) return;
    for (const item of list) {
      const descriptor = parseDescriptor(item);
      if (!descriptor) continue;
      if (descriptor.annotations['vnd.docker.reference.type'] === 'attestation-manifest') continue;
      const tag = tagOf(descriptor.annotations);
      const tags = tag && !inherited.includes(tag) ? [...inherited, tag] : inherited;
      const bytes = index.body(blobPath(descriptor.digest));
      const json = bytes ? safeParse(bytes, blobPath(descriptor.digest), warnings) : undefined;
      const mediaType = descriptor.mediaType ?? stringAt(json, 'mediaType') ?? guessType(json);
      if (mediaType && INDEX_TYPES.has(mediaType)) {
        if (json === undefined) {
          found.push({ descriptor, manifest: null, tags });
        } else if (!seen.has(descriptor.digest)) {
          seen.add(descriptor.digest);
          visit(arrayAt(json, 'manifests'), tags, depth + 1);
        }
      } else if (mediaType && MANIFEST_TYPES.has(mediaType)) {
        const existing = found.find((f) => f.descriptor.digest === descriptor.digest);
        if (existing) {
          for (const t of tags) if (!existing.tags.includes(t)) existing.tags.push(t);
        } else {
          found.push({ descriptor, manifest: json ?? null, tags: [...tags] });
        }
      }
    }
  };
  visit(arrayAt(root, 'manifests'), [], 0);
  return found;
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
