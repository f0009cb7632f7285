import type { ChunkReader } from '../chunk-reader.ts';
import { StrataError } from '../errors.ts';
import { parseNumber, type SparseLayout } from './header.ts';
import { countRecord } from './pax.ts';

/**
 * Sparse files in tar: reading their maps (GNU tar's old format and PAX 0.0/0.1/1.0, as
 * golang archive/tar reads them) and reading their content back with the holes as zeros.
 */

/**
 * Bytes `[start, start + length)` of a sparse file as it really is: its stored segments where they
 * go, zeros in the holes between them (GNU tar "sparse" formats; the segments are stored one
 * after another in the entry's body). `readStored` reads the packed body.
 */
export async function readSparse(
  layout: SparseLayout,
  start: number,
  length: number,
  readStored: (storedStart: number, length: number) => Promise<Uint8Array>,
): Promise<Uint8Array> {
  const from = Math.max(0, Math.min(start, layout.realSize));
  const to = Math.min(layout.realSize, from + Math.max(0, length));
  const out = new Uint8Array(to - from); // holes stay zero
  let packed = 0;
  for (const segment of layout.segments) {
    const a = Math.max(from, segment.offset);
    const b = Math.min(to, segment.offset + segment.length);
    if (a < b) {
      const bytes = await readStored(packed + (a - segment.offset), b - a);
      out.set(bytes.subarray(0, b - a), a - from);
    }
    packed += segment.length;
    if (segment.offset >= to) break;
  }
  return out;
}

export function isPaxSparse(records: Map<string, string>): boolean {
  return (
    records.has('GNU.sparse.major') ||
    records.has('GNU.sparse.map') ||
    records.has('GNU.sparse.numblocks') ||
    records.has('GNU.sparse.realsize')
  );
}

/** At most this many segments in one sparse map: far more than any real file has. */
const MAX_SEGMENTS = 1 << 20;

function segmentsOf(numbers: number[], where: string): SparseLayout['segments'] {
  if (numbers.length % 2 !== 0 || numbers.length / 2 > MAX_SEGMENTS)
    throw new StrataError('bad-header', 'A sparse map has an odd or huge number of values.', where);
  const segments: SparseLayout['segments'] = [];
  let after = 0;
  for (let i = 0; i < numbers.length; i += 2) {
    const offset = numbers[i]!;
    const length = numbers[i + 1]!;
    if (offset < after)
      throw new StrataError(
        'bad-header',
        'A sparse map has overlapping or unordered segments.',
        where,
      );
    segments.push({ offset, length });
    after = offset + length;
  }
  return segments;
}

function checkedLayout(
  realSize: number,
  segments: SparseLayout['segments'],
  where: string,
): SparseLayout {
  const last = segments.at(-1);
  if (last && last.offset + last.length > realSize)
    throw new StrataError('bad-header', "A sparse map reaches past the file's real size.", where);
  return { realSize, segments };
}

/**
 * Old GNU sparse (typeflag S): four map slots in the header at 386, "isextended" at 482 and the
 * real size at 483; each extension block after the header holds 21 more slots and its own flag
 * at 504 (GNU tar's gnu_sparse_header; golang archive/tar readOldGNUSparseMap).
 */
export async function oldGnuSparse(
  reader: ChunkReader,
  block: Uint8Array,
  where: string,
): Promise<SparseLayout> {
  const numbers: number[] = [];
  const slots = (b: Uint8Array, start: number, count: number) => {
    for (let i = 0; i < count; i++) {
      const at = start + i * 24;
      if (b[at] === 0 && b[at + 12] === 0) break;
      const offset = parseNumber(b, at, 12);
      const length = parseNumber(b, at + 12, 12);
      if (
        !Number.isSafeInteger(offset) ||
        !Number.isSafeInteger(length) ||
        offset < 0 ||
        length < 0
      )
        throw new StrataError('bad-header', 'A sparse map holds an impossible number.', where);
      numbers.push(offset, length);
    }
  };
  slots(block, 386, 4);
  // Everything taken from the header before more blocks are read (they may reuse its memory).
  let extended = block[482] !== 0;
  const realSize = parseNumber(block, 483, 12);
  while (extended) {
    if (numbers.length / 2 > MAX_SEGMENTS)
      throw new StrataError('bad-header', 'A sparse map goes on without end.', where);
    const more = await reader.readExact(512, 'a sparse map');
    if (more === null)
      throw new StrataError(
        'truncated',
        'The file ends in a sparse map.',
        `at byte ${reader.offset}`,
      );
    slots(more, 0, 21);
    extended = more[504] !== 0;
  }
  if (!Number.isSafeInteger(realSize) || realSize < 0)
    throw new StrataError('bad-header', 'A sparse file gives an impossible real size.', where);
  return checkedLayout(realSize, segmentsOf(numbers, where), where);
}

/**
 * PAX sparse files as GNU tar writes them: 0.0 (repeated GNU.sparse.offset/numbytes records),
 * 0.1 (GNU.sparse.map "o,n,o,n"), 1.0 (GNU.sparse.major=1: the map as decimal lines at the start of
 * the body, padded to a block). Returns how many body bytes the map took.
 */
export async function paxSparse(
  reader: ChunkReader,
  records: Map<string, string>,
  pairs: string[],
  stored: number,
  where: string,
): Promise<{ sparse: SparseLayout; mapBytes: number }> {
  const count = (key: string) => countRecord(records, key, Number.NaN, where);
  const realSize = records.has('GNU.sparse.realsize')
    ? count('GNU.sparse.realsize')
    : count('GNU.sparse.size');
  if (Number.isNaN(realSize))
    throw new StrataError('bad-header', 'A PAX sparse file does not give its real size.', where);
  const decimal = (text: string) => {
    if (!/^[0-9]{1,16}$/.test(text))
      throw new StrataError(
        'bad-header',
        `A sparse map value "${text.slice(0, 40)}" is not a number.`,
        where,
      );
    return Number(text);
  };
  if (records.get('GNU.sparse.major') === '1') {
    // The map: "count\n" then "offset\nlength\n" per segment, in whole blocks.
    const numbers: number[] = [];
    let text = '';
    let mapBytes = 0;
    let wanted = -1;
    while (wanted < 0 || numbers.length < wanted * 2) {
      if (mapBytes + 512 > stored || mapBytes > 64 << 20)
        throw new StrataError(
          'bad-header',
          'A sparse map is longer than the data stored for it.',
          where,
        );
      const block = await reader.readExact(512, 'a sparse map');
      if (block === null)
        throw new StrataError(
          'truncated',
          'The file ends in a sparse map.',
          `at byte ${reader.offset}`,
        );
      mapBytes += 512;
      text += String.fromCharCode(...block);
      const lines = text.split('\n');
      text = lines.pop()!;
      for (const line of lines) {
        if (wanted < 0) {
          wanted = decimal(line);
          if (wanted > MAX_SEGMENTS)
            throw new StrataError('bad-header', 'A sparse map claims too many segments.', where);
        } else if (numbers.length < wanted * 2) numbers.push(decimal(line));
      }
    }
    return { sparse: checkedLayout(realSize, segmentsOf(numbers, where), where), mapBytes };
  }
  const map = records.get('GNU.sparse.map');
  const values = map === undefined ? pairs : map === '' ? [] : map.split(',');
  return {
    sparse: checkedLayout(realSize, segmentsOf(values.map(decimal), where), where),
    mapBytes: 0,
  };
}
