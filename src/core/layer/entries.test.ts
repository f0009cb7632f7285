import { createXXHash64 } from 'hash-wasm';
import { describe, expect, it } from 'vitest';
import { plainMeta } from '../tar/encode.ts';
import { LayerEntries, type LayerEntry, Marker, PENDING_HASH } from './entries.ts';

const entry = (path: string, contentHash: string): LayerEntry => ({
  ...plainMeta(path, 'file', 1),
  marker: Marker.None,
  xattrs: undefined,
  dataOffset: 512,
  contentHash,
});

describe('a layer’s entries', () => {
  it('give back each content hash as it was pushed or set, through growth', () => {
    const hashes = ['', PENDING_HASH, '0000000000000000', '00ab00cdffffffff', 'ef46db3751d8e999'];
    const entries = new LayerEntries(2);
    for (let i = 0; i < 300; i++) entries.push(entry(`f${i}`, hashes[i % hashes.length]!));
    for (let i = 0; i < 300; i++) expect(entries.hash(i)).toBe(hashes[i % hashes.length]);
    expect(entries.hashPending(1)).toBe(true);
    expect(entries.hashPending(2)).toBe(false);
    entries.setHash(1, '8000000000000001');
    expect(entries.get(1).contentHash).toBe('8000000000000001');
    expect(entries.hashPending(1)).toBe(false);
  });

  it('read a digest set as bytes as the hasher writes it in hex', async () => {
    const hasher = await createXXHash64();
    const entries = new LayerEntries(1);
    for (const text of ['', 'hello', 'a layer of a container image']) {
      hasher.init();
      hasher.update(text);
      const hex = hasher.digest('hex');
      hasher.init();
      hasher.update(text);
      const i = entries.push(entry(text, ''));
      entries.setDigest(i, hasher.digest('binary'));
      expect(entries.hash(i)).toBe(hex);
      expect(entries.sameHash(i, entries, entries.push(entry(`${text}-hex`, hex)))).toBe(true);
    }
  });

  it('keep every number exactly as its column widens for the first that does not fit', () => {
    const entries = new LayerEntries(4);
    const plain = { ...entry('a', ''), size: 7, mtime: 1_700_000_000, uid: 1000, gid: 1000 };
    const large = {
      ...entry('b', ''),
      size: 5 * 2 ** 30,
      dataOffset: 2 ** 33 + 512,
      mtime: 1_700_000_000.25,
      uid: 100_999,
      gid: 2 ** 40,
      mode: 0o104755,
    };
    const early = { ...entry('c', ''), mtime: -86_400, mode: 0o7777777 };
    for (let i = 0; i < 100; i++) entries.push({ ...plain, path: `a${i}` });
    entries.push(large);
    entries.push(early);
    entries.push({ ...plain, path: 'last' });
    const pick = (e: LayerEntry) => [e.size, e.dataOffset, e.mtime, e.uid, e.gid, e.mode];
    expect(pick(entries.get(0))).toEqual(pick(plain));
    expect(pick(entries.get(99))).toEqual(pick(plain));
    expect(pick(entries.get(100))).toEqual(pick(large));
    expect(pick(entries.get(101))).toEqual(pick(early));
    expect(pick(entries.get(102))).toEqual(pick(plain));
  });

  it('keep an owner or time every entry shares as one value, and each value once one differs', () => {
    const entries = new LayerEntries(4);
    const shared = { uid: 1000, gid: 1000, mtime: 1_700_000_000, uname: 'app', gname: 'app' };
    for (let i = 0; i < 300; i++) entries.push({ ...entry(`f${i}`, ''), ...shared });
    const columns = entries as unknown as Record<'uids' | 'gids' | 'mtimes' | 'owners', unknown>;
    expect([columns.uids, columns.gids, columns.mtimes, typeof columns.owners]).toEqual([
      1000,
      1000,
      1_700_000_000,
      'number',
    ]);
    entries.push({ ...entry('other', ''), ...shared, uid: 0, mtime: 5, uname: 'root' });
    entries.push({ ...entry('last', ''), ...shared });
    const pick = (e: LayerEntry) => [e.uid, e.gid, e.mtime, e.uname, e.gname];
    expect(pick(entries.get(0))).toEqual([1000, 1000, 1_700_000_000, 'app', 'app']);
    expect(pick(entries.get(299))).toEqual([1000, 1000, 1_700_000_000, 'app', 'app']);
    expect(pick(entries.get(300))).toEqual([0, 1000, 5, 'root', 'app']);
    expect(pick(entries.get(301))).toEqual([1000, 1000, 1_700_000_000, 'app', 'app']);
    expect(typeof columns.gids).toBe('number');
    expect(typeof columns.uids).toBe('object');
  });

  it('move to another thread whole, trimmed to what they hold, and can grow again there', () => {
    const entries = new LayerEntries();
    const big = { ...entry('big', '00ab00cdffffffff'), size: 5 * 2 ** 30 };
    for (let i = 0; i < 300; i++) entries.push({ ...entry(`dir/f${i}`, ''), mtime: i });
    entries.push(big);
    entries.push({ ...entry('dir/ünïcode', PENDING_HASH), linkTarget: 'dir/f1' });
    const before = Array.from({ length: entries.length }, (_, i) => entries.get(i));
    const transfer = entries.handOver();
    const moved = LayerEntries.revive(structuredClone(entries, { transfer }));
    // Moved, not copied: the sender's buffers are gone, and only the entries' bytes went.
    expect(transfer.every((buffer) => buffer.byteLength === 0)).toBe(true);
    const sizes = (moved as unknown as { sizes: Float64Array }).sizes;
    expect(sizes.length).toBe(302);
    expect(Array.from({ length: moved.length }, (_, i) => moved.get(i))).toEqual(before);
    moved.push(entry('after', 'ef46db3751d8e999'));
    expect(moved.get(302).path).toBe('after');
    expect(moved.hash(302)).toBe('ef46db3751d8e999');
    expect(moved.get(300)).toEqual(before[300]);
  });

  it('grow again after being trimmed empty', () => {
    const entries = new LayerEntries();
    entries.handOver();
    entries.push(entry('a', ''));
    entries.push(entry('b', ''));
    expect([entries.get(0).path, entries.get(1).path]).toEqual(['a', 'b']);
    expect([entries.size(0), entries.size(1)]).toEqual([1, 1]);
  });
});
