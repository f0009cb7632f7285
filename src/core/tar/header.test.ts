import { describe, expect, it } from 'vitest';
import { tarEntry } from '../../testing/tar-writer.ts';
import { parseHeader } from './header.ts';

/** A header block of random bytes whose checksum field holds `sum`, at `offset` in a larger buffer. */
function block(seed: number, offset: number, checksum: (bytes: Uint8Array) => number): Uint8Array {
  const buffer = new Uint8Array(offset + 512);
  const bytes = buffer.subarray(offset, offset + 512);
  let x = seed;
  for (let i = 0; i < 512; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  bytes.fill(0x20, 148, 156);
  const field = `${checksum(bytes).toString(8).padStart(6, '0')}\0 `;
  for (let i = 0; i < 8; i++) bytes[148 + i] = field.charCodeAt(i);
  return bytes;
}

const unsignedSum = (bytes: Uint8Array) => bytes.reduce((sum, b) => sum + b, 0);
const signedSum = (bytes: Uint8Array) => bytes.reduce((sum, b) => sum + ((b << 24) >> 24), 0);

describe('the header checksum', () => {
  it('is accepted as unsigned or signed byte sums, wherever the block lies in memory', () => {
    for (let seed = 1; seed <= 200; seed++) {
      for (const offset of [0, 1, 2, 3, 512]) {
        expect(parseHeader(block(seed, offset, unsignedSum)).checksumOk).toBe(true);
        // A signed sum can be negative, which no writer can put in the field: those are left out.
        let sum = 0;
        const signed = block(seed, offset, (bytes) => (sum = signedSum(bytes)));
        if (sum >= 0) expect(parseHeader(signed).checksumOk, `seed ${seed}`).toBe(true);
      }
    }
  });

  it('is refused when any byte outside its field changes', () => {
    for (let seed = 1; seed <= 50; seed++) {
      for (const offset of [0, 3]) {
        for (const at of [0, 147, 156, 300, 511]) {
          const bytes = block(seed, offset, unsignedSum);
          bytes[at] = (bytes[at]! + 1) % 256;
          expect(parseHeader(bytes).checksumOk, `seed ${seed} at ${at}`).toBe(false);
        }
      }
    }
  });
});

describe('owner names', () => {
  it('are each header’s own, however the headers before it were owned', () => {
    const owners = [
      ['root', 'root'],
      ['app', 'staff'],
      ['root', 'root'],
      ['root', 'wheel'],
      ['', ''],
      ['root', 'root'],
      // A name that begins another, and names that fill their 32 bytes with no NUL.
      ['ro', 'root'],
      ['root', 'ro'],
      ['a'.repeat(32), 'b'.repeat(31)],
      ['a'.repeat(32), 'b'.repeat(32)],
      ['a'.repeat(31), 'b'.repeat(32)],
    ] as const;
    const seen = owners.map(([uname, gname]) => {
      const [header] = tarEntry({ name: 'f', uname, gname });
      const { uname: u, gname: g } = parseHeader(header!);
      return [u, g];
    });
    expect(seen).toEqual(owners.map((o) => [...o]));
  });
});
