import { concatBytes } from '../core/bytes.ts';
import type { KeptLayers, KeptLayerWriter } from '../core/kept-layers.ts';

/** Kept layers in memory: what the browser keeps on disk, for tests of the core. */
export class KeptInMemory implements KeptLayers {
  /** Layers kept whole. */
  readonly layers = new Map<string, Uint8Array>();
  /** Layers of which only the first bytes were kept. */
  readonly parts = new Map<string, Uint8Array>();
  /** Every layer a writer was asked for. */
  readonly asked: string[] = [];

  writer = (key: string, room = Number.POSITIVE_INFINITY): KeptLayerWriter => {
    this.asked.push(key);
    const chunks: Uint8Array[] = [];
    let written = 0;
    return {
      write: (chunk) => {
        if (written + chunk.length > room) throw new Error('no room');
        chunks.push(chunk.slice());
        written += chunk.length;
      },
      close: async (whole) => {
        (whole ? this.layers : this.parts).set(key, concatBytes(chunks));
      },
    };
  };

  has(key: string): boolean {
    return this.layers.has(key);
  }

  holds(key: string, offset: number, length: number): boolean {
    const layer = this.layers.get(key) ?? this.parts.get(key);
    return layer !== undefined && offset + length <= layer.length;
  }

  async read(key: string, offset: number, length: number): Promise<Uint8Array | undefined> {
    const layer = this.layers.get(key) ?? this.parts.get(key);
    if (!layer || offset + length > layer.length) return undefined;
    return layer.slice(offset, offset + length);
  }
}
