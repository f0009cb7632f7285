import { idOfPath as idOfNamedPath, joinNames, nameCount } from '../core/fs/path-names.ts';
import { inTreeOrder } from '../core/fs/tree-order.ts';
import type { TreeMode, TreeView } from '../core/fs/view.ts';
import { type AnalysisSummary, TOP_LAYER } from '../worker/protocol.ts';
import type { ChangeClass, SortOrder } from './explorer-slice.ts';
import { loadPackages } from './packages-actions.ts';
import { tracked } from './session.ts';
import { useStore } from './store.ts';

/**
 * The explorer's actions: each asks the open session what it needs and stores the answer. A
 * request that a newer one has overtaken is dropped (the `latest` counters), so fast clicking
 * through layers always ends on the last one clicked. Failures are recorded by `tracked`.
 */
const latest = { view: 0, details: 0, filter: 0 };
const get = () => useStore.getState();

/**
 * The image's analysis, its path table sent only from where the one shown ends (the table only
 * grows while layers arrive): the paths of a large image cross from the worker once, not with
 * every layer. If the shown one changed meanwhile, the whole table is asked for.
 */
async function askAnalysis(image: number): Promise<AnalysisSummary | undefined> {
  const ask = (namesKnown: number) =>
    tracked('analysis', (s) => s.request({ type: 'analysis', image, namesKnown }));
  const held = () => {
    const shown = get().analysis;
    return shown?.image === image ? shown : undefined;
  };
  const known = held();
  const answer = await ask(known ? nameCount(known.names) : 0);
  if (!answer || answer.namesFrom === 0) return answer;
  const shown = held();
  if (!shown || nameCount(shown.names) !== answer.namesFrom) return ask(0);
  // No new paths: the same table, so what the views built on it stays good.
  if (nameCount(answer.names) === 0)
    return { ...answer, namesFrom: 0, names: shown.names, parents: shown.parents };
  const parents = new Int32Array(shown.parents.length + answer.parents.length);
  parents.set(shown.parents);
  parents.set(answer.parents, shown.parents.length);
  return { ...answer, namesFrom: 0, names: joinNames(shown.names, answer.names), parents };
}

/** The image being loaded, so that a refresh for a layer waits for what it brings. */
let loading: Promise<void> | undefined;

export function loadImage(imageIndex: number): Promise<void> {
  const load = showImage(imageIndex);
  loading = load;
  return load.finally(() => {
    if (loading === load) loading = undefined;
  });
}

async function showImage(imageIndex: number): Promise<void> {
  const image = get().model?.images[imageIndex];
  const tab = get().tab;
  get().explorerReset();
  get().set({ imageIndex, tab });
  // Packages are catalogued once the whole archive is read; another image then asks again.
  if (get().status === 'ready') void loadPackages(imageIndex);
  if (!image?.included || image.layers.length === 0) return;
  const { mode } = get();
  const asked = askAnalysis(imageIndex);
  const early = layersArrived(imageIndex) > 0 ? askView(TOP_LAYER, mode) : undefined;
  const analysis = await asked;
  if (!analysis || get().imageIndex !== imageIndex) return;
  if (analysis.layersReady === 0) {
    get().set({ analysis });
    return;
  }
  const top = analysis.layersReady - 1;
  get().set({ analysis, layer: top, openDirs: new Set() });
  await (early ? showAsked(early, top, mode) : showView(top, mode));
}

/** Settles when the image being loaded (if any) is shown. */
export function imageLoaded(): Promise<void> {
  return loading ?? Promise.resolve();
}

/**
 * How many of an image's layers, from the bottom, the page has heard are read: the worker has
 * read at least these (a layer that is not in the archive counts as read, and empty).
 */
function layersArrived(imageIndex: number): number {
  const { model, layerSummaries } = get();
  const layers = model?.images[imageIndex]?.layers ?? [];
  let n = 0;
  while (n < layers.length && (!layers[n]!.blobPath || layerSummaries[layers[n]!.blobPath!])) n++;
  return n;
}

/** dive's figure, for the Summary: asked for once it is shown and every layer has been read. */
let efficiencyAskedFor: object | undefined;
export async function loadEfficiency(): Promise<void> {
  const { imageIndex, analysis, efficiency } = get();
  if (!analysis?.complete || efficiency || efficiencyAskedFor === analysis) return;
  efficiencyAskedFor = analysis;
  const answer = await tracked('efficiency', (s, signal) =>
    s.request({ type: 'efficiency', image: imageIndex }, signal),
  );
  if (answer && get().imageIndex === imageIndex) get().set({ efficiency: answer });
}

