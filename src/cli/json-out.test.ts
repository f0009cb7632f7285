import { describe, expect, it } from 'vitest';
import { analyzeReport } from '../core/report.ts';
import { fixtureBytes, readBytes } from '../testing/fixtures.ts';
import { jsonPieces } from './json-out.ts';

const pieces = (value: unknown) => [...jsonPieces(value)].join('');

describe('JSON written in pieces', () => {
  it('is exactly what JSON.stringify(value, null, 2) writes, for the edge cases', () => {
    for (const value of [
      null,
      0,
      -1.5e-7,
      'a "quoted" line\nwith ünïcode and \u2028',
      [],
      {},
      [[], {}, [[]], { a: {} }],
      { a: undefined, b: null, c: [undefined, 1, () => 1], d: { e: 'x' }, f: () => 1 },
      { date: new Date(0), nested: { list: [1, 'two', false, { deep: [3] }] } },
    ])
      expect(pieces(value)).toBe(JSON.stringify(value, null, 2));
  });

  it('is exactly JSON.stringify for a real analyze report', async () => {
    for (const name of ['dive__test-docker-image.tar', 'stereoscope__multiplatform_oci_dir.tar']) {
      const report = analyzeReport(await readBytes(fixtureBytes(name)));
      expect(pieces(report)).toBe(JSON.stringify(report, null, 2));
    }
  });

  it('gathers long runs of plain values into pieces of about 64 KiB, with the same text', () => {
    const paths = Array.from({ length: 20_000 }, (_, i) => `/data/d${i >> 10}/f${i}`);
    const value = { paths, mixed: [...paths.slice(0, 5_000), { at: 1 }, ...paths.slice(5_000)] };
    const list = [...jsonPieces(value)];
    expect(list.join('')).toBe(JSON.stringify(value, null, 2));
    expect(list.length).toBeLessThan(40);
    expect(Math.max(...list.map((p) => p.length))).toBeLessThan(70_000);
  });

  it('writes a list that names its items one at a time as the array its toJSON gives', () => {
    let named = 0;
    const lazy = {
      length: 3,
      at: (i: number) => {
        named++;
        return `/p${i}`;
      },
      toJSON: () => ['/p0', '/p1', '/p2'],
    };
    const value = { changes: { added: lazy, none: { ...lazy, length: 0, toJSON: () => [] } } };
    expect(pieces(value)).toBe(JSON.stringify(value, null, 2));
    expect(named).toBe(3);
  });
});
