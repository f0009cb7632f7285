import { currentOrigin } from './actions.ts';
import { formatHash } from './hash-state.ts';
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
    });
    if (hash === last) return;
    last = hash;
    history.replaceState(null, '', `${location.pathname}${location.search}${hash}`);
  });
}
