import { bytesSource } from '../core/bytes.ts';
import type { LayerEntries } from '../core/layer/entries.ts';
import { scanLayer } from '../core/layer/scan.ts';
import { type TarInput, writeTar } from './tar-writer.ts';

/** A layer made from tar entries, read back through the real scanner. */
export async function layerOf(entries: TarInput[]): Promise<LayerEntries> {
  const bytes = writeTar(entries);
  const scan = await scanLayer(bytesSource(bytes).read(0), undefined);
  if (scan.error) throw scan.error;
  return scan.entries;
}

export async function layersOf(stack: TarInput[][]): Promise<LayerEntries[]> {
  return Promise.all(stack.map(layerOf));
}

/** Every path of a layer, in entry order. */
export function pathsOf(entries: LayerEntries): string[] {
  return Array.from({ length: entries.length }, (_, i) => entries.path(i));
}
