import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildTable } from './codes.ts';

/**
 * The table as RFC 1951 3.2.2 defines it, slot by slot: each symbol's code, read lowest bit
 * first, names every slot whose low bits it matches.
 */
function reference(lengths: Uint8Array, count: number): Uint16Array {
  const max = Math.max(1, ...lengths.subarray(0, count));
  const entries = new Uint16Array(1 << max);
  const perLength = new Array<number>(16).fill(0);
  for (let i = 0; i < count; i++) if (lengths[i]) perLength[lengths[i]!]!++;
  const next = new Array<number>(16).fill(0);
  for (let l = 1, code = 0; l <= 15; l++) {
    code = (code + perLength[l - 1]!) << 1;
    next[l] = code;
  }
  for (let sym = 0; sym < count; sym++) {
    const l = lengths[sym]!;
    if (l === 0) continue;
    const code = next[l]!++;
    let reversed = 0;
    for (let i = 0; i < l; i++) reversed |= ((code >> (l - 1 - i)) & 1) << i;
    for (let k = reversed; k < entries.length; k += 1 << l) entries[k] = (sym << 4) | l;
  }
  return entries;
}

/**
 * Any lengths made to fit a prefix code (Kraft's sum at most 1, so incomplete codes too): the
 * shortest code is lengthened, or dropped at 15 bits, until they fit.
 */
function fitted(lengths: number[]): number[] {
  const out = [...lengths];
  const kraft = () => out.reduce((sum, l) => sum + (l ? 2 ** -l : 0), 0);
  while (kraft() > 1) {
    let shortest = -1;
    for (let i = 0; i < out.length; i++)
      if (out[i]! > 0 && (shortest < 0 || out[i]! < out[shortest]!)) shortest = i;
    out[shortest] = out[shortest]! === 15 ? 0 : out[shortest]! + 1;
  }
  return out;
}

describe('buildTable', () => {
  it('fills every slot as the code lengths define, complete codes or not', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 15 }), { minLength: 1, maxLength: 288 }).map(fitted),
        (lengths) => {
          const bytes = Uint8Array.from(lengths);
          expect([...buildTable(bytes, bytes.length).entries]).toEqual([
            ...reference(bytes, bytes.length),
          ]);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('builds in the room it is given, leaving no slot of an earlier table', () => {
    const room = new Uint16Array(1 << 15).fill(0xffff);
    const lengths = Uint8Array.from([2, 2, 3, 0, 3]);
    const table = buildTable(lengths, lengths.length, room);
    expect(table.entries.buffer).toBe(room.buffer);
    expect([...table.entries]).toEqual([...reference(lengths, lengths.length)]);
  });

  it('refuses an over-subscribed code', () => {
    expect(() => buildTable(Uint8Array.from([1, 1, 1]), 3)).toThrow('over-subscribed');
  });
});
