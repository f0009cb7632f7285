import { describe, expect, it } from 'vitest';
import { hashText, PackedText } from './packed-text.ts';

const texts = [
  'usr/bin/ls',
  '',
  'café/naïve',
  'emoji/🐳',
  'half/\ud800x',
  'ctl/a\u0007b\u0080\u009f\u00ff',
  'x'.repeat(5000),
  'a',
];

describe('packed text', () => {
  it('gives back every string exactly, ASCII or not, across its growth', () => {
    const packed = new PackedText();
    for (let round = 0; round < 200; round++) for (const t of texts) packed.push(`${t}${round}`);
    expect(packed.length).toBe(200 * texts.length);
    for (let round = 0; round < 200; round += 37)
      texts.forEach((t, k) => {
        const i = round * texts.length + k;
        const text = `${t}${round}`;
        expect(packed.at(i)).toBe(text);
        expect(packed.equals(i, text)).toBe(true);
        expect(packed.equals(i, `${text}!`)).toBe(false);
        expect(packed.equals(i, `>${text}<`, 1, text.length + 1)).toBe(true);
      });
  });

  it('keeps a part of a string when given where it starts and ends', () => {
    const packed = new PackedText();
    packed.push('usr/lib/x', 4, 7);
    packed.push('a/é/b', 2, 3);
    expect([packed.at(0), packed.at(1)]).toEqual(['lib', 'é']);
    expect(packed.equals(0, 'lib')).toBe(true);
    expect(packed.equals(0, 'li')).toBe(false);
    expect(packed.equals(1, 'e')).toBe(false);
  });

  it('reads paths in place: slashes, lengths, bytes, hashes, names compared and copied', () => {
    const paths = ['usr/lib/libc.so', 'usr/lib/libm.so', 'usr/libx/a', 'opt/é/x', 'top'];
    const packed = new PackedText();
    for (const p of paths) packed.push(p);
    paths.forEach((p, i) => {
      expect(packed.textLength(i)).toBe(p.length);
      expect(packed.nextSlash(i, 1)).toBe(p.indexOf('/', 1));
      for (const from of [0, 2, p.length])
        expect(packed.hash(7, i, from)).toBe(hashText(7, p, from, p.length));
      expect(packed.hash(7, i, 0, 2)).toBe(hashText(7, p, 0, 2));
    });
    const bytes = new TextEncoder().encode('/usr/lib/libc.so/opt/é/x');
    expect(packed.equalsBytes(0, bytes, 1, 16)).toBe(true);
    expect(packed.equalsBytes(0, bytes, 1, 15)).toBe(false);
    expect(packed.equalsBytes(1, bytes, 1, 16)).toBe(false);
    // Text kept as a string is never said to be bytes (its holder looks it up as text).
    expect(packed.equalsBytes(3, bytes, 17, bytes.length)).toBe(false);

    const names = new PackedText();
    const copied = [0, 3].map((i) => names.pushPart(packed, i, paths[i]!.lastIndexOf('/') + 1));
    expect(copied.map((n) => names.at(n))).toEqual(['libc.so', 'x']);
    expect(names.equalsPart(copied[0]!, packed, 0, 8)).toBe(true);
    expect(names.equalsPart(copied[0]!, packed, 1, 8)).toBe(false);
    expect(names.equalsPart(copied[1]!, packed, 3, 6)).toBe(true);
    // A part that ends early: "usr" of 'usr/lib/libc.so' against a name "usr".
    const usr = names.push('usr');
    expect(names.equalsPart(usr, packed, 0, 0, 3)).toBe(true);
    expect(names.equalsPart(usr, packed, 0, 0, 7)).toBe(false);
    const wide = names.push('é');
    expect(names.equalsPart(wide, packed, 3, 4, 5)).toBe(true);
  });

  it('joins the strings from any index on, with where each ends', () => {
    for (const list of [
      ['a', 'bc', '', 'def'],
      ['a', 'bç', '', '🐳f'],
    ]) {
      const packed = new PackedText();
      for (const t of list) packed.push(t);
      for (const from of [0, 1, 3, 4]) {
        const { text, ends } = packed.joined(from);
        const rest = list.slice(from);
        expect(text).toBe(rest.join(''));
        let end = 0;
        expect(Array.from(ends)).toEqual(rest.map((t) => (end += t.length)));
      }
    }
  });

  it('keeps its methods after crossing between workers (a structured clone)', () => {
    const packed = new PackedText();
    for (const t of texts) packed.push(t);
    const copy = PackedText.revive(structuredClone(packed));
    texts.forEach((t, i) => {
      expect(copy.at(i)).toBe(t);
    });
  });

  it('grows once for what was reserved, keeping what it held', () => {
    const packed = new PackedText();
    packed.push('before');
    packed.reserve(1000, 10_000);
    const inside = packed as unknown as { bytes: Uint8Array; ends: Uint32Array };
    const [bytes, ends] = [inside.bytes, inside.ends];
    for (let i = 0; i < 1000; i++) packed.push(`name-${String(i).padStart(4, '0')}`);
    expect(inside.bytes).toBe(bytes);
    expect(inside.ends).toBe(ends);
    expect(packed.at(0)).toBe('before');
    expect(packed.at(1000)).toBe('name-0999');
    expect(packed.byteCount).toBe(6 + 1000 * 9);
  });
});
