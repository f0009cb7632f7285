import type { LayerContent } from '../content.ts';
import type { PathVersions } from '../fs/versions.ts';
import { layerLocation } from '../layer-location.ts';
import type { ArchiveRead } from '../read-archive.ts';
import type { ReadBodies } from './catalog.ts';

/** Entry bodies of an image's layers, read back from the archive (for the catalogue). */
export function imageBodies(
  read: ArchiveRead,
  image: number,
  versions: PathVersions,
  content: LayerContent,
): ReadBodies {
  return (layer, entries, signal) => {
    const { key, at } = layerLocation(read, image, layer);
    const list = versions.layers[layer]!;
    return content.bodies(
      at,
      key,
      entries.map((id) => {
        const e = list.get(id);
        return { id, dataOffset: e.dataOffset, size: e.size };
      }),
      signal,
    );
  };
}
