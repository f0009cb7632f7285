import { useEffect, useState } from 'react';
import {
  moveMatch,
  setFilter,
  setMode,
  setOpenDirs,
  setShowMeta,
  setSort,
  toggleChange,
} from '../../state/explorer-actions.ts';
import type { ChangeClass } from '../../state/explorer-slice.ts';
import { useStore } from '../../state/store.ts';

const CLASSES: { key: ChangeClass; label: string }[] = [
  { key: 'added', label: 'Added' },
  { key: 'modified', label: 'Modified' },
  { key: 'deleted', label: 'Deleted' },
  { key: 'unchanged', label: 'Unchanged' },
];

/** Mode, legend and toggles, sort, expand and collapse, and the path filter. */
export function TreeToolbar({ remount }: { remount: () => void }) {
  const mode = useStore((s) => s.mode);
  const sort = useStore((s) => s.sort);
  const showMeta = useStore((s) => s.showMeta);
  const show = useStore((s) => s.showChanges);
  const matches = useStore((s) => s.filterMatches);
  const cursor = useStore((s) => s.matchCursor);
  const [text, setText] = useState(useStore.getState().filter);

  // Filtering runs in the worker; a short pause after typing keeps keystrokes cheap.
  useEffect(() => {
    const timer = setTimeout(() => {
      void setFilter(text).then(() => {
        const found = useStore.getState().filterMatches;
        if (found) {
          setOpenDirs(ancestorsOf(found));
          remount();
        }
      });
    }, 40);
    return () => clearTimeout(timer);
  }, [text, remount]);

  const expandAll = () => {
    const { analysis, view } = useStore.getState();
    if (!analysis || !view) return;
    const open: number[] = [];
    for (let p = 1; p < view.shown.length; p++)
      if (view.shown[p] && view.count[p]! > 0) open.push(p);
    setOpenDirs(open);
    remount();
  };

  return (
    <div className="tree-toolbar">
      <fieldset className="segmented" aria-label="What the tree shows">
        <button
          type="button"
          aria-pressed={mode === 'changes'}
          onClick={() => void setMode('changes')}
        >
          Changes in this layer
        </button>
        <button
          type="button"
          aria-pressed={mode === 'merged'}
          onClick={() => void setMode('merged')}
        >
          Filesystem up to this layer
        </button>
      </fieldset>
      <fieldset className="legend" aria-label="Legend: show or hide each kind of change">
        {CLASSES.map(({ key, label }) => (
          <label key={key} className="legend-item" data-change={key}>
            <input type="checkbox" checked={show[key]} onChange={() => toggleChange(key)} />
            <span className="swatch" aria-hidden="true" />
            {label}
          </label>
        ))}
      </fieldset>
      <div className="tree-actions">
        <label>
          Sort{' '}
          <select
            value={sort}
            onChange={(e) => setSort(e.target.value === 'size' ? 'size' : 'name')}
          >
            <option value="name">by name</option>
            <option value="size">by size</option>
          </select>
        </label>
        <label className="legend-item">
          <input
            type="checkbox"
            checked={showMeta}
            onChange={(e) => void setShowMeta(e.target.checked)}
          />
          Permissions and owner
        </label>
        <button type="button" onClick={expandAll}>
          Expand all
        </button>
        <button
          type="button"
          onClick={() => {
            setOpenDirs([]);
            remount();
          }}
        >
          Collapse all
        </button>
      </div>
      <div className="filter">
        <input
          type="search"
          placeholder="Filter paths (text or glob: *.so, /etc/**)"
          aria-label="Filter paths"
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') moveMatch(e.shiftKey ? -1 : 1);
          }}
        />
        {matches && (
          <span className="match-count" role="status">
            {matches.length === 0
              ? 'no matches'
              : cursor < 0
                ? `${matches.length.toLocaleString()} match${matches.length === 1 ? '' : 'es'}`
                : `${cursor + 1} of ${matches.length.toLocaleString()} match${matches.length === 1 ? '' : 'es'}`}
          </span>
        )}
        <button
          type="button"
          aria-label="Previous match"
          disabled={!matches?.length}
          onClick={() => moveMatch(-1)}
        >
          ↑
        </button>
        <button
          type="button"
          aria-label="Next match"
          disabled={!matches?.length}
          onClick={() => moveMatch(1)}
        >
          ↓
        </button>
      </div>
    </div>
  );
}

/** Folders to open so that the first matches can be seen; later ones open as they are reached. */
function ancestorsOf(matches: Int32Array, limit = 100): number[] {
  const parents = useStore.getState().analysis?.parents;
  if (!parents) return [];
  const open = new Set<number>();
  for (let i = 0; i < Math.min(limit, matches.length); i++) {
    for (let p = parents[matches[i]!]!; p > 0; p = parents[p]!) open.add(p);
  }
  return [...open];
}
