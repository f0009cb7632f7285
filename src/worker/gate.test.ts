import { describe, expect, it, vi } from 'vitest';
import { bytesSource } from '../core/bytes.ts';
import { Gate, Holds } from './gate.ts';

/** Takes chunks from `chunks` in the background; says how many it has so far. */
function taking(chunks: AsyncIterable<Uint8Array>) {
  let taken = 0;
  const done = (async () => {
    for await (const _ of chunks) taken++;
  })();
  return { taken: () => taken, done };
}

describe('the pause of background reading', () => {
  it('holds chunks while paused and lets them through once resumed', async () => {
    const gate = new Gate();
    const source = gate.source(bytesSource(new Uint8Array(10 << 10), 1 << 10));
    gate.pause();
    const reader = taking(source.read(0));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(reader.taken()).toBe(0);
    gate.resume();
    await reader.done;
    expect(reader.taken()).toBe(10);
  });

  it('ends a pause by itself when the word to go on never comes', async () => {
    vi.useFakeTimers();
    try {
      const gate = new Gate();
      gate.pause();
      const reader = taking(gate.through(bytesSource(new Uint8Array(4096), 1024).read(0)));
      await vi.advanceTimersByTimeAsync(9_000);
      expect(reader.taken()).toBe(0);
      await vi.advanceTimersByTimeAsync(2_000);
      await reader.done;
      expect(reader.taken()).toBe(4);
    } finally {
      vi.useRealTimers();
    }
  });

  it('passes every byte on unchanged, through `read` and `readReused` alike', async () => {
    const bytes = new Uint8Array(50_000).map((_, i) => i * 7);
    const inner = bytesSource(bytes, 4096);
    const gate = new Gate();
    const reused = {
      ...inner,
      readReused: (start: number, end?: number) => inner.read(start, end),
    };
    for (const source of [gate.source(inner), gate.source(reused)]) {
      const parts: number[] = [];
      for await (const chunk of source.read(100, 40_000)) parts.push(...chunk);
      expect(parts).toEqual([...bytes.subarray(100, 40_000)]);
    }
    expect(gate.source(reused).readReused).toBeDefined();
    expect(gate.source(inner).readReused).toBeUndefined();
  });
});

describe('holds on a gate in another thread', () => {
  it('pause it at the first, and let it go on when the last is let go, once each', () => {
    const told: boolean[] = [];
    const holds = new Holds((pause) => told.push(pause));
    const first = holds.take();
    const second = holds.take();
    first();
    first();
    expect([told, holds.held]).toEqual([[true], true]);
    second();
    expect([told, holds.held]).toEqual([[true, false], false]);
  });
});