let refreshing: Promise<void> | undefined;
/** Why one more refresh is wanted: a layer arrived, or the figures themselves changed. */
let again: 'layer' | 'refined' | undefined;

/**
 * Once the archive is read: the complete figures, asked for only if the refresh under way (the
 * last layer's) did not already bring them, so the whole image is not summed up twice.
 */
export async function completeAnalysis(): Promise<void> {
  await refreshing;
  if (!get().analysis?.complete) await refreshAnalysis();
}

/**
 * While an archive is being read: fetch the analysis again as layers arrive, so the timeline and
 * the tree fill in. The view follows the newest layer unless the user has picked another. Calls
 * that come while one is running collapse into one more; one for a layer is dropped once the
 * analysis is complete (it has every layer: the last layers arrive in a burst).
 */
export function refreshAnalysis(why: 'layer' | 'refined' = 'refined'): Promise<void> {
  if (refreshing) {
    if (again !== 'refined') again = why;
    return refreshing;
  }
  refreshing = (async () => {
    // The image being loaded may bring every layer: then this refresh has nothing to add.
    await loading;
    if (why === 'layer' && get().analysis?.complete) return;
    do {
      again = undefined;
      const { imageIndex, analysis: before, layer, mode } = get();
      const followed = !before || before.layersReady === 0 || layer >= before.layersReady - 1;
      const asked = askAnalysis(imageIndex);
      const early =
        !followed || layersArrived(imageIndex) > 0
          ? askView(followed ? TOP_LAYER : layer, mode)
          : undefined;
      const analysis = await asked;
      if (!analysis || get().imageIndex !== imageIndex) return;
      if (analysis.layersReady === 0) continue;
      // A layer or mode picked meanwhile has asked for its own view: the figures are taken, the
      // choice is left as it is.
      if (early && early.ticket !== latest.view) {
        get().set({ analysis });
        continue;
      }
      const next = followed ? analysis.layersReady - 1 : layer;
      get().set({ analysis, layer: next });
      await (early ? showAsked(early, next, mode) : showView(next, mode));
    } while (again === 'refined' || (again === 'layer' && !get().analysis?.complete));
  })().finally(() => {
    refreshing = undefined;
  });
  return refreshing;
}

interface AskedView {
  ticket: number;
  view: Promise<TreeView | undefined>;
}

/**
 * Asks for a layer's view (TOP_LAYER: the newest layer read). Asked together with the analysis,
 * the worker makes it while the page takes in the analysis's paths, instead of after.
 */
function askView(layer: number, mode: TreeMode): AskedView {
  const ticket = ++latest.view;
  const image = get().imageIndex;
  const view = tracked('view', (s, signal) =>
    s.request({ type: 'view', image, layer, mode, meta: get().showMeta }, signal),
  );
  return { ticket, view };
}

/** Shows an asked view as that of `layer`; one of another layer (asked early) is asked again. */
async function showAsked(asked: AskedView, layer: number, mode: TreeMode): Promise<void> {
  const view = await asked.view;
  if (!view || asked.ticket !== latest.view) return;
  if (view.layer !== layer) return showView(layer, mode);
  get().set({ view, layer, mode });
  // Matches follow what the tree shows: another layer or mode shows other paths.
  const filter = get().filterApplied;
  if (filter) await setFilter(filter);
  const selected = get().selectedPath;
  if (selected !== null) await selectPath(selected);
}

function showView(layer: number, mode: TreeMode): Promise<void> {
  return showAsked(askView(layer, mode), layer, mode);
}

export function selectLayer(layer: number): Promise<void> {
  const count = get().analysis?.layersReady ?? 0;
  if (layer < 0 || layer >= count) return Promise.resolve();
  get().set({ layer });
  return showView(layer, get().mode);
}

export function stepLayer(delta: number): Promise<void> {
  return selectLayer(get().layer + delta);
}

/** Permission and owner columns on or off (they come with the view, so it is asked again). */
export function setShowMeta(showMeta: boolean): Promise<void> {
  get().set({ showMeta });
  return showView(get().layer, get().mode);
}

