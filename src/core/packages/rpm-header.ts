import type { FoundPackage } from './model.ts';

/**
 * One rpm header blob as rpmdb stores it (rpm lib/header.c "hdrblob"): a big-endian index count and
 * data length, that many 16-byte index entries (tag, type, offset, count), then the data. Only the
 * tags a package listing needs are read; every offset is checked against the data.
 */
const TAG = {
  name: 1000,
  version: 1001,
  release: 1002,
  epoch: 1003,
  size: 1009,
  vendor: 1011,
  license: 1014,
  arch: 1022,
  fileSizes: 1028,
  fileModes: 1030,
  sourceRpm: 1044,
  dirIndexes: 1116,
  baseNames: 1117,
  dirNames: 1118,
  longFileSizes: 5008,
  oldFileNames: 1027,
} as const;

const TYPE = { int16: 3, int32: 4, int64: 5, string: 6, stringArray: 8, i18n: 9 } as const;

export class RpmHeaderError extends Error {}

interface Entry {
  type: number;
  offset: number;
  count: number;
}

export function parseRpmHeader(blob: Uint8Array, source: string): FoundPackage | null {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  if (blob.length < 8) throw new RpmHeaderError('a header shorter than 8 bytes');
  const il = view.getUint32(0);
  const dl = view.getUint32(4);
  const dataStart = 8 + il * 16;
  if (il > 0xffff || dataStart + dl > blob.length)
    throw new RpmHeaderError(
      `a header whose index (${il} entries) or data (${dl} bytes) overruns it`,
    );
  const entries = new Map<number, Entry>();
  for (let i = 0; i < il; i++) {
    const at = 8 + i * 16;
    entries.set(view.getInt32(at), {
      type: view.getUint32(at + 4),
      offset: view.getInt32(at + 8),
      count: view.getUint32(at + 12),
    });
  }
  const decoder = new TextDecoder();
  const strings = (tag: number): string[] => {
    const e = entries.get(tag);
    if (!e || (e.type !== TYPE.string && e.type !== TYPE.stringArray && e.type !== TYPE.i18n))
      return [];
    const out: string[] = [];
    let at = dataStart + e.offset;
    const end = dataStart + dl;
    const count = e.type === TYPE.string ? 1 : Math.min(e.count, dl);
    for (let i = 0; i < count; i++) {
      if (at < dataStart || at >= end)
        throw new RpmHeaderError(`tag ${tag} points outside the header`);
      const nul = blob.indexOf(0, at);
      if (nul < 0 || nul >= end) throw new RpmHeaderError(`tag ${tag} has an unterminated string`);
      out.push(decoder.decode(blob.subarray(at, nul)));
      at = nul + 1;
    }
    return out;
  };
  const numbers = (tag: number): number[] => {
    const e = entries.get(tag);
    if (!e) return [];
    const width =
      e.type === TYPE.int16 ? 2 : e.type === TYPE.int32 ? 4 : e.type === TYPE.int64 ? 8 : 0;
    if (width === 0) return [];
    const start = dataStart + e.offset;
    if (e.offset < 0 || start + width * e.count > dataStart + dl)
      throw new RpmHeaderError(`tag ${tag} points outside the header`);
    const out: number[] = [];
    for (let i = 0; i < e.count; i++) {
      const at = start + i * width;
      out.push(
        width === 2
          ? view.getUint16(at)
          : width === 4
            ? view.getUint32(at)
            : Number(view.getBigUint64(at)),
      );
    }
    return out;
  };
  const one = (tag: number) => {
    const s = strings(tag)[0];
    return s === undefined || s === '(none)' ? null : s;
  };
  const name = one(TAG.name);
  if (!name) return null;
  const epoch = numbers(TAG.epoch)[0];
  const version = one(TAG.version) ?? '';
  const release = one(TAG.release);
  const full = `${epoch !== undefined ? `${epoch}:` : ''}${version}${release ? `-${release}` : ''}`;
  const files = fileNames(strings, numbers);
  const sourceRpm = one(TAG.sourceRpm);
  const qualifiers: Record<string, string> = {};
  if (epoch !== undefined) qualifiers.epoch = String(epoch);
  if (sourceRpm) qualifiers.upstream = sourceRpm;
  return {
    type: 'rpm',
    name,
    version: full,
    arch: one(TAG.arch),
    license: one(TAG.license),
    qualifiers,
    source,
    files,
  };
}

/** rpm ≥ 4.0 stores names as folder list + base names + folder index; older ones whole paths. */
function fileNames(
  strings: (tag: number) => string[],
  numbers: (tag: number) => number[],
): string[] {
  const bases = strings(TAG.baseNames);
  if (bases.length === 0) return strings(TAG.oldFileNames);
  const dirs = strings(TAG.dirNames);
  const index = numbers(TAG.dirIndexes);
  return bases.map((base, i) => `${dirs[index[i] ?? -1] ?? ''}${base}`);
}
