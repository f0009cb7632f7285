import { describe, expect, it } from 'vitest';
import { letGo, lettingGo } from './let-go.ts';

async function* fresh(count: number, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < count; i++) yield new Uint8Array(size).fill(i + 1);
}

describe('letting go of chunks read', () => {
  it('frees a chunk once the reader has taken the bytes held back after it, and not before', async () => {
    const handed: Uint8Array[] = [];
    for await (const chunk of lettingGo(fresh(10, 1000), 3000)) {
      // The last three thousand bytes handed out are whole and hold what was made.
      for (const [k, c] of handed.slice(-3).entries())
        expect(c[0]).toBe(handed.length - Math.min(3, handed.length) + k + 1);
      handed.push(chunk);
    }
    expect(handed.map((c) => c.length)).toEqual([0, 0, 0, 0, 0, 0, 0, 1000, 1000, 1000]);
  });

  it('leaves a view of a larger buffer alone, and an empty chunk', () => {
    const buffer = new Uint8Array(100);
    letGo(buffer.subarray(10, 20));
    letGo(buffer.subarray(0, 50));
    expect(buffer.length).toBe(100);
    letGo(new Uint8Array(0));
    letGo(buffer);
    expect(buffer.length).toBe(0);
  });
});