export function setMode(mode: TreeMode): Promise<void> {
  get().set({ mode });
  return showView(get().layer, mode);
}

export async function selectPath(path: number | null): Promise<void> {
  const ticket = ++latest.details;
  get().set({ selectedPath: path });
  if (path === null) {
    get().set({ details: null });
    return;
  }
  const image = get().imageIndex;
  const layer = get().layer;
  const details = await tracked('details', (s, signal) =>
    s.request({ type: 'details', image, path, layer }, signal),
  );
  if (details !== undefined && ticket === latest.details) get().set({ details });
}

/** Selects a path by its text (a followed link), opening the folders above it. */
export function revealPath(path: string): Promise<void> {
  const analysis = get().analysis;
  if (!analysis) return Promise.resolve();
  const id = idOfPath(path);
  if (id === undefined) return Promise.resolve();
  openAncestors([id]);
  return selectPath(id);
}

function idOfPath(path: string): number | undefined {
  const analysis = get().analysis!;
  return idOfNamedPath(analysis.names, analysis.parents, path.replace(/^\/+|\/+$/g, ''));
}

export function openAncestors(ids: Iterable<number>, limit = 2000): void {
  const analysis = get().analysis;
  if (!analysis) return;
  const open = new Set(get().openDirs);
  let n = 0;
  for (const id of ids) {
    if (n++ >= limit) break;
    for (let p = analysis.parents[id]!; p > 0; p = analysis.parents[p]!) open.add(p);
  }
  get().set({ openDirs: open });
}

export function toggleDir(id: number, open: boolean): void {
  const next = new Set(get().openDirs);
  if (open) next.add(id);
  else next.delete(id);
  get().set({ openDirs: next });
}

export function setOpenDirs(ids: Iterable<number>): void {
  get().set({ openDirs: new Set(ids) });
}

export function setSort(sort: SortOrder): void {
  get().set({ sort });
  if (get().filterApplied) void setFilter(get().filterApplied);
}

export function toggleChange(change: ChangeClass): void {
  const showChanges = { ...get().showChanges, [change]: !get().showChanges[change] };
  get().set({ showChanges });
}

export async function setFilter(filter: string): Promise<void> {
  const ticket = ++latest.filter;
  get().set({ filter });
  if (filter.trim() === '') {
    get().set({ filterMatches: null, filterApplied: '', matchCursor: -1 });
    return;
  }
  const image = get().imageIndex;
  const matches = await tracked('filter', (s, signal) =>
    s.request({ type: 'filter', image, pattern: filter }, signal),
  );
  if (!matches || ticket !== latest.filter) return;
  // A new filter has no match selected: the first Enter (or Next) goes to the first one. The same
  // filter again (another layer, another sort) keeps its place on the selected path.
  const list = ordered(matches);
  const again = filter === get().filterApplied && get().matchCursor >= 0;
  const selected = get().selectedPath;
  const cursor = again && selected !== null ? list.indexOf(selected) : -1;
  get().set({ filterMatches: list, filterApplied: filter, matchCursor: cursor });
}

/** Matches as the tree lists them, those it does not show left out. */
function ordered(matches: Int32Array): Int32Array {
  const { analysis, view, sort } = get();
  if (!analysis || !view) return matches;
  return inTreeOrder(matches, analysis.parents, analysis.names, view, sort);
}

export function moveMatch(delta: number): number | undefined {
  const { filterMatches, matchCursor } = get();
  if (!filterMatches || filterMatches.length === 0) return undefined;
  const n = filterMatches.length;
  const cursor = matchCursor < 0 ? (delta > 0 ? 0 : n - 1) : (matchCursor + delta + n) % n;
  get().set({ matchCursor: cursor });
  const id = filterMatches[cursor]!;
  openAncestors([id]);
  void selectPath(id);
  return id;
}

/**
 * A path named elsewhere (Summary, Packages) shown in Files: at `layer` when given (the layer that
 * stored a hidden file), else at the current one, with the path selected and its folders open.
 */
export async function showInFiles(path: string, layer?: number): Promise<void> {
  get().set({ tab: 'files' });
  if (layer !== undefined && layer !== get().layer) await selectLayer(layer);
  await revealPath(path);
}

/** A layer named elsewhere, shown in Files. */
export function showLayerInFiles(layer: number): Promise<void> {
  get().set({ tab: 'files' });
  return selectLayer(layer);
}
