import type { SourceSpec } from '../core/bytes.ts';
import { firstIncludedImage } from '../core/image/model.ts';
import { ArchiveSession, isCancellation, RequestFailed } from '../worker/session.ts';
import type { CompareTarget, Comparison } from './compare-slice.ts';
import { bytesCompared, COMPARE_LIMIT } from './content-actions.ts';
import { tracked } from './session.ts';
import { useStore } from './store.ts';

/**
 * Comparing the open image with another: another image of the open archive (its own session
 * answers both sides), or an image of a second archive, read in a second session of its own. The
 * comparison itself runs in the open archive's worker, given the other side's top filesystem.
 */
let other: ArchiveSession | undefined;
let ticket = 0;

const get = () => useStore.getState();

function changed(patch: Partial<Comparison>): void {
  const now = get().imageComparison;
  if (now) useStore.setState({ imageComparison: { ...now, ...patch } });
}

/** Ends the comparison and its second session (when the open archive changes, or on Close). */
export function endComparison(): void {
  ticket++;
  other?.end('The comparison was closed.');
  other = undefined;
  get().comparisonChanged(null);
}

/** Another image of the open archive. */
export function compareWithImage(rightImage: number): Promise<void> {
  other?.end('The comparison changed.');
  other = undefined;
  const mine = ++ticket;
  get().comparisonChanged({
    target: { kind: 'image', image: rightImage },
    leftImage: get().imageIndex,
    rightImage,
    rightModel: get().model,
    phase: 'comparing',
    read: null,
    message: null,
    result: null,
  });
  return run(mine);
}

/** An image of a second archive (a chosen or dropped file, or a `#compare=` address). */
export async function compareWithArchive(
  spec: SourceSpec,
  target: Extract<CompareTarget, { kind: 'file' }>,
  rightImage?: number,
): Promise<void> {
  other?.end('Another file was chosen to compare with.');
  const mine = ++ticket;
  get().comparisonChanged({
    target,
    leftImage: get().imageIndex,
    rightImage: rightImage ?? 0,
    rightModel: null,
    phase: 'reading',
    read: { done: 0, total: target.size },
    message: null,
    result: null,
  });
  const session = new ArchiveSession(spec, target.name, (problem) => {
    if (mine === ticket) changed({ phase: 'failed', message: problem.message });
  });
  other = session;
  try {
    await session.open({
      onModel: (model) => {
        if (mine !== ticket) return;
        changed({ rightModel: model, rightImage: firstIncludedImage(model.images, rightImage) });
      },
      onProgress: (p) => {
        if (mine === ticket) changed({ read: { done: p.bytesRead, total: p.bytesTotal } });
      },
    });
  } catch (error) {
    if (mine !== ticket || isCancellation(error)) return;
    const message =
      error instanceof RequestFailed
        ? error.problem.message
        : error instanceof Error
          ? error.message
          : String(error);
    changed({ phase: 'failed', message: `${target.name} could not be compared: ${message}` });
    return;
  }
  if (mine !== ticket) return;
  const images = get().imageComparison?.rightModel?.images ?? [];
  if (!images.some((i) => i.included)) {
    changed({
      phase: 'failed',
      message: `${target.name} holds no image whose layers it contains.`,
    });
    return;
  }
  changed({ phase: 'comparing', read: null });
  await run(mine);
}

/** Compares again with another image of the same second archive (or of the open one). */
export function chooseRightImage(image: number): Promise<void> {
  const now = get().imageComparison;
  if (!now) return Promise.resolve();
  if (now.target.kind === 'image') return compareWithImage(image);
  const mine = ++ticket;
  changed({ rightImage: image, phase: 'comparing', result: null, message: null });
  return run(mine);
}

/** The open image changed: compare it again, against the same right side. */
export function leftImageChanged(): Promise<void> {
  const now = get().imageComparison;
  if (!now || now.leftImage === get().imageIndex || now.phase === 'reading')
    return Promise.resolve();
  const mine = ++ticket;
  changed({ leftImage: get().imageIndex, phase: 'comparing', result: null, message: null });
  return run(mine);
}

async function run(mine: number): Promise<void> {
  const now = get().imageComparison;
  if (!now) return;
  const right = other;
  const result = await tracked('compare', async (s, signal) => {
    const side = await (right ?? s).request(
      { type: 'compare-side', image: now.rightImage },
      signal,
    );
    return s.request({ type: 'compare', image: now.leftImage, right: side }, signal);
  });
  if (mine !== ticket) return;
  if (result) changed({ phase: 'ready', result });
  else
    changed({
      phase: 'failed',
      message: get().requests.compare?.error ?? 'The comparison did not finish.',
    });
}

/** One path on both sides: a text diff when both are text and small, else sizes and hashes. */
export async function comparePath(path: string): Promise<void> {
  const now = get().imageComparison;
  if (!now?.result) return;
  useStore.setState({ pathComparison: null });
  const right = other;
  const answer = await tracked('compare-path', async (s, signal) => {
    const read = (session: ArchiveSession, image: number) =>
      session.request(
        { type: 'top-file-bytes', image, path, start: 0, length: COMPARE_LIMIT },
        signal,
      );
    const [a, b] = await Promise.all([read(s, now.leftImage), read(right ?? s, now.rightImage)]);
    return bytesCompared(a, b);
  });
  if (answer && get().imageComparison === now)
    useStore.setState({ pathComparison: { ...answer, path, from: 0, to: 1 } });
}

/**
 * An archive on a web server as the right side (a link's `#compare=`): read by ranges when the
 * server allows it, else downloaded once.
 */
export async function compareWithUrl(url: string, rightImage?: number): Promise<void> {
  let name = url;
  try {
    name = decodeURIComponent(new URL(url).pathname.split('/').at(-1) || url);
  } catch {
    // A malformed address: the fetch below says so.
  }
  const target = { kind: 'file' as const, name, size: 0, url };
  try {
    const probe = await fetch(url, { headers: { Range: 'bytes=0-0' } });
    await probe.body?.cancel();
    if (!probe.ok) throw new Error(`the server answered ${probe.status} ${probe.statusText}`);
    const total = Number(
      /\/(\d+)\s*$/.exec(probe.headers.get('Content-Range') ?? '')?.[1] ?? Number.NaN,
    );
    if (probe.status === 206 && Number.isFinite(total)) {
      await compareWithArchive(
        { kind: 'url', url, size: total, rangeable: true },
        { ...target, size: total },
        rightImage,
      );
      return;
    }
    const whole = await fetch(url);
    if (!whole.ok) throw new Error(`the server answered ${whole.status} ${whole.statusText}`);
    const blob = await whole.blob();
    await compareWithArchive({ kind: 'blob', blob }, { ...target, size: blob.size }, rightImage);
  } catch (error) {
    get().comparisonChanged({
      target,
      leftImage: get().imageIndex,
      rightImage: rightImage ?? 0,
      rightModel: null,
      phase: 'failed',
      read: null,
      message: `${url} could not be read: ${error instanceof Error ? error.message : String(error)}`,
      result: null,
    });
  }
}
