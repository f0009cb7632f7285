import type { SparseLayout } from './header.ts';

/**
 * Bytes `[start, start + length)` of a sparse file as it really is: its stored segments where they
 * go, zeros in the holes between them (GNU tar "sparse" formats; the segments are stored one
 * after another in the entry's body). `readStored` reads the packed body.
 */
export async function readSparse(
  layout: SparseLayout,
  start: number,
  length: number,
  readStored: (storedStart: number, length: number) => Promise<Uint8Array>,
): Promise<Uint8Array> {
  const from = Math.max(0, Math.min(start, layout.realSize));
  const to = Math.min(layout.realSize, from + Math.max(0, length));
  const out = new Uint8Array(to - from); // holes stay zero
  let packed = 0;
  for (const segment of layout.segments) {
    const a = Math.max(from, segment.offset);
    const b = Math.min(to, segment.offset + segment.length);
    if (a < b) {
      const bytes = await readStored(packed + (a - segment.offset), b - a);
      out.set(bytes.subarray(0, b - a), a - from);
    }
    packed += segment.length;
    if (segment.offset >= to) break;
  }
  return out;
}
