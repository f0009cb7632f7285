import type { ImageAnalysis } from '../fs/analyze-image.ts';
import type { ImageRecord } from '../image/model.ts';
import type { LayerScan } from '../layer/scan.ts';
import type { CompareSide } from './compare-images.ts';
import { snapshotOf } from './snapshot.ts';

/** One image of a read archive as a side of a comparison. */
export function compareSide(
  record: ImageRecord,
  scans: Map<string, LayerScan>,
  analysis: ImageAnalysis,
): CompareSide {
  return {
    record,
    snapshot: snapshotOf(analysis.versions, analysis.top),
    layerSizes: record.layers.map((layer) =>
      layer.blobPath ? (scans.get(layer.blobPath)?.size ?? null) : null,
    ),
  };
}
