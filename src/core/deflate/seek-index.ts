import { StrataError } from '../errors.ts';
import { nativeInflateRaw } from '../gunzip.ts';
import { type ZstdPlace, zstdDecode } from '../zstd.ts';
import type { NotedPlace } from './noted-places.ts';
import { resumedDeflate, WINDOW } from './resume.ts';
import type { DeflatePoint } from './skim.ts';
import { keptAround, SEEK_EVERY } from './windows.ts';

/** The key of a gzip-wrapped archive's own index (`docker save | gzip`): no blob path is empty. */
export const WHOLE_ARCHIVE = '';

/** What is known of one gzip layer's places to resume from. */
interface LayerIndex {
  /** Kept by the scan (windows.ts), every `every` bytes of output; none until it ends. */
  windows: readonly Uint8Array[];
  every: number;
  /** Found so far by the skimmer, in order. */
  points: DeflatePoint[];
  /**
   * Found from the end backwards (deflate/tail.ts), in order, until the skimmer's own cover
   * them; they are checked against the skimmer's as those arrive.
   */
  tail: DeflatePoint[];
  /** Output from which the places found from the end cover the layer (Infinity: none). */
  tailFrom: number;
  /** Where the deflate data ends: known once the skimmer is done; until then, before the trailer. */
  endBit: number;
  /** The skimmer is still at it; when it last said anything. */
  skimming: boolean;
  heardAt: number;
  /** The skimmer reached its end: every place is known. */
  whole: boolean;
}

/** A skimmer that says nothing for this long is taken to have stopped (waits end). */
const STALL_MS = 1000;

/**
 * The seek indexes of a session's gzip layers (zlib's zran idea, deflate/skim.ts): the scan keeps
 * the windows, a skimmer finds the places, and a read of a file deep in a layer decodes from the
 * place before it instead of from the layer's start. A layer's places serve as they come; a read
 * past the last one waits for the skimmer, which finds them faster than a decoder would get there.
 */
export class SeekIndexes {
  private readonly layers = new Map<string, LayerIndex>();
  /** zstd layers: the decoder as the scan left it now and then (zstd.ts), and the blob's size. */
  private readonly zstd = new Map<string, { places: readonly ZstdPlace[]; blobSize: number }>();
  /** gzip layers whose scan noted every place itself (noted-places.ts), and where their data ends. */
  private readonly noted = new Map<string, { places: readonly NotedPlace[]; endBit: number }>();
  private readonly waiters = new Set<() => void>();

  constructor(private readonly now: () => number = () => Date.now()) {}

  private layer(key: string): LayerIndex {
    let layer = this.layers.get(key);
    if (!layer) {
      layer = {
        windows: [],
        every: SEEK_EVERY,
        points: [],
        tail: [],
        tailFrom: Number.POSITIVE_INFINITY,
        endBit: 0,
        skimming: false,
        heardAt: 0,
        whole: false,
      };
      this.layers.set(key, layer);
    }
    return layer;
  }

  /** The windows a scan kept of layer `key`, a gzip blob of `blobSize` bytes. */
  windowsKept(key: string, windows: readonly Uint8Array[], every: number, blobSize: number): void {
    const layer = this.layer(key);
    layer.windows = windows;
    layer.every = every;
    // A single member's deflate data ends before its 8-byte trailer (RFC 1952 2.2).
    if (layer.endBit === 0) layer.endBit = (blobSize - 8) * 8;
    this.wake();
  }

  /** How many windows the scan kept of layer `key` (0: none, or not known yet). */
  windowsOf(key: string): number {
    return this.layers.get(key)?.windows.length ?? 0;
  }

  /** A skimmer has started on layer `key`, or will. */
  skimming(key: string): void {
    const layer = this.layer(key);
    layer.skimming = true;
    layer.heardAt = this.now();
  }

  /** More places of layer `key`, after those it has. */
  found(key: string, points: readonly DeflatePoint[]): void {
    const layer = this.layers.get(key);
    if (!layer) return;
    layer.points.push(...points);
    // A place found both ways must be the same place: if not, those found from the end go.
    for (const point of points) {
      const other = layer.tail[lastAtOrBefore(layer.tail, point.out)];
      if (other?.out === point.out && !samePlace(other, point)) {
        layer.tail = [];
        layer.tailFrom = Number.POSITIVE_INFINITY;
      }
    }
    layer.heardAt = this.now();
    this.wake();
  }

