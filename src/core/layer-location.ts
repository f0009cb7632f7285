import type { LayerLocation } from './content.ts';
import { StrataError } from './errors.ts';
import type { ArchiveRead } from './read-archive.ts';

/** Where a layer of an image lies in the archive and how it is compressed (for reading it back). */
export function layerLocation(
  read: ArchiveRead,
  image: number,
  layer: number,
): { key: string; at: LayerLocation } {
  const ref = read.model.images[image]?.layers[layer];
  const outer = ref?.blobPath ? read.index.resolve(ref.blobPath) : undefined;
  const scan = ref?.blobPath ? read.scans.get(ref.blobPath) : undefined;
  if (!outer || !scan)
    throw new StrataError('missing-blob', `Layer ${layer} is not in the archive.`);
  return {
    key: outer.path,
    at: {
      blobOffset: outer.dataOffset,
      blobSize: outer.size,
      outer: read.model.compression,
      layer: scan.compression,
    },
  };
}
