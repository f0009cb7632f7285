/**
 * Names from an image shown safely: React already renders them as text, never HTML; this also makes
 * invisible characters visible. Control characters and the bidirectional overrides that can make
 * `evil\u202Egnp.exe` read as `evilexe.png` are shown as escapes (`\x07`, `\u202E`).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters to show
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function displayName(name: string): string {
  return name.replace(INVISIBLE, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
  });
}