  /**
   * Places of layer `key` found from its end backwards (deflate/tail.ts): those of the segment
   * before the ones it has, which now cover the layer from output `from`; `endBit`, with the
   * first, where its deflate data ends.
   */
  tailFound(key: string, points: readonly DeflatePoint[], from: number, endBit?: number): void {
    const layer = this.layers.get(key);
    if (!layer || layer.whole) return;
    layer.tail.unshift(...points);
    layer.tailFrom = from;
    if (endBit !== undefined) layer.endBit = endBit;
    layer.heardAt = this.now();
    this.wake();
  }

  /**
   * The skimmer reached the end of layer `key`'s deflate data at `endBit`, `size` bytes of output
   * in all: fewer than the windows the scan kept means the two did not read the same data.
   */
  ended(key: string, endBit: number, size: number): void {
    const layer = this.layers.get(key);
    if (!layer) return;
    layer.skimming = false;
    if (size < layer.windows.length * layer.every) this.drop(key);
    else {
      layer.endBit = endBit;
      layer.whole = layer.windows.length > 0;
      // Every place is the skimmer's own now.
      layer.tail = [];
      layer.tailFrom = Number.POSITIVE_INFINITY;
    }
    this.wake();
  }

  /**
   * The skimmer stopped where the places found from the end of layer `key` begin, with the same
   * output there: between them, every place is known.
   */
  joined(key: string): void {
    const layer = this.layers.get(key);
    if (!layer) return;
    layer.skimming = false;
    layer.whole = layer.windows.length > 0;
    this.wake();
  }

  /**
   * The layers whose every place is known (and whose windows the scan kept): gzip layers the
   * skimmer walked to their end, and zstd layers the scan noted places in. The digest check keeps
   * none of them on disk: their files open at once already.
   */
  wholeIndexes(): string[] {
    const gzip = [...this.layers].filter(([, layer]) => layer.whole).map(([key]) => key);
    return [...gzip, ...this.noted.keys(), ...this.zstd.keys()];
  }

  /** The places a scan noted of gzip layer `key`, one member of `blobSize` bytes. */
  placesNoted(key: string, places: readonly NotedPlace[], blobSize: number): void {
    // Its deflate data ends before its 8-byte trailer (RFC 1952 2.2): the decoder took it whole.
    this.noted.set(key, { places, endBit: (blobSize - 8) * 8 });
    this.wake();
  }

  /** The places a scan noted of zstd layer `key`, a blob of `blobSize` bytes. */
  zstdKept(key: string, places: readonly ZstdPlace[], blobSize: number): void {
    this.zstd.set(key, { places, blobSize });
  }

  /** Layer `key` cannot be resumed into (not gzip or zstd, its skim failed, or a resumed read did). */
  drop(key: string): void {
    this.layers.delete(key);
    this.noted.delete(key);
    this.zstd.delete(key);
    this.wake();
  }

  /** The skims of these layers have stopped (their worker ended or crashed): no more is coming. */
  stopped(keys: Iterable<string>): void {
    for (const key of keys) {
      const layer = this.layers.get(key);
      if (layer) layer.skimming = false;
    }
    this.wake();
  }

