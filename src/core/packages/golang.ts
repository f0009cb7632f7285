import type { Catalogued, FoundPackage } from './model.ts';

/**
 * The build information the Go linker embeds in every binary (Go's debug/buildinfo): a 32-byte
 * header starting "\xff Go buildinf:", 16-byte aligned, then either the Go version and module
 * list inline as length-prefixed strings (Go ≥ 1.18), or two pointers to Go string headers that
 * are resolved through the ELF file's loaded segments (older Go). The module list is lines of
 * `path`, `mod`, `dep` and `=>` (a replacement of the line before).
 */
const MAGIC = [0xff, ...new TextEncoder().encode(' Go buildinf:')];

export function isElf(bytes: Uint8Array): boolean {
  return bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

export function parseGoBinary(bytes: Uint8Array, source: string): Catalogued {
  const at = findMagic(bytes);
  if (at < 0) return { packages: [], problems: [] };
  try {
    const info = readBuildInfo(bytes, at);
    if (!info) return { packages: [], problems: [] };
    return { packages: modulesOf(info.version, info.modules, source), problems: [] };
  } catch (error) {
    return {
      packages: [],
      problems: [
        { path: source, message: `unreadable Go build information (${(error as Error).message})` },
      ],
    };
  }
}

function findMagic(bytes: Uint8Array): number {
  for (
    let i = bytes.indexOf(0xff);
    i >= 0 && i + 32 <= bytes.length;
    i = bytes.indexOf(0xff, i + 1)
  ) {
    if (i % 16 !== 0) continue;
    let match = true;
    for (let k = 1; k < MAGIC.length; k++)
      if (bytes[i + k] !== MAGIC[k]) {
        match = false;
        break;
      }
    if (match) return i;
  }
  return -1;
}

function readBuildInfo(bytes: Uint8Array, at: number): { version: string; modules: string } | null {
  const ptrSize = bytes[at + 14]!;
  const flags = bytes[at + 15]!;
  const decoder = new TextDecoder();
  if (flags & 2) {
    let p = at + 32;
    const next = () => {
      const [length, after] = uvarint(bytes, p);
      if (after + length > bytes.length) throw new Error('a string runs past the end');
      p = after + length;
      return decoder.decode(bytes.subarray(after, p));
    };
    const version = next();
    return { version, modules: stripSentinels(next()) };
  }
  if (ptrSize !== 4 && ptrSize !== 8) throw new Error(`pointer size ${ptrSize}`);
  const big = (flags & 1) !== 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ptr = (offset: number) =>
    ptrSize === 8 ? Number(view.getBigUint64(offset, !big)) : view.getUint32(offset, !big);
  const segments = elfSegments(bytes);
  const stringAt = (address: number) => {
    const header = fileOffset(segments, address, ptrSize * 2);
    const data = ptr(header);
    const length = ptr(header + ptrSize);
    if (length > 1 << 24) throw new Error('a string longer than 16 MiB');
    const start = fileOffset(segments, data, length);
    return decoder.decode(bytes.subarray(start, start + length));
  };
  const version = stringAt(ptr(at + 16));
  const modules = stripSentinels(stringAt(ptr(at + 16 + ptrSize)));
  return { version, modules };
}

function uvarint(bytes: Uint8Array, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (let i = at; i < bytes.length && shift < 35; i++) {
    const b = bytes[i]!;
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return [value, i + 1];
    shift += 7;
  }
  throw new Error('a bad length');
}

/** The module text is wrapped in 16-byte sentinels, the last of which follows a newline. */
function stripSentinels(text: string): string {
  if (text.length >= 33 && text[text.length - 17] === '\n') return text.slice(16, -16);
  return text;
}

interface Segment {
  vaddr: number;
  offset: number;
  size: number;
}

function elfSegments(bytes: Uint8Array): Segment[] {
  if (!isElf(bytes)) throw new Error('old-style build information outside an ELF file');
  const wide = bytes[4] === 2;
  const little = bytes[5] === 1;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const word = (at: number) =>
    wide ? Number(view.getBigUint64(at, little)) : view.getUint32(at, little);
  const phoff = word(wide ? 32 : 28);
  const phentsize = view.getUint16(wide ? 54 : 42, little);
  const phnum = view.getUint16(wide ? 56 : 44, little);
  const out: Segment[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (at + phentsize > bytes.length) break;
    if (view.getUint32(at, little) !== 1) continue;
    out.push(
      wide
        ? { offset: word(at + 8), vaddr: word(at + 16), size: word(at + 32) }
        : { offset: word(at + 4), vaddr: word(at + 8), size: word(at + 16) },
    );
  }
  return out;
}

function fileOffset(segments: Segment[], address: number, length: number): number {
  for (const s of segments)
    if (address >= s.vaddr && address + length <= s.vaddr + s.size) {
      return s.offset + (address - s.vaddr);
    }
  throw new Error(`address 0x${address.toString(16)} is in no loaded segment`);
}

function modulesOf(goVersion: string, text: string, source: string): FoundPackage[] {
  const packages: FoundPackage[] = [];
  const golang = (path: string, version: string): FoundPackage => ({
    type: 'golang',
    name: path,
    version,
    arch: null,
    license: null,
    source,
    files: [source],
  });
  for (const line of text.split('\n')) {
    const [kind, path, version] = line.split('\t');
    if (!path) continue;
    if (kind === 'mod') packages.push(golang(path, version === '(devel)' ? '' : (version ?? '')));
    else if (kind === 'dep') packages.push(golang(path, version ?? ''));
    else if (kind === '=>' && packages.length > 0) {
      const replaced = packages[packages.length - 1]!;
      packages[packages.length - 1] = golang(path, version ?? replaced.version);
    }
  }
  const v = /^go(\d+(\.\d+)*)/.exec(goVersion);
  if (v) packages.push(golang('stdlib', `v${v[1]}`));
  return packages;
}
