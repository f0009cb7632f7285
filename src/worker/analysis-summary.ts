import type { ImageAnalysis } from '../core/fs/analyze-image.ts';
import { largestFiles } from '../core/fs/largest-files.ts';
import { Change, type PathVersions } from '../core/fs/versions.ts';
import type { ImageRecord } from '../core/image/model.ts';
import type { LayerScan } from '../core/layer/scan.ts';
import type { AnalysisSummary, LayerStats } from './protocol.ts';

export type SummaryWithoutNames = Omit<AnalysisSummary, 'namesFrom' | 'names' | 'parents'>;

/**
 * One image's analysis as the page needs it: per-layer counts from the layers read so far, and,
 * once every layer is read (`a` given), the figures of the whole image. The path names are added
 * when it is sent, only those the page lacks (`withNames`): they are made for the message, not kept.
 */
export function analysisSummary(
  image: number,
  record: ImageRecord,
  versions: PathVersions,
  scans: Map<string, LayerScan>,
  a: ImageAnalysis | undefined,
): SummaryWithoutNames {
  const complete = a !== undefined;
  const layers: LayerStats[] = record.layers.map((layer, i) => {
    const scan = layer.blobPath ? scans.get(layer.blobPath) : undefined;
    const counts = { added: 0, content: 0, metadata: 0, unchanged: 0, deleted: 0 };
    const changes = versions.changes[i]?.changes ?? [];
    // Indexed: an iterator made an object per path (22 MB for a million), run once per summary.
    for (let c = 0; c < changes.length; c++) {
      const change = changes[c];
      if (change === Change.Added) counts.added++;
      else if (change === Change.Content) counts.content++;
      else if (change === Change.Metadata) counts.metadata++;
      else if (change === Change.Unchanged) counts.unchanged++;
      else counts.deleted++;
    }
    return {
      index: i,
      size: scan?.size ?? null,
      entries: scan?.entries.length ?? null,
      compression: scan?.compression ?? null,
      ...counts,
      reclaimableStored: a?.reclaimable.byStoringLayer[i] ?? 0,
      reclaimableHidden: a?.reclaimable.byHidingLayer[i] ?? 0,
    };
  });
  return {
    image,
    layers,
    layersReady: versions.layers.length,
    complete,
    final: a?.final ?? null,
    reclaimableBytes: a?.reclaimable.bytes ?? null,
    hiddenFiles: a?.reclaimable.files.slice(0, 500) ?? [],
    hiddenFileCount: a?.reclaimable.files.length ?? 0,
    largestFiles: a ? largestFiles(a.versions, a.top) : [],
    oddities: versions.oddities.slice(0, 200),
  };
}

/** The summary with the table's names and parents from path `namesKnown` on (all, if it is past them). */
export function withNames(
  summary: SummaryWithoutNames,
  versions: PathVersions,
  namesKnown: number,
): AnalysisSummary {
  const { table } = versions;
  const from = namesKnown <= table.size ? namesKnown : 0;
  return {
    ...summary,
    namesFrom: from,
    names: table.namesFrom(from),
    parents: table.parents.slice(from, table.size),
  };
}
