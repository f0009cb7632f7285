import { describe, expect, it } from 'vitest';
import { climbsAboveRoot, normalise } from '../paths.ts';
import { Marker, markerOf } from './entries.ts';
import { type NameRange, plainName } from './name-bytes.ts';

const encoder = new TextEncoder();

/** A name from `seed`: parts from a list meant to meet every rule, leading and trailing marks. */
function nameFrom(seed: number): string {
  let x = seed;
  const next = (n: number) => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return (x >>> 8) % n;
  };
  const parts = [
    'usr',
    'a',
    '.',
    '..',
    '',
    '.wh.x',
    '.wh..wh..opq',
    'é',
    'b.wh.c',
    '...',
    '.hidden',
    'x..y',
    '.wh',
    'wh.',
    'lib64',
  ];
  const lead = ['', '', './', '/', './/', '././', '/./', '.'][next(8)]!;
  const trail = ['', '', '/', '//', '/.'][next(5)]!;
  const body = Array.from({ length: 1 + next(5) }, () => parts[next(parts.length)]!).join('/');
  return lead + body + trail;
}

describe('names taken from their bytes', () => {
  it('give what normalise gives, at the same depth and last slash, with no marker, whenever taken so', () => {
    const out: NameRange = { from: 0, to: 0, depth: 0, slash: -1 };
    let taken = 0;
    for (let seed = 1; seed <= 20_000; seed++) {
      const name = nameFrom(seed);
      const bytes = encoder.encode(name);
      if (!plainName(bytes, out)) continue;
      taken++;
      const path = String.fromCharCode(...bytes.subarray(out.from, out.to));
      expect(path, name).toBe(normalise(name));
      expect(path).not.toBe('');
      expect(out.depth, name).toBe(path.split('/').length);
      expect(out.slash - out.from, name).toBe(path.lastIndexOf('/'));
      expect(markerOf(path), name).toBe(Marker.None);
      expect(path.includes('.wh.'), name).toBe(false);
      expect(climbsAboveRoot(name), name).toBe(false);
    }
    // Both ways are met: the property is not checked on an empty set.
    expect(taken).toBeGreaterThan(2_000);
    expect(taken).toBeLessThan(20_000);
  });

  it('take the usual forms of a layer name, and leave the rest to the general way', () => {
    const out: NameRange = { from: 0, to: 0, depth: 0, slash: -1 };
    const taken = (name: string) => plainName(encoder.encode(name), out);
    for (const name of ['usr', 'usr/bin/', './usr/bin/env', '/etc/passwd', '././a/b', 'a.wh/b'])
      expect(taken(name), name).toBe(true);
    for (const name of [
      '',
      './',
      '/',
      'a//b',
      'a/./b',
      'a/../b',
      '../a',
      'é',
      'a/.wh.b',
      '.wh..wh..opq',
    ])
      expect(taken(name), name).toBe(false);
    expect(taken('./usr/lib/x.so/')).toBe(true);
    expect(out).toEqual({ from: 2, to: 14, depth: 3, slash: 9 });
    expect(taken('/usr')).toBe(true);
    expect(out).toEqual({ from: 1, to: 4, depth: 1, slash: 0 });
  });
});
