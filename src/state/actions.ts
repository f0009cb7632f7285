import type { SourceSpec } from '../core/bytes.ts';
import type { Problem } from '../core/errors.ts';
import { type ArchiveModel, firstIncludedImage } from '../core/image/model.ts';
import { type ArchiveSession, isCancellation, RequestFailed } from '../worker/session.ts';
import { compareWithImage, compareWithUrl, endComparison } from './compare-actions.ts';
import {
  completeAnalysis,
  imageLoaded,
  loadImage,
  refreshAnalysis,
  revealPath,
  selectLayer,
  setFilter,
  setMode,
} from './explorer-actions.ts';
import { parseHash, type ViewState } from './hash-state.ts';
import { loadPackages } from './packages-actions.ts';
import { endSession, isCurrent, startSession } from './session.ts';
import { useStore } from './store.ts';

/**
 * Opening archives. A plain open always replaces the open archive: its session ends (its workers
 * are terminated) and a new one starts. Views only read the store.
 */

/** Where the current archive came from, for links: a URL, or a local file's name and size. */
let origin: Pick<ViewState, 'url' | 'file' | 'size'> = {};
/** What was opened last, so that it can be opened again after a cancel or a crash. */
let last: { spec: SourceSpec; name: string; size: number } | undefined;
/** A download (of a `#url=` archive) that precedes the open; a newer open or Cancel aborts it. */
let fetching: AbortController | undefined;

export function currentOrigin(): Pick<ViewState, 'url' | 'file' | 'size'> {
  return origin;
}

const get = () => useStore.getState();
/**
 * The digest check waits this long at most for the skimmer of gzip layers (session.skimmed): on
 * the gzip bench image the skimmer takes 5-7 s alone, 3.7 s of it for the 1.3 GB layer.
 */
const SKIM_WAIT = 15_000;

/** Ends whatever is open or being fetched and shows the new file's name as loading at once. */
function beginOpen(name: string, size: number): AbortSignal {
  fetching?.abort();
  fetching = new AbortController();
  endSession('Another file was opened.');
  endComparison();
  get().archiveCleared();
  get().explorerReset();
  get().contentCleared();
  get().packagesCleared();
  get().requestsCleared();
  get().loadStarted(name, size);
  return fetching.signal;
}

function crashed(problem: Problem): void {
  endComparison();
  get().archiveCleared();
  get().explorerReset();
  get().contentCleared();
  get().packagesCleared();
  get().loadFailed(problem);
  get().reopenOffered(true);
}

async function open(spec: SourceSpec, name: string, restore?: ViewState): Promise<void> {
  last = { spec, name, size: get().fileSize };
  const session = startSession(spec, name, crashed);
  try {
    const warnings = await session.open({
      onModel: (model) => {
        if (!isCurrent(session)) return;
        get().modelArrived(model);
        // Metadata at once; the tree fills in as layers finish.
        void loadImage(firstIncludedImage(model.images, restore?.image));
      },
      onLayer: (layer) => {
        if (!isCurrent(session)) return;
        get().layerArrived(layer);
        const image = get().model?.images[get().imageIndex];
        if (image?.layers.some((l) => l.blobPath === layer.blobPath)) void refreshAnalysis('layer');
      },
      onProgress: (progress) => {
        if (isCurrent(session)) get().loadProgressed(progress);
      },
      onChecking: (done, total) => {
        if (isCurrent(session))
          get().checkingChanged({ done: Math.max(0, done), total, stopped: done < 0 });
      },
      onIndexing: (indexing) => {
        if (isCurrent(session)) get().indexingChanged(indexing);
      },
      onRefined: () => {
        if (!isCurrent(session)) return;
        // The same-size rewrites are now told from copies: counts and the tree are asked again;
        // the check is over once they are shown.
        void refreshAnalysis().then(() => {
          if (isCurrent(session)) get().checkingChanged(null);
        });
      },
    });
    if (!isCurrent(session)) return;
    // The image chosen when the model came is already shown as far as it was read (or being
    // loaded: a compressed archive's model comes after its layers): its complete figures come
    // without starting the view again. An image not shown yet is loaded.
    await imageLoaded();
    if (!isCurrent(session)) return;
    if (get().analysis) await completeAnalysis();
    else await loadImage(firstIncludedImage(get().model?.images ?? [], restore?.image));
    if (restore) await applyViewState(restore);
    if (!isCurrent(session)) return;
    get().loadFinished(warnings);
    const model = get().model;
    if (model)
      void session.skimmed(SKIM_WAIT).then((indexed) => {
        if (isCurrent(session)) void verify(session, model, indexed);
      });
    void loadPackages(get().imageIndex);
  } catch (error) {
    if (!isCurrent(session) || isCancellation(error)) return;
    // The file itself was refused: reading it again would say the same. (Cancel and a crash
    // offer to reopen it.)
    if (error instanceof RequestFailed) get().loadFailed(error.problem);
    else get().loadFailed({ code: 'read-failed', message: String(error) });
  }
}

