import type { Problem } from './errors.ts';
import {
  analyzeImage,
  type ChangeLists,
  changeLists,
  type ImageAnalysis,
} from './fs/analyze-image.ts';
import type { DiveEfficiency } from './fs/dive-efficiency.ts';
import type { FinalCounts } from './fs/merged.ts';
import type { HiddenFile } from './fs/waste.ts';
import { type ArtifactRecord, type ImageRecord, platformText } from './image/model.ts';
import type { ArchiveRead } from './read-archive.ts';

/**
 * The stable JSON `npm run analyze -- FILE --json` prints (documented in README.md). Tests compare
 * against it, so field names and meanings change only with the README.
 */
export interface AnalyzeReport {
  variant: string;
  compression: string;
  archiveBytes: number;
  images: ImageReport[];
  /** Manifests that are not filesystems (SBOMs, signatures, attestations), as listed. */
  artifacts: ArtifactRecord[];
  warnings: Problem[];
}

export interface ImageReport {
  id: string;
  tags: string[];
  platform: string;
  included: boolean;
  manifestDigest: string | null;
  created: string | null;
  config: ImageRecord['config'];
  history: {
    createdBy: string;
    created: string | null;
    emptyLayer: boolean;
    layer: number | null;
  }[];
  layers: LayerReport[];
  /** The filesystem after the last layer (absent for an image not in the file). */
  final?: FinalCounts;
  efficiency?: Omit<DiveEfficiency, 'wastedUserPercent'> & { wastedUserPercent: number | null };
  reclaimableBytes?: number;
  hiddenFiles?: HiddenFile[];
}

export interface LayerReport {
  index: number;
  diffId: string | null;
  digest: string | null;
  mediaType: string | null;
  compression: string | null;
  compressedBytes: number | null;
  size: number | null;
  entries: number | null;
  included: boolean;
  foreign: boolean;
  blobPath: string | null;
  changes?: ChangeLists;
}

/** `analyses` holds images already analysed (by index), to reuse; new ones are added to it. */
export function analyzeReport(
  read: ArchiveRead,
  analyses = new Map<number, ImageAnalysis>(),
): AnalyzeReport {
  const { model, scans } = read;
  // Hardlinks to nothing are damage (the data they name is not there): said among the warnings.
  const brokenLinks: Problem[] = [];
  const noteBrokenLinks = (
    image: ImageRecord,
    oddities: { layer: number; path: string; what: string }[],
  ) => {
    for (const o of oddities)
      if (o.what.startsWith('hardlink to'))
        brokenLinks.push({
          code: 'broken-hardlink',
          message: `/${o.path} in layer ${o.layer} of ${image.tags[0] ?? image.id.slice(7, 19)} is a ${o.what}: it is shown as an empty file.`,
          detail: `/${o.path}`,
        });
  };
  return {
    variant: model.variant,
    compression: model.compression,
    archiveBytes: model.archiveBytes,
    images: model.images.map((image, index) => {
      let analysis = analyses.get(index);
      if (!analysis && image.included) {
        analysis = analyzeImage(image, scans);
        analyses.set(index, analysis);
      }
      if (analysis) noteBrokenLinks(image, analysis.versions.oddities);
      return {
        id: image.id,
        tags: image.tags,
        platform: platformText(image.platform),
        included: image.included,
        manifestDigest: image.manifestDigest,
        created: image.created,
        config: image.config,
        history: image.history.map(({ createdBy, created, emptyLayer, layer }) => ({
          createdBy,
          created,
          emptyLayer,
          layer,
        })),
        layers: image.layers.map((layer) => {
          const scan = layer.blobPath ? scans.get(layer.blobPath) : undefined;
          return {
            index: layer.index,
            diffId: layer.diffId,
            digest: layer.digest,
            mediaType: layer.mediaType,
            compression: scan?.compression ?? null,
            compressedBytes: layer.compressedBytes,
            size: scan ? scan.size : null,
            entries: scan ? scan.tarEntries : null,
            included: layer.included,
            foreign: layer.foreign,
            blobPath: layer.blobPath,
            ...(analysis ? { changes: changeLists(analysis.versions, layer.index) } : {}),
          };
        }),
        ...(analysis
          ? {
              final: analysis.final,
              efficiency: {
                ...analysis.efficiency,
                // JSON has no NaN: dive's percentage of a one-layer image is null here.
                wastedUserPercent: Number.isNaN(analysis.efficiency.wastedUserPercent)
                  ? null
                  : analysis.efficiency.wastedUserPercent,
              },
              reclaimableBytes: analysis.reclaimable.bytes,
              hiddenFiles: analysis.reclaimable.files.map((f) => ({ ...f, path: `/${f.path}` })),
            }
          : {}),
      };
    }),
    artifacts: model.artifacts,
    warnings: [...model.warnings, ...brokenLinks],
  };
}
