import type { SourceSpec } from '../core/bytes.ts';
import { JobFailed } from '../worker/client.ts';
import { client } from './client.ts';
import {
  loadImage,
  refreshAnalysis,
  revealPath,
  selectLayer,
  setFilter,
  setMode,
} from './explorer-actions.ts';
import { parseHash, type ViewState } from './hash-state.ts';
import { useStore } from './store.ts';

/**
 * Opening archives. Each action talks to the worker client and writes the answers into the
 * store; views only read the store.
 */
let controller: AbortController | undefined;
/** Where the current archive came from, for links: a URL, or a local file's name and size. */
let origin: Pick<ViewState, 'url' | 'file' | 'size'> = {};

export function currentOrigin(): Pick<ViewState, 'url' | 'file' | 'size'> {
  return origin;
}

async function open(
  spec: SourceSpec,
  name: string,
  size: number,
  restore?: ViewState,
): Promise<void> {
  controller?.abort();
  const mine = new AbortController();
  controller = mine;
  const store = useStore.getState();
  store.archiveCleared();
  store.explorerReset();
  store.loadStarted(name, size);
  try {
    const warnings = await client.open(spec, name, {
      signal: mine.signal,
      onModel: (model) => {
        useStore.getState().modelArrived(model);
        // Metadata at once; the tree fills in as layers finish.
        const first = Math.max(
          0,
          model.images.findIndex((image) => image.included),
        );
        const wanted =
          restore?.image !== undefined && model.images[restore.image]?.included
            ? restore.image
            : first;
        if (controller === mine) void loadImage(wanted);
      },
      onLayer: (layer) => {
        useStore.getState().layerArrived(layer);
        const image = useStore.getState().model?.images[useStore.getState().imageIndex];
        if (controller === mine && image?.layers.some((l) => l.blobPath === layer.blobPath))
          void refreshAnalysis();
      },
      onProgress: (progress) => useStore.getState().loadProgressed(progress),
      onVerified: (more) => {
        if (controller === mine) useStore.getState().warningsAdded(more);
      },
    });
    if (controller !== mine) return;
    const images = useStore.getState().model?.images ?? [];
    const wanted =
      restore?.image !== undefined && images[restore.image]?.included ? restore.image : undefined;
    await loadImage(
      wanted ??
        Math.max(
          0,
          images.findIndex((image) => image.included),
        ),
    );
    if (restore) await applyViewState(restore);
    if (controller === mine) useStore.getState().loadFinished(warnings);
  } catch (error) {
    if (controller !== mine) return;
    if (error instanceof JobFailed && error.problem.code === 'cancelled')
      useStore.getState().loadCancelled();
    else if (error instanceof JobFailed) useStore.getState().loadFailed(error.problem);
    else useStore.getState().loadFailed({ code: 'read-failed', message: String(error) });
  }
}

/** Puts the explorer where a link says: layer, mode, filter, selected path. */
async function applyViewState(state: ViewState): Promise<void> {
  if (state.mode) await setMode(state.mode);
  if (state.layer !== undefined) await selectLayer(state.layer);
  if (state.filter) await setFilter(state.filter);
  if (state.path) await revealPath(state.path);
}

/**
 * A file chosen or dropped. If the page's link names this same file (name and size), the view it
 * describes is restored.
 */
export function openFile(file: File | Blob, name: string): Promise<void> {
  const linked = parseHash(location.hash);
  const same = linked.file === name && linked.size === file.size;
  origin = { file: name, size: file.size };
  return open({ kind: 'blob', blob: file }, name, file.size, same ? linked : undefined);
}

/** The files of a dropped or chosen folder (an OCI image layout), read as one archive. */
export function openFolder(files: { path: string; blob: Blob }[], name: string): Promise<void> {
  const size = files.reduce((n, f) => n + f.blob.size, 0);
  origin = {};
  return open({ kind: 'files', files }, name, size);
}

/**
 * An archive on a web server. A one-byte range request tells whether the server allows partial
 * reads: then only the bytes needed are fetched, now and when a file is opened later. Otherwise the
 * file is downloaded once, with progress, and read from memory.
 */
export async function openUrl(url: string, restore?: ViewState): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.split('/').at(-1) || url);
  origin = { url };
  useStore.getState().loadStarted(name, 0);
  let probe: Response;
  try {
    probe = await fetch(url, { headers: { Range: 'bytes=0-0' } });
  } catch {
    useStore.getState().loadFailed({
      code: 'fetch-blocked',
      message: `The browser did not let this page read ${url}. Either the server cannot be reached, or it does not allow other sites to read the file: it must send the header "Access-Control-Allow-Origin: *" (or this page's origin), and for partial reads also allow the "Range" request header and expose "Content-Range". You can also download the file and drop it here.`,
      detail: new URL(url).host,
    });
    return;
  }
  if (!probe.ok) {
    useStore.getState().loadFailed({
      code: 'fetch-failed',
      message: `The server answered ${probe.status} ${probe.statusText} for ${url}.`,
    });
    return;
  }
  const total = Number(
    /\/(\d+)$/.exec(probe.headers.get('Content-Range') ?? '')?.[1] ?? Number.NaN,
  );
  if (probe.status === 206 && Number.isFinite(total)) {
    await probe.body?.cancel();
    await open({ kind: 'url', url, size: total, rangeable: true }, name, total, restore);
    return;
  }
  // No partial reads: this response is the whole file; keep it, with progress.
  const size = Number(probe.headers.get('Content-Length') ?? 0);
  const parts: Uint8Array<ArrayBuffer>[] = [];
  let got = 0;
  const reader = probe.body?.getReader();
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    got += value.length;
    useStore.getState().loadProgressed({
      phase: 'index',
      bytesRead: got,
      bytesTotal: size || got,
      layersDone: 0,
      layerCount: 0,
      current: 'downloading',
    });
  }
  const blob = new Blob(parts);
  await open({ kind: 'blob', blob }, name, blob.size, restore);
}

/** The sample shipped with the app: the docker save walk-through image. */
export async function openSample(): Promise<void> {
  const name = 'investitest.tar';
  useStore.getState().loadStarted(name, 0);
  try {
    const response = await fetch(`${import.meta.env.BASE_URL}sample/${name}`);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    await openFile(await response.blob(), name);
  } catch (error) {
    useStore.getState().loadFailed({
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

export function cancelLoad(): void {
  controller?.abort();
}
