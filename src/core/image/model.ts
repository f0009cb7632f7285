import type { Compression } from '../compression.ts';
import type { Problem } from '../errors.ts';

/**
 * The one model every archive variant is read into. Nothing above the readers asks which variant
 * a file was; `variant` is there to be shown, not branched on.
 */
export type Variant = 'docker-legacy' | 'docker-oci' | 'oci' | 'crane' | 'containers-image';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export function platformText(platform: Platform | undefined): string {
  if (!platform) return 'unknown';
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

/** An entry of the outer tarball itself (manifest.json, a layer folder, a blob). */
export interface OuterEntry {
  path: string;
  kind: 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';
  size: number;
  linkname: string;
  dataOffset: number;
}

export interface ImageConfigSummary {
  entrypoint: string[] | null;
  cmd: string[] | null;
  env: string[];
  workingDir: string;
  user: string;
  labels: Record<string, string>;
  exposedPorts: string[];
  volumes: string[];
}

export interface HistoryStep {
  createdBy: string;
  created: string | null;
  comment: string | null;
  emptyLayer: boolean;
  /** Index into the image's layers, or null for a step that made no layer. */
  layer: number | null;
}

export interface LayerRef {
  index: number;
  /** sha256 of the uncompressed tar, from the config's rootfs.diff_ids. */
  diffId: string | null;
  /** The blob's digest as a registry knows it (compressed), when the archive says. */
  digest: string | null;
  mediaType: string | null;
  /** Path of the layer blob in the outer archive, links resolved; null when absent. */
  blobPath: string | null;
  /** The path the manifest names, before links were followed. */
  listedPath: string | null;
  included: boolean;
  foreign: boolean;
  urls: string[];
  /** Bytes of the blob as stored in the archive. */
  compressedBytes: number | null;
}

export interface ImageRecord {
  /** `sha256:<hex>` of the config: the image ID docker shows. */
  id: string;
  configPath: string | null;
  manifestDigest: string | null;
  tags: string[];
  platform: Platform | undefined;
  /** False for a platform an index lists whose blobs the archive does not hold. */
  included: boolean;
  created: string | null;
  config: ImageConfigSummary;
  history: HistoryStep[];
  layers: LayerRef[];
  /** The config JSON as parsed (validated only in the parts above). */
  rawConfig: unknown;
}

/**
 * A manifest an index lists that is not a filesystem: a signature, an SBOM, an attestation. Listed,
 * with its media types, so that nothing in the archive goes unmentioned.
 */
export interface ArtifactRecord {
  digest: string;
  /** What the artifact is: its `artifactType`, else its config's media type. */
  artifactType: string | null;
  manifestMediaType: string | null;
  tags: string[];
  /** For an attestation: the manifest it describes. */
  subject: string | null;
  layers: { mediaType: string | null; digest: string; size: number | null }[];
}

export interface ArchiveModel {
  variant: Variant;
  compression: Compression;
  archiveBytes: number;
  entries: OuterEntry[];
  images: ImageRecord[];
  artifacts: ArtifactRecord[];
  warnings: Problem[];
}

/** Image `wanted` when the archive holds its layers, else the first image it holds (else 0). */
export function firstIncludedImage(images: readonly ImageRecord[], wanted?: number): number {
  if (wanted !== undefined && images[wanted]?.included) return wanted;
  return Math.max(
    0,
    images.findIndex((image) => image.included),
  );
}
