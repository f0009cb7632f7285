import { sha256 } from 'hash-wasm';
import type { Problem } from '../errors.ts';
import { checkLayerCount, mapHistory, parseConfig } from './config.ts';
import { parseJson } from './json.ts';
import type { ImageRecord, LayerRef, Platform } from './model.ts';

export interface ImageParts {
  configPath: string;
  configBytes: Uint8Array;
  /** The digest the archive claims for the config (from a descriptor or file name), if any. */
  claimedConfigDigest: string | null;
  manifestDigest: string | null;
  tags: string[];
  layers: LayerRef[];
  platform?: Platform;
}

/** Everything a reader found for one image, checked and assembled into the model. */
export async function buildImage(parts: ImageParts, warnings: Problem[]): Promise<ImageRecord> {
  const json = parseJson(parts.configBytes, parts.configPath);
  const parsed = parseConfig(json);
  // The image ID docker prints is the sha256 of the config file's bytes.
  const id = `sha256:${await sha256(parts.configBytes)}`;
  if (parts.claimedConfigDigest && parts.claimedConfigDigest !== id) {
    warnings.push({
      code: 'digest-mismatch',
      message: `The config's sha256 is ${id}, not ${parts.claimedConfigDigest} as the archive says.`,
      detail: parts.configPath,
    });
  }
  const layers = parts.layers.map((layer, i) => ({ ...layer, diffId: parsed.diffIds[i] ?? null }));
  checkLayerCount(layers, parsed.diffIds, parts.configPath, warnings);
  return {
    id,
    configPath: parts.configPath,
    manifestDigest: parts.manifestDigest,
    tags: parts.tags,
    platform: parsed.platform ?? parts.platform,
    included: true,
    created: parsed.created,
    config: parsed.config,
    history: mapHistory(parsed.history, layers.length, parts.configPath, warnings),
    layers,
    rawConfig: json,
  };
}

/** A platform an index lists whose manifest or config the archive does not hold. */
export function absentImage(
  manifestDigest: string | null,
  platform: Platform | undefined,
  tags: string[],
): ImageRecord {
  return {
    id: manifestDigest ?? 'unknown',
    configPath: null,
    manifestDigest,
    tags,
    platform,
    included: false,
    created: null,
    config: {
      entrypoint: null,
      cmd: null,
      env: [],
      workingDir: '',
      user: '',
      labels: {},
      exposedPorts: [],
      volumes: [],
    },
    history: [],
    layers: [],
    rawConfig: null,
  };
}

const FOREIGN = /foreign|nondistributable/;

export function isForeignMediaType(mediaType: string | null | undefined): boolean {
  return mediaType ? FOREIGN.test(mediaType) : false;
}
