import { RpmHeaderError } from './rpm-header.ts';

/**
 * The header blobs of an rpm database, from its two file formats that need no library:
 *
 * - Berkeley DB hash (`var/lib/rpm/Packages`, RHEL ≤ 8, CentOS): page 0 is the hash metadata page
 *   (magic 0x061561, page size, last page number); hash pages (type 13, or 2 on old systems) hold
 *   key/value pairs whose values point (type 3, "off-page") to chains of overflow pages (type 7)
 *   that hold one header each. Layout as in libdb's db_page.h.
 * - NDB (`usr/lib/sysimage/rpm/Packages.db`, SUSE): a 32-byte header ("RpmP", slot page count),
 *   slot pages of 16-byte slots ("Slot", package index, block offset, block count); each blob at
 *   block offset × 16 starts with a 16-byte header ("BlbS", package index, checksum, length).
 *   Layout as in rpm's lib/backend/ndb/rpmpkg.c.
 *
 * Both are read with their own limits: a damaged database ends with an error naming what is wrong,
 * after the blobs read before it.
 */
const HASH_MAGIC = 0x061561;
const PAGE_HEADER = 26;

export function* berkeleyBlobs(db: Uint8Array): Generator<Uint8Array> {
  const view = new DataView(db.buffer, db.byteOffset, db.byteLength);
  if (db.length < 512) throw new RpmHeaderError('the database is shorter than one page');
  let little = true;
  if (view.getUint32(12, true) !== HASH_MAGIC) {
    if (view.getUint32(12, false) !== HASH_MAGIC)
      throw new RpmHeaderError('not a Berkeley DB hash database');
    little = false;
  }
  const u32 = (at: number) => view.getUint32(at, little);
  const u16 = (at: number) => view.getUint16(at, little);
  const pageSize = u32(20);
  if (![512, 1024, 2048, 4096, 8192, 16384, 32768, 65536].includes(pageSize))
    throw new RpmHeaderError(`unexpected page size ${pageSize}`);
  const lastPage = Math.min(u32(32), Math.floor(db.length / pageSize) - 1);
  for (let page = 1; page <= lastPage; page++) {
    const base = page * pageSize;
    const type = db[base + 25];
    if (type !== 13 && type !== 2) continue;
    const count = u16(base + 20);
    for (let i = 1; i < count; i += 2) {
      const at = base + PAGE_HEADER + i * 2;
      if (at + 2 > base + pageSize) break;
      const item = base + u16(at);
      if (item + 12 > db.length || db[item] !== 3) continue;
      yield overflowChain(db, u32, u16, pageSize, u32(item + 4), u32(item + 8));
    }
  }
}

function overflowChain(
  db: Uint8Array,
  u32: (at: number) => number,
  u16: (at: number) => number,
  pageSize: number,
  first: number,
  length: number,
): Uint8Array {
  const out = new Uint8Array(Math.min(length, db.length));
  let filled = 0;
  const seen = new Set<number>();
  for (let page = first; page !== 0 && filled < out.length; ) {
    if (seen.has(page) || (page + 1) * pageSize > db.length)
      throw new RpmHeaderError(`a broken overflow chain at page ${page}`);
    seen.add(page);
    const base = page * pageSize;
    if (db[base + 25] !== 7) throw new RpmHeaderError(`page ${page} is not an overflow page`);
    const next = u32(base + 16);
    const used = next === 0 ? u16(base + 22) : pageSize - PAGE_HEADER;
    const take = Math.min(used, out.length - filled, pageSize - PAGE_HEADER);
    out.set(db.subarray(base + PAGE_HEADER, base + PAGE_HEADER + take), filled);
    filled += take;
    page = next;
  }
  return out.subarray(0, filled);
}

const ascii = (s: string) =>
  s.charCodeAt(0) | (s.charCodeAt(1) << 8) | (s.charCodeAt(2) << 16) | (s.charCodeAt(3) << 24);

export function* ndbBlobs(db: Uint8Array): Generator<Uint8Array> {
  const view = new DataView(db.buffer, db.byteOffset, db.byteLength);
  if (db.length < 32 || view.getUint32(0, true) !== ascii('RpmP') >>> 0)
    throw new RpmHeaderError('not an rpm NDB database');
  const slotPages = view.getUint32(12, true);
  if (slotPages === 0 || slotPages > 2048) throw new RpmHeaderError(`${slotPages} slot pages`);
  const slots = slotPages * 256 - 2;
  for (let s = 0; s < slots; s++) {
    const at = 32 + s * 16;
    if (at + 16 > db.length) throw new RpmHeaderError('the slot pages are cut short');
    if (view.getUint32(at, true) !== ascii('Slot') >>> 0)
      throw new RpmHeaderError(`slot ${s} has a bad magic number`);
    const index = view.getUint32(at + 4, true);
    if (index === 0) continue;
    const blob = view.getUint32(at + 8, true) * 16;
    if (blob + 16 > db.length) throw new RpmHeaderError(`package ${index} lies past the end`);
    if (
      view.getUint32(blob, true) !== ascii('BlbS') >>> 0 ||
      view.getUint32(blob + 4, true) !== index
    )
      throw new RpmHeaderError(`package ${index} has a bad blob header`);
    const length = view.getUint32(blob + 12, true);
    if (blob + 16 + length > db.length) throw new RpmHeaderError(`package ${index} is cut short`);
    yield db.subarray(blob + 16, blob + 16 + length);
  }
}