/** Digest checks, after the scan; their state is shown, and a checker that fails says so. */
async function verify(
  session: ArchiveSession,
  model: ArchiveModel,
  /** Layers the seek index serves whole: not kept on disk (session.verify). */
  indexed: string[],
): Promise<void> {
  const progress = { done: 0, total: 0, kept: new Set<string>() };
  const show = () => {
    const { done, total, kept } = progress;
    if (isCurrent(session))
      get().verificationChanged({ state: 'running', done, total, kept: kept.size });
  };
  show();
  try {
    const report = await session.verify(
      model,
      {
        onProgress: (done, total) => {
          Object.assign(progress, { done, total });
          show();
        },
        onKept: (blobPath) => {
          progress.kept.add(blobPath);
          show();
        },
      },
      indexed,
    );
    if (isCurrent(session)) get().verificationChanged({ state: 'done', ...report });
  } catch (error) {
    if (!isCurrent(session) || isCancellation(error)) return;
    get().verificationChanged({
      state: 'failed',
      message: error instanceof Error ? error.message : String(error),
    });
  }
}

/** Puts the explorer where a link says: layer, mode, filter, selected path. */
async function applyViewState(state: ViewState): Promise<void> {
  if (state.mode) await setMode(state.mode);
  if (state.layer !== undefined) await selectLayer(state.layer);
  if (state.filter) await setFilter(state.filter);
  if (state.path) await revealPath(state.path);
  if (state.tab) get().set({ tab: state.tab });
  if (state.compare) void compareWithUrl(state.compare, state.compareImage);
  else if (state.compareImage !== undefined) void compareWithImage(state.compareImage);
}

/**
 * A file chosen or dropped. If the page's link names this same file (name and size), the view it
 * describes is restored.
 */
export function openFile(file: File | Blob, name: string): Promise<void> {
  const linked = parseHash(location.hash);
  const same = linked.file === name && linked.size === file.size;
  origin = { file: name, size: file.size };
  beginOpen(name, file.size);
  return open({ kind: 'blob', blob: file }, name, same ? linked : undefined);
}

/** The files of a dropped or chosen folder (an OCI image layout), read as one archive. */
export function openFolder(files: { path: string; blob: Blob }[], name: string): Promise<void> {
  const size = files.reduce((n, f) => n + f.blob.size, 0);
  origin = {};
  beginOpen(name, size);
  return open({ kind: 'files', files }, name);
}

/** The last file again, after a cancel or a crash. */
export function reopen(): Promise<void> {
  if (!last) return Promise.resolve();
  const { spec, name, size } = last;
  beginOpen(name, size);
  return open(spec, name);
}

const EXPOSE_HINT =
  'it must send "Access-Control-Allow-Origin: *" (or this page\'s origin), and for partial reads allow the "Range" request header and send "Access-Control-Expose-Headers: Content-Range"';

/**
 * An archive on a web server. A one-byte range request tells whether the server allows partial
 * reads (a 206 whose Content-Range this page may read): then only the bytes needed are fetched,
 * now and when a file is opened later. Otherwise the file is downloaded once, with progress, and
 * read from memory. A newer open or Cancel aborts the download, and its result is then dropped.
 */
