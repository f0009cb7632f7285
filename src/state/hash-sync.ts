import { currentOrigin } from './actions.ts';
import type { Comparison } from './compare-slice.ts';
import { formatHash, type ViewState } from './hash-state.ts';
import { useStore } from './store.ts';

/**
 * Keeps the URL's hash in step with what is on screen, so a reload or a shared link comes back to
 * the same place. `replaceState`: moving around an image should not fill the back button.
 */
export function startHashSync(): () => void {
  let last = '';
  return useStore.subscribe((s) => {
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
    last = hash;
    history.replaceState(null, '', `${location.pathname}${location.search}${hash}`);
  });
}

/** A comparison a link can restore: with another image of this archive, or with an archive address. */
function compareState(c: Comparison | null): Pick<ViewState, 'compare' | 'compareImage'> {
  if (!c) return {};
  if (c.target.kind === 'image') return { compareImage: c.rightImage };
  if (c.target.url) return { compare: c.target.url, compareImage: c.rightImage };
  return {};
}
