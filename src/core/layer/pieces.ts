import { StrataError } from '../errors.ts';
import type { WalkBounds } from '../tar/reader.ts';
import type { LayerScan } from './scan.ts';

/**
 * A large plain layer read headers first is walked in pieces, one per core: each piece's walk
 * starts at a header found near its start (tar/resync.ts) and the walk of the piece before stops
 * at the first header group it reaches at or after that start (tar/reader.ts WalkBounds). The
 * guess is trusted only where the walk before arrives at a group the piece's walk also started
 * at: from there on the two walks read the same headers from the same state, so the piece's
 * entries are the layer's. Where it does not arrive at one (the guess was a header inside a body,
 * such as a tar file in the layer), the rest of the layer is walked again from where it stopped.
 */

/** Counters at each header group a piece's walk started, to join at any of them. */
const FIELDS = 6;
const OFFSET = 0;
const ENTRIES = 1;
const TAR_ENTRIES = 2;
const SIZE = 3;
const SKIPPED = 4;
const CLAMPED = 5;

/** Where each header group of a piece's walk starts, and what the walk had counted before it. */
export class GroupLog {
  values = new Float64Array(FIELDS * 1024);
  length = 0;

  add(
    offset: number,
    entries: number,
    tarEntries: number,
    size: number,
    skipped: number,
    clamped: number,
  ): void {
    if ((this.length + 1) * FIELDS > this.values.length) {
      const more = new Float64Array(this.values.length * 2);
      more.set(this.values);
      this.values = more;
    }
    const at = this.length++ * FIELDS;
    const v = this.values;
    v[at + OFFSET] = offset;
    v[at + ENTRIES] = entries;
    v[at + TAR_ENTRIES] = tarEntries;
    v[at + SIZE] = size;
    v[at + SKIPPED] = skipped;
    v[at + CLAMPED] = clamped;
  }

  /** The group that starts at `offset`, or -1 (offsets grow: a binary search). */
  find(offset: number): number {
    let low = 0;
    let high = this.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const here = this.values[mid * FIELDS + OFFSET]!;
      if (here === offset) return mid;
      if (here < offset) low = mid + 1;
      else high = mid - 1;
    }
    return -1;
  }

  count(group: number, field: number): number {
    return this.values[group * FIELDS + field]!;
  }

  /** A log that crossed between workers, given its methods again. */
  static revive(data: GroupLog): GroupLog {
    return Object.setPrototypeOf(data, GroupLog.prototype) as GroupLog;
  }
}

/** What walking one piece found. */
export interface PieceScan {
  scan: LayerScan;
  /** Where its walk started; undefined when no header was found in the piece. */
  start: number | undefined;
  /** Where its walk stopped for the next piece (WalkBounds.stoppedAt); undefined at the end. */
  stoppedAt: number | undefined;
  log: GroupLog;
}

/** How a piece's walk is bounded, and told to the scan (ScanOptions.piece). */
export interface PieceOptions {
  /** Where to look for its first header; with `trusted`, a header group known to start there. */
  from: number;
  trusted: boolean;
  bounds: WalkBounds;
  log: GroupLog;
  /** Told where the walk starts (undefined: no header found), before it walks. */
  onStart?: (at: number | undefined) => void;
}

/** Bounds for a walk with nowhere to stop yet, that logs its groups in `log`. */
export function pieceOptions(from: number, trusted: boolean): PieceOptions {
  const log = new GroupLog();
  return { from, trusted, log, bounds: { stopAt: Number.POSITIVE_INFINITY, onGroup: () => {} } };
}

/**
 * Joins `first` (a walk from a trusted start) with the pieces after it, in order: where a walk
 * stopped, the piece that started a group there goes on. The result stops (`stoppedAt`) where no
 * piece can go on: the layer is to be walked again from there (trusted) and joined. `entriesLeft`
 * is the archive's entry budget when the layer began, `limit` its whole (limits.entries).
 */
export function joinPieces(
  first: PieceScan,
  later: readonly PieceScan[],
  entriesLeft: number,
  limit: number,
): PieceScan {
  const joined = first.scan;
  let stoppedAt = first.stoppedAt;
  for (const piece of later) {
    if (stoppedAt === undefined) break;
    const group = piece.log.find(stoppedAt);
    if (group < 0) continue;
    const { log, scan } = piece;
    const from = log.count(group, ENTRIES);
    const room = Math.max(0, entriesLeft - joined.entries.length);
    const to = Math.min(scan.entries.length, from + room);
    joined.entries.appendFrom(scan.entries, from, to);
    joined.tarEntries += scan.tarEntries - log.count(group, TAR_ENTRIES);
    joined.size += scan.size - log.count(group, SIZE);
    joined.tarBytes = scan.tarBytes;
    joined.error = scan.error;
    const skipped = (scan.skipped?.count ?? 0) - log.count(group, SKIPPED);
    if (skipped > 0 && scan.skipped) {
      joined.skipped ??= { ...scan.skipped, count: 0 };
      joined.skipped.count += skipped;
    }
    const clamped = (scan.clamped?.count ?? 0) - log.count(group, CLAMPED);
    if (clamped > 0 && scan.clamped) {
      joined.clamped ??= { ...scan.clamped, count: 0 };
      joined.clamped.count += clamped;
    }
    stoppedAt = piece.stoppedAt;
    if (to < scan.entries.length) {
      // Past the archive's budget: the layer ends there, as a walk of it whole would.
      for (let i = to; i < scan.entries.length; i++) joined.size -= scan.entries.size(i);
      joined.error = new StrataError(
        'limit',
        `The archive has more than ${limit.toLocaleString('en')} entries in all its layers; the rest of this layer was not read.`,
      );
      stoppedAt = undefined;
      break;
    }
  }
  return { scan: joined, start: first.start, stoppedAt, log: new GroupLog() };
}