export async function openUrl(url: string, restore?: ViewState): Promise<void> {
  let name: string;
  try {
    name = decodeURIComponent(new URL(url).pathname.split('/').at(-1) || url);
  } catch {
    beginOpen(url, 0);
    get().loadFailed({ code: 'bad-url', message: `"${url}" is not a web address.` });
    return;
  }
  origin = { url };
  const signal = beginOpen(name, 0);
  try {
    const probe = await fetch(url, { headers: { Range: 'bytes=0-0' }, signal });
    if (!probe.ok) {
      await probe.body?.cancel();
      get().loadFailed({
        code: 'fetch-failed',
        message: `The server answered ${probe.status} ${probe.statusText} for ${url}.`,
      });
      return;
    }
    const total = Number(
      /\/(\d+)\s*$/.exec(probe.headers.get('Content-Range') ?? '')?.[1] ?? Number.NaN,
    );
    if (probe.status === 206 && Number.isFinite(total)) {
      await probe.body?.cancel();
      get().loadStarted(name, total);
      await open({ kind: 'url', url, size: total, rangeable: true }, name, restore);
      return;
    }
    // A 206 whose Content-Range is hidden from this page (not exposed cross-origin) says nothing
    // of the file's size: its body is one byte. Download the whole file instead.
    let whole = probe;
    if (probe.status === 206) {
      await probe.body?.cancel();
      whole = await fetch(url, { signal });
    }
    if (!whole.ok) throw new Error(`HTTP ${whole.status} ${whole.statusText}`);
    const blob = await download(whole, signal);
    if (signal.aborted) return;
    get().loadStarted(name, blob.size);
    await open({ kind: 'blob', blob }, name, restore);
  } catch (error) {
    if (signal.aborted || isCancellation(error)) return;
    get().loadFailed({
      code: 'fetch-blocked',
      message: `The browser did not let this page read ${url}. Either the server cannot be reached, or it does not allow other sites to read the file: ${EXPOSE_HINT}. You can also download the file and drop it here.`,
      detail: new URL(url).host,
    });
  }
}

/** A whole response body, gathered with progress. */
async function download(response: Response, signal: AbortSignal): Promise<Blob> {
  const size = Number(response.headers.get('Content-Length') ?? 0);
  const parts: Uint8Array<ArrayBuffer>[] = [];
  let got = 0;
  const reader = response.body?.getReader();
  while (reader && !signal.aborted) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    got += value.length;
    get().loadProgressed({
      phase: 'index',
      bytesRead: got,
      bytesTotal: size || got,
      layersDone: 0,
      layerCount: 0,
      current: 'downloading',
    });
  }
  if (signal.aborted) await reader?.cancel();
  return new Blob(parts);
}

/** The sample shipped with the app: the docker save walk-through image. */
export async function openSample(): Promise<void> {
  const name = 'investitest.tar';
  const signal = beginOpen(name, 0);
  try {
    const response = await fetch(`${import.meta.env.BASE_URL}sample/${name}`, { signal });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const blob = await response.blob();
    if (signal.aborted) return;
    await openFile(blob, name);
  } catch (error) {
    if (signal.aborted) return;
    get().loadFailed({
      code: 'read-failed',
      message: `The sample image could not be fetched: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
}

/** On page load: a `#url=` link opens that archive and restores the view it describes. */
export function openFromHash(): void {
  const state = parseHash(location.hash);
  if (state.url) void openUrl(state.url, state);
}

/**
 * Stops reading at once: the session's workers are terminated whatever they are doing, so the
 * page is usable again immediately and the next file opens normally.
 */
export function cancelLoad(): void {
  const name = get().fileName ?? 'The file';
  fetching?.abort();
  endSession('Reading was cancelled.');
  endComparison();
  get().archiveCleared();
  get().explorerReset();
  get().contentCleared();
  get().packagesCleared();
  get().requestsCleared();
  get().loadCancelled(name);
}
