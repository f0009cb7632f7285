import { concatBytes } from '../core/bytes.ts';
import type { KeptLayers, KeptLayerWriter } from '../core/kept-layers.ts';

/** Kept layers in memory: what the browser keeps on disk, for tests of the core. */
export class KeptInMemory implements KeptLayers {
  readonly layers = new Map<string, Uint8Array>();
  /** Every layer a writer was asked for, kept or not. */
  readonly asked: string[] = [];

  writer = (key: string, room = Number.POSITIVE_INFINITY): KeptLayerWriter => {
    this.asked.push(key);
    const parts: Uint8Array[] = [];
    let written = 0;
    return {
      write: (chunk) => {
        if (written + chunk.length > room) throw new Error('no room');
        parts.push(chunk.slice());
        written += chunk.length;
      },
      close: async () => {
        this.layers.set(key, concatBytes(parts));
      },
      discard: async () => {
        parts.length = 0;
      },
    };
  };

  has(key: string): boolean {
    return this.layers.has(key);
  }

  async read(key: string, offset: number, length: number): Promise<Uint8Array | undefined> {
    const layer = this.layers.get(key);
    if (!layer || offset + length > layer.length) return undefined;
    return layer.slice(offset, offset + length);
  }
}
