import { concatBytes } from '../core/bytes.ts';
import { encodeHeader, encodePax, TYPEFLAGS, tarPadding } from '../core/tar/encode.ts';

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

const encoder = new TextEncoder();

export function bytesOf(data: Uint8Array | string | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  return typeof data === 'string' ? encoder.encode(data) : data;
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
        encodeHeader({
          ...base,
          gnuMagic: true,
          name: '././@LongLink',
          typeflag: flag,
          size: body.length,
          linkname: '',
        }),
        body,
        tarPadding(body.length),
      );
    }
  } else {
    if (nameBytes > 100) pax.path = input.name;
    if (linkBytes > 100) pax.linkpath = linkname;
  }
  if (Object.keys(pax).length > 0) {
    const body = encodePax(pax);
    parts.push(
      encodeHeader({
        ...base,
        name: `PaxHeaders/${input.name.slice(-80)}`,
        typeflag: 'x',
        size: body.length,
        linkname: '',
      }),
      body,
      tarPadding(body.length),
    );
  }
  const size = kind === 'file' ? data.length : 0;
  parts.push(
    encodeHeader({
      ...base,
      gnuMagic: input.longName === 'gnu',
      name: input.name,
      typeflag: TYPEFLAGS[kind],
      size: input.sizeField ?? size,
      linkname,
    }),
  );
  if (size > 0) parts.push(data, tarPadding(size));
  return parts;
}

/** A whole archive: the entries, then the two zero blocks that end it. */
export function writeTar(entries: TarInput[]): Uint8Array {
  const parts = entries.flatMap(tarEntry);
  parts.push(new Uint8Array(1024));
  return concatBytes(parts);
}
