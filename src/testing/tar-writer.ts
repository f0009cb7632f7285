/**
 * A small deterministic tar writer for the sample image and for synthetic test archives: ustar
 * headers, PAX records (long names, xattrs, any key), GNU long names, base-256 numbers, every
 * entry kind. Test support only; the app never writes tar through this.
 */
export type TarKind = 'file' | 'hardlink' | 'symlink' | 'char' | 'block' | 'dir' | 'fifo';

export interface TarInput {
  name: string;
  kind?: TarKind;
  data?: Uint8Array | string;
  mode?: number;
  uid?: number;
  gid?: number;
  uname?: string;
  gname?: string;
  mtime?: number;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  /** Extra PAX records for this entry (e.g. `SCHILY.xattr.security.capability`). */
  pax?: Record<string, string>;
  /** How a name longer than 100 bytes is stored: PAX `path` (default) or a GNU `L` entry. */
  longName?: 'pax' | 'gnu';
  /** Write the size field in base-256 even when octal would fit. */
  base256Size?: boolean;
  /** Override the stored size field (for hostile archives). */
  sizeField?: number;
}

const TYPEFLAG: Record<TarKind, string> = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  char: '3',
  block: '4',
  dir: '5',
  fifo: '6',
};

const encoder = new TextEncoder();

export function bytesOf(data: Uint8Array | string | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  return typeof data === 'string' ? encoder.encode(data) : data;
}

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

interface HeaderFields {
  name: string;
  typeflag: string;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  mtime: number;
  linkname: string;
  devmajor: number;
  devminor: number;
  base256Size: boolean;
  gnuMagic: boolean;
}

function header(f: HeaderFields): Uint8Array {
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

function paxBody(records: Record<string, string>): Uint8Array {
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

function padding(size: number): Uint8Array {
  return new Uint8Array((512 - (size % 512)) % 512);
}

/** The blocks for one entry, extension headers included. */
export function tarEntry(input: TarInput): Uint8Array[] {
  const data = bytesOf(input.data);
  const kind = input.kind ?? 'file';
  const base = {
    mode: input.mode ?? (kind === 'dir' ? 0o755 : 0o644),
    uid: input.uid ?? 0,
    gid: input.gid ?? 0,
    uname: input.uname ?? '',
    gname: input.gname ?? '',
    mtime: input.mtime ?? 0,
    devmajor: input.devmajor ?? 0,
    devminor: input.devminor ?? 0,
    base256Size: input.base256Size ?? false,
    gnuMagic: false,
  };
  const parts: Uint8Array[] = [];
  const pax: Record<string, string> = { ...input.pax };
  const linkname = input.linkname ?? '';
  const nameBytes = encoder.encode(input.name).length;
  const linkBytes = encoder.encode(linkname).length;
  if (input.longName === 'gnu') {
    for (const [flag, text, bytes] of [
      ['L', input.name, nameBytes],
      ['K', linkname, linkBytes],
    ] as const) {
      if (bytes <= 100) continue;
      const body = encoder.encode(`${text}\0`);
      parts.push(
        header({
          ...base,
          gnuMagic: true,
          name: '././@LongLink',
          typeflag: flag,
          size: body.length,
          linkname: '',
        }),
        body,
        padding(body.length),
      );
    }
  } else {
    if (nameBytes > 100) pax.path = input.name;
    if (linkBytes > 100) pax.linkpath = linkname;
  }
  if (Object.keys(pax).length > 0) {
    const body = paxBody(pax);
    parts.push(
      header({
        ...base,
        name: `PaxHeaders/${input.name.slice(-80)}`,
        typeflag: 'x',
        size: body.length,
        linkname: '',
      }),
      body,
      padding(body.length),
    );
  }
  const size = kind === 'file' ? data.length : 0;
  parts.push(
    header({
      ...base,
      gnuMagic: input.longName === 'gnu',
      name: input.name,
      typeflag: TYPEFLAG[kind],
      size: input.sizeField ?? size,
      linkname,
    }),
  );
  if (size > 0) parts.push(data, padding(size));
  return parts;
}

/** A whole archive: the entries, then the two zero blocks that end it. */
export function writeTar(entries: TarInput[]): Uint8Array {
  const parts = entries.flatMap(tarEntry);
  parts.push(new Uint8Array(1024));
  return concatBytes(parts);
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
