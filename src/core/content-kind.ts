/** What a file's first bytes say it is, for choosing a view. Never decided by the name. */
export type ContentKind = { kind: 'image'; mime: string } | { kind: 'text' } | { kind: 'binary' };

export function contentKind(head: Uint8Array): ContentKind {
  const [a, b, c, d] = head;
  if (a === 0x89 && b === 0x50 && c === 0x4e && d === 0x47)
    return { kind: 'image', mime: 'image/png' };
  if (a === 0xff && b === 0xd8 && c === 0xff) return { kind: 'image', mime: 'image/jpeg' };
  if (a === 0x47 && b === 0x49 && c === 0x46 && d === 0x38)
    return { kind: 'image', mime: 'image/gif' };
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP')
    return { kind: 'image', mime: 'image/webp' };
  const sample = head.subarray(0, 8192);
  if (sample.includes(0)) return { kind: 'binary' };
  let text: string;
  try {
    // A multi-byte character may be cut at the end of the sample: allow that one.
    text = new TextDecoder('utf-8', { fatal: true }).decode(trimPartial(sample));
  } catch {
    return { kind: 'binary' };
  }
  // SVG is shown as an image (an <img> never runs its scripts) and can be read as text too.
  if (/^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE svg[^>]*>\s*)?<svg[\s>]/i.test(text)) {
    return { kind: 'image', mime: 'image/svg+xml' };
  }
  return { kind: 'text' };
}

function ascii(bytes: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...bytes.subarray(from, to));
}

/** Drops an incomplete UTF-8 sequence at the end. */
export function trimPartial(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const byte = bytes[end - back]!;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte
    if (byte >= 0xc0) {
      const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      if (back < need) end -= back;
    }
    break;
  }
  return bytes.subarray(0, end);
}

/** Classic hex dump lines: offset, 16 bytes in hex, the printable ASCII. */
export function hexLines(bytes: Uint8Array, base: number): string[] {
  const lines: string[] = [];
  for (let at = 0; at < bytes.length; at += 16) {
    const row = bytes.subarray(at, at + 16);
    const hex = Array.from(row, (b) => b.toString(16).padStart(2, '0')).join(' ');
    const text = Array.from(row, (b) =>
      b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.',
    ).join('');
    lines.push(`${(base + at).toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${text}`);
  }
  return lines;
}
