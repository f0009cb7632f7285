import { describe, expect, it } from 'vitest';
import { PackedText } from './packed-text.ts';

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
        expect(packed.textLength(i)).toBe(text.length);
        expect(packed.codeAt(i, text.length - 1)).toBe(text.charCodeAt(text.length - 1));
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
});
