import { currentOrigin } from './actions.ts';
import type { Comparison } from './compare-slice.ts';
import { selectLayer } from './explorer-actions.ts';
import { formatHash, parseHash, type ViewState } from './hash-state.ts';
import { useStore } from './store.ts';

/**
 * Keeps the URL's hash in step with what is on screen, so a reload or a shared link comes back to
 * the same place. Moving to another view (tab) or layer is a step in the browser's history, so
 * Back and Forward move between views; finer moves (a selection, the filter) replace the entry,
 * so they do not fill the Back button.
 */
export function startHashSync(): () => void {
  let last = '';
  let lastStep = '';
  let lastOrigin = '';
  const onPop = () => {
    const state = parseHash(location.hash);
    const tab = state.tab ?? 'files';
    last = location.hash;
    lastStep = `${tab}:${state.layer ?? ''}`;
    if (useStore.getState().tab !== tab) useStore.getState().set({ tab });
    if (state.layer !== undefined && state.layer !== useStore.getState().layer)
      void selectLayer(state.layer);
  };
  window.addEventListener('popstate', onPop);
  const stop = useStore.subscribe((s) => {
    if (s.status !== 'ready' || !s.analysis) return;
    const hash = formatHash({
      ...currentOrigin(),
      image: s.imageIndex,
      layer: s.layer,
      mode: s.mode,
      ...(s.details ? { path: s.details.path } : {}),
      ...(s.filterApplied ? { filter: s.filterApplied } : {}),
      ...(s.tab !== 'files' ? { tab: s.tab } : {}),
      ...compareState(s.imageComparison),
    });
    if (hash === last) return;
    const step = `${s.tab}:${s.layer}`;
    const origin = JSON.stringify(currentOrigin());
    const url = `${location.pathname}${location.search}${hash}`;
    // The first state of an archive replaces the entry before it (the landing page, another file).
    if (origin !== lastOrigin) lastStep = '';
    lastOrigin = origin;
    if (lastStep !== '' && step !== lastStep) history.pushState(null, '', url);
    else history.replaceState(null, '', url);
    last = hash;
    lastStep = step;
  });
  return () => {
    stop();
    window.removeEventListener('popstate', onPop);
  };
}

/** A comparison a link can restore: with another image of this archive, or with an archive address. */
function compareState(c: Comparison | null): Pick<ViewState, 'compare' | 'compareImage'> {
  if (!c) return {};
  if (c.target.kind === 'image') return { compareImage: c.rightImage };
  if (c.target.url) return { compare: c.target.url, compareImage: c.rightImage };
  return {};
}