  /**
   * Waits while the skimmer is still short of tar offset `offset` of layer `key` (and still
   * finding places), so that the read then starts at a place near it.
   */
  async near(key: string, offset: number, signal?: AbortSignal): Promise<void> {
    let waited: (() => void) | undefined;
    try {
      while (!signal?.aborted) {
        const layer = this.layers.get(key);
        if (!layer?.skimming) return;
        const last = layer.points.at(-1)?.out ?? 0;
        if (last + layer.every > offset) return;
        // A place found from the end lies within one step before it.
        const fromTail = layer.tail[lastAtOrBefore(layer.tail, offset)];
        if (fromTail && fromTail.out + layer.every > offset) return;
        const quiet = this.now() - layer.heardAt;
        if (quiet >= STALL_MS) return;
        waited ??= this.onWait?.(key, offset, { start: last, end: layer.tailFrom });
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            this.waiters.delete(done);
            signal?.removeEventListener('abort', done);
            resolve();
          };
          const timer = setTimeout(done, STALL_MS - quiet);
          this.waiters.add(done);
          signal?.addEventListener('abort', done);
        });
      }
    } finally {
      waited?.();
    }
  }

  /**
   * Told when a read starts to wait (near) for layer `key`'s places about output `offset`, with
   * how far the walks have come: from its start (`start`) and from its end (`end`, Infinity when
   * nothing came from there). What it gives back is called when the wait is over.
   */
  onWait:
    | ((key: string, offset: number, reached: { start: number; end: number }) => () => void)
    | undefined;

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  /** The last place of layer `key` at or before tar offset `offset`, if any. */
  placeBefore(key: string, offset: number): number | undefined {
    return this.find(key, offset)?.point.out ?? this.zstdPlace(key, offset)?.output;
  }

  /** The last place a zstd layer's scan noted at or before tar offset `offset`. */
  private zstdPlace(key: string, offset: number): ZstdPlace | undefined {
    const places = this.zstd.get(key)?.places ?? [];
    let found: ZstdPlace | undefined;
    for (const place of places) if (place.output <= offset) found = place;
    return found;
  }

  /**
   * The layer's tar from the last place at or before `offset`, decoded natively (zstd: by the
   * decoder copied there); `read(from, to)` gives bytes [from, to) of the blob. Undefined when no
   * place comes before `offset`.
   */
  tarFrom(
    key: string,
    offset: number,
    read: (from: number, to: number) => AsyncIterable<Uint8Array>,
  ): { start: number; tar: AsyncIterable<Uint8Array> } | undefined {
    const found = this.find(key, offset);
    if (!found) {
      // A zstd layer: its decoder, copied where the scan noted it, goes on from there.
      const place = this.zstdPlace(key, offset);
      const blobSize = this.zstd.get(key)?.blobSize;
      if (!place || blobSize === undefined) return undefined;
      return {
        start: place.output,
        tar: zstdDecode(read(place.input, blobSize), { from: place }),
      };
    }
    const { point, kept, endBit } = found;
    const decoded = nativeInflateRaw(resumedDeflate(point, kept.before, read, endBit), WINDOW);
    return { start: point.out, tar: startingWith(decoded, kept.after) };
  }

  private find(
    key: string,
    offset: number,
  ):
    | { point: DeflatePoint; kept: { before: Uint8Array; after: Uint8Array }; endBit: number }
    | undefined {
    const noted = this.noted.get(key);
    if (noted) {
      const place = noted.places[lastAtOrBefore(noted.places, offset, (p) => p.point)];
      return place && { point: place.point, kept: place, endBit: noted.endBit };
    }
    const layer = this.layers.get(key);
    if (!layer) return undefined;
    // The last place at or before the offset, of those found either way.
    const candidates = [layer.points, layer.tail].flatMap((points) => {
      for (let i = lastAtOrBefore(points, offset); i >= 0; i--) {
        const point = points[i]!;
        const kept = keptAround(layer.windows, layer.every, point.out);
        if (kept) return [{ point, kept, endBit: layer.endBit }];
      }
      return [];
    });
    return candidates.sort((a, b) => b.point.out - a.point.out)[0];
  }
}

/**
 * The decoded chunks, which must begin with `expected` (what the scan saw right after the place):
 * a place not where it was taken to be gives other bytes, and the read fails instead of showing
 * them (content.ts then reads from the layer's start).
 */
async function* startingWith(
  chunks: AsyncIterable<Uint8Array>,
  expected: Uint8Array,
): AsyncGenerator<Uint8Array> {
  let checked = 0;
  for await (const chunk of chunks) {
    if (checked < expected.length) {
      const n = Math.min(chunk.length, expected.length - checked);
      for (let i = 0; i < n; i++)
        if (chunk[i] !== expected[checked + i])
          throw new StrataError('bad-compression', 'A place did not decode to what the scan saw.');
      checked += n;
    }
    yield chunk;
  }
}

/** Index of the last of `points` (in order of output) at or before `offset`; -1 if none. */
function lastAtOrBefore<T = DeflatePoint>(
  points: readonly T[],
  offset: number,
  pointOf: (item: T) => DeflatePoint = (item) => item as DeflatePoint,
): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pointOf(points[mid]!).out <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

function samePlace(a: DeflatePoint, b: DeflatePoint): boolean {
  return (
    a.bit === b.bit &&
    a.headerFrom === b.headerFrom &&
    a.headerTo === b.headerTo &&
    a.storedLeft === b.storedLeft &&
    a.final === b.final
  );
}
