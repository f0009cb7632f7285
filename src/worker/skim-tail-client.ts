import type { SourceSpec } from '../core/bytes.ts';
import type { SeekIndexes } from '../core/deflate/seek-index.ts';
import { SEEK_EVERY } from '../core/deflate/windows.ts';
import { Holds } from './gate.ts';
import type { FromTailSkimmer, SkimJob, ToTailSkimmer } from './protocol.ts';

type Layer = SkimJob['layers'][number];

/**
 * The archive worker's side of the tail skimmer (skim-tail-worker.ts), which walks gzip layers
 * from their ends backwards, one at a time, while the skimmers walk them from their starts
 * (skim-client.ts says which, and when). The places it finds go to `indexes`; where each of its
 * segments starts goes to `onSegment`, for the skimmer from the start to stop at.
 */
export class TailWalker {
  private worker: Worker | undefined;
  /** The layer being walked, and how far it is to be walked. */
  private current: { blobPath: string; how: 'end' | 'on' } | undefined;
  /** Layers whose end segment was walked ('end'), and those walked on from there ('on'). */
  private readonly tried = { end: new Set<string>(), on: new Set<string>() };
  /** Per layer, where each segment starts: its block's bit, and the output there. */
  private readonly starts = new Map<string, Map<number, number>>();
  private over = false;

  constructor(
    private readonly spec: SourceSpec,
    private readonly indexes: SeekIndexes,
    private readonly onSegment: (blobPath: string, bit: number, stored: boolean) => void,
    /** The worker is free for another layer; it was on `blobPath`. */
    private readonly onFree: (blobPath: string) => void,
  ) {}

  get busy(): boolean {
    return this.current !== undefined;
  }

  /** Whether it will still walk layer `blobPath` on from its end (now, or once free). */
  walksOn(blobPath: string): boolean {
    if (this.over) return false;
    const now = this.current;
    return !this.tried.on.has(blobPath) || (now?.blobPath === blobPath && now.how === 'on');
  }

  /** Holds that make it wait between segments (a read needs the cores): `hold()` takes one. */
  private readonly holds = new Holds((pause) =>
    this.worker?.postMessage({ type: pause ? 'pause' : 'resume' } satisfies ToTailSkimmer),
  );

  hold(): () => void {
    return this.holds.take();
  }

  /** Whether `layer` can be walked so (not yet walked so, and its windows known). */
  canWalk(layer: Layer, how: 'end' | 'on'): boolean {
    return (
      !this.over &&
      !this.tried[how].has(layer.blobPath) &&
      this.indexes.windowsOf(layer.blobPath) > 0
    );
  }

  /**
   * Walks `layer` from its end (canWalk, and not busy): its last segment only ('end'), or on
   * until the walk from its start is met ('on').
   */
  walk(layer: Layer, how: 'end' | 'on'): void {
    this.tried[how].add(layer.blobPath);
    this.current = { blobPath: layer.blobPath, how };
    this.worker ??= this.started();
    this.worker.postMessage({
      type: 'job',
      source: this.spec,
      blobPath: layer.blobPath,
      start: layer.start,
      size: layer.size,
      windowsKept: this.indexes.windowsOf(layer.blobPath),
      every: SEEK_EVERY,
      segments: how === 'end' ? 1 : Number.POSITIVE_INFINITY,
    } satisfies ToTailSkimmer);
  }

  /** The skimmer from the start is `bytes` into layer `blobPath`. */
  passed(blobPath: string, bytes: number): void {
    if (blobPath === this.current?.blobPath)
      this.worker?.postMessage({ type: 'passed', bytes } satisfies ToTailSkimmer);
  }

  /** The skimmer from the start is done with layer `blobPath`: nothing is left to find in it. */
  left(blobPath: string): void {
    this.passed(blobPath, Number.POSITIVE_INFINITY);
  }

  /** Whether a segment of layer `blobPath` starts at `bit` with `out` bytes of output before it. */
  agrees(blobPath: string, bit: number, out: number): boolean {
    return this.starts.get(blobPath)?.get(bit) === out;
  }

  /** No more layers: the worker ends. */
  end(): void {
    this.over = true;
    this.current = undefined;
    this.worker?.terminate();
    this.worker = undefined;
  }

  private started(): Worker {
    const worker = new Worker(new URL('./skim-tail-worker.ts', import.meta.url), {
      type: 'module',
    });
    worker.onmessage = (event: MessageEvent<FromTailSkimmer>) => this.heard(event.data);
    // A worker that crashes leaves the places it found; the skimmers find the rest.
    worker.onerror = (event) => {
      event.preventDefault();
      this.end();
    };
    return worker;
  }

  private heard(message: FromTailSkimmer): void {
    if (message.type === 'tail-done') {
      this.current = undefined;
      if (!this.over) this.onFree(message.blobPath);
      return;
    }
    const { blobPath, bit, stored } = message;
    this.indexes.tailFound(blobPath, message.points, message.from, message.endBit);
    const starts = this.starts.get(blobPath) ?? new Map<number, number>();
    this.starts.set(blobPath, starts);
    starts.set(bit, message.from);
    this.onSegment(blobPath, bit, stored);
  }
}
