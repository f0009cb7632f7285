import type { EntryKind } from './header.ts';

/**
 * Writing tar: one ustar header block, PAX records, padding. Used to write exports (a layer's
 * filesystem as a tar) and by the test support writer. Field layout as in header.ts.
 */
export const TYPEFLAGS: Record<EntryKind, string> = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  char: '3',
  block: '4',
  dir: '5',
  fifo: '6',
};

const encoder = new TextEncoder();

function writeString(block: Uint8Array, offset: number, length: number, text: string): void {
  block.set(encoder.encode(text).subarray(0, length), offset);
}

function writeOctal(block: Uint8Array, offset: number, length: number, value: number): void {
  writeString(block, offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
}

function writeBase256(block: Uint8Array, offset: number, length: number, value: number): void {
  let v = value;
  for (let i = offset + length - 1; i > offset; i--) {
    block[i] = v % 256;
    v = Math.floor(v / 256);
  }
  block[offset] = 0x80;
}

/** What one header block holds: an entry's metadata under the names and encodings of the format. */
export interface HeaderFields extends Omit<EntryMeta, 'path' | 'kind' | 'linkTarget'> {
  name: string;
  typeflag: string;
  linkname: string;
  base256Size: boolean;
  gnuMagic: boolean;
}

export function encodeHeader(f: HeaderFields): Uint8Array {
  const block = new Uint8Array(512);
  writeString(block, 0, 100, f.name);
  writeOctal(block, 100, 8, f.mode);
  writeOctal(block, 108, 8, f.uid);
  writeOctal(block, 116, 8, f.gid);
  if (f.base256Size || f.size > 0o77777777777) writeBase256(block, 124, 12, f.size);
  else writeOctal(block, 124, 12, f.size);
  writeOctal(block, 136, 12, Math.floor(f.mtime));
  block.fill(0x20, 148, 156);
  writeString(block, 156, 1, f.typeflag);
  writeString(block, 157, 100, f.linkname);
  if (f.gnuMagic) writeString(block, 257, 8, 'ustar  \0');
  else writeString(block, 257, 8, 'ustar\u000000');
  writeString(block, 265, 32, f.uname);
  writeString(block, 297, 32, f.gname);
  writeOctal(block, 329, 8, f.devmajor);
  writeOctal(block, 337, 8, f.devminor);
  let sum = 0;
  for (const b of block) sum += b;
  writeString(block, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return block;
}

export function encodePax(records: Record<string, string>): Uint8Array {
  let text = '';
  for (const [key, value] of Object.entries(records)) {
    const rest = ` ${key}=${value}\n`;
    const restBytes = encoder.encode(rest).length;
    let length = restBytes + 1;
    while (String(length).length + restBytes !== length) length = String(length).length + restBytes;
    text += `${length}${rest}`;
  }
  return encoder.encode(text);
}

export function tarPadding(size: number): Uint8Array {
  return new Uint8Array((512 - (size % 512)) % 512);
}

export interface EntryMeta {
  path: string;
  kind: EntryKind;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  mtime: number;
  linkTarget: string;
  devmajor: number;
  devminor: number;
}

/** Metadata for an entry no archive described (a folder implied by a path, a file of a folder). */
export function plainMeta(path: string, kind: EntryKind, size = 0): EntryMeta {
  return {
    path,
    kind,
    size,
    mode: kind === 'dir' ? 0o755 : 0o644,
    uid: 0,
    gid: 0,
    uname: '',
    gname: '',
    mtime: 0,
    linkTarget: '',
    devmajor: 0,
    devminor: 0,
  };
}

const fitsUstar = (text: string, bytes: number) => encoder.encode(text).length <= bytes;

/**
 * The header blocks of one entry: a PAX header first when a name is long, a number too large for
 * octal, or the mtime fractional (POSIX pax, as GNU tar --format=posix writes), then the ustar one.
 */
export function entryHeader(meta: EntryMeta): Uint8Array {
  const name = meta.kind === 'dir' ? `${meta.path}/` : meta.path;
  const pax: Record<string, string> = {};
  if (!fitsUstar(name, 100)) pax.path = name;
  if (!fitsUstar(meta.linkTarget, 100)) pax.linkpath = meta.linkTarget;
  if (meta.uid > 0o7777777) pax.uid = String(meta.uid);
  if (meta.gid > 0o7777777) pax.gid = String(meta.gid);
  if (!Number.isInteger(meta.mtime) || meta.mtime < 0) pax.mtime = String(meta.mtime);
  const fields = {
    typeflag: TYPEFLAGS[meta.kind],
    size: meta.kind === 'file' ? meta.size : 0,
    mode: meta.mode & 0o7777,
    uid: Math.min(meta.uid, 0o7777777),
    gid: Math.min(meta.gid, 0o7777777),
    uname: meta.uname,
    gname: meta.gname,
    mtime: Math.max(0, Math.floor(meta.mtime)),
    devmajor: meta.devmajor,
    devminor: meta.devminor,
    base256Size: false,
    gnuMagic: false,
  };
  const blocks: Uint8Array[] = [];
  if (Object.keys(pax).length > 0) {
    const body = encodePax(pax);
    blocks.push(
      encodeHeader({
        ...fields,
        name: 'PaxHeader',
        typeflag: 'x',
        size: body.length,
        linkname: '',
      }),
      body,
      tarPadding(body.length),
    );
  }
  blocks.push(
    encodeHeader({ ...fields, name: name.slice(0, 100), linkname: meta.linkTarget.slice(0, 100) }),
  );
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}
