import './tree.css';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { type NodeApi, type NodeRendererProps, Tree, type TreeApi } from 'react-arborist';
import { childIndex } from '../../core/fs/child-index.ts';
import { matchesBelow } from '../../core/fs/tree-order.ts';
import { KINDS } from '../../core/layer/entries.ts';
import { selectPath, toggleDir } from '../../state/explorer-actions.ts';
import { useStore } from '../../state/store.ts';
import { displayName } from '../display.ts';
import { formatBytes } from '../format.ts';
import { permissionString } from '../permissions.ts';
import { changeClass, NO_CHILDREN, type Row, RowSource, visibleMask } from './tree-data.ts';

const ROW_HEIGHT = 24;

/**
 * The file tree (react-arborist, virtualised). Only open folders' children are built: the
 * children accessor returns one shared empty list for closed folders, and every prop keeps its
 * identity between renders, because the library rebuilds its node list whenever one changes
 * (shared/docs/TOOLCHAIN.md). Programmatic openings (filter, expand all, reveal) remount the tree
 * with `initialOpenState` instead of opening folders one by one.
 */
export function FileTree({ epoch }: { epoch: number }) {
  const analysis = useStore((s) => s.analysis);
  const view = useStore((s) => s.view);
  const sort = useStore((s) => s.sort);
  const show = useStore((s) => s.showChanges);
  const matches = useStore((s) => s.filterMatches);
  const selected = useStore((s) => s.selectedPath);
  const filterApplied = useStore((s) => s.filterApplied);
  const tree = useRef<TreeApi<Row>>(null);
  const box = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ width: 600, height: 400 });
  const [reopen, setReopen] = useState(0);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry)
        setSize({
          width: entry.contentRect.width,
          height: Math.max(120, entry.contentRect.height),
        });
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const index = useMemo(() => (analysis ? childIndex(analysis.parents) : null), [analysis]);
  const source = useMemo(() => {
    if (!analysis || !view || !index) return null;
    return new RowSource(
      analysis,
      index,
      view,
      visibleMask(view, analysis.parents, show, matches),
      sort,
    );
  }, [analysis, view, index, show, matches, sort]);

  // Read through a ref so the accessor keeps one identity while the open set changes.
  const sourceRef = useRef(source);
  sourceRef.current = source;
  const childrenAccessor = useCallback((row: Row): readonly Row[] | null => {
    if (!row.isDir) return null;
    return useStore.getState().openDirs.has(row.pid)
      ? (sourceRef.current?.children(row.pid) ?? NO_CHILDREN)
      : NO_CHILDREN;
  }, []);
  const onToggle = useCallback((id: string) => {
    toggleDir(Number(id), tree.current?.isOpen(id) ?? false);
  }, []);
  // A click selects and activates: on a folder that also opens or closes it.
  const onActivate = useCallback((node: NodeApi<Row>) => {
    if (node.data.isDir) node.toggle();
  }, []);
  const onSelect = useCallback((nodes: NodeApi<Row>[]) => {
    const node = nodes[0];
    if (node && node.data.pid !== useStore.getState().selectedPath) void selectPath(node.data.pid);
  }, []);

  const data = useMemo(() => source?.children(0) ?? [], [source]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: read once per remount, on purpose
  const initialOpenState = useMemo(() => {
    const open: Record<string, boolean> = {};
    for (const id of useStore.getState().openDirs) open[String(id)] = true;
    return open;
  }, [epoch, reopen]);

  // A selection made elsewhere (a followed link, the next filter match) may lie in folders the
  // tree has closed: open them by remounting once with the store's open set.
  // biome-ignore lint/correctness/useExhaustiveDependencies: after a remount (reopen) the new tree must be told the selection
  useEffect(() => {
    const api = tree.current;
    const parents = analysis?.parents;
    if (!api || !parents || selected === null) return;
    for (let p = parents[selected]!; p > 0; p = parents[p]!) {
      if (!api.isOpen(String(p))) {
        setReopen((n) => n + 1);
        return;
      }
    }
    // Not a `selection` prop: a changed prop rebuilds the whole node list, and most selections
    // come from the tree itself (clicks, arrow keys) and are already shown.
    const id = String(selected);
    if (!api.isSelected(id)) api.select(id, { focus: false });
  }, [selected, analysis, reopen]);

  if (!source) return <div className="tree-box" ref={box} />;
  return (
    <div
      className="tree-box"
      ref={box}
      data-layer={view?.layer}
      data-mode={view?.mode}
      data-filtered={filterApplied}
    >
      {data.length === 0 && (
        <p className="tree-empty" role="status">
          {matches
            ? 'No path matches the filter.'
            : view?.mode === 'changes'
              ? 'This layer changes nothing in the filesystem.'
              : 'The filesystem is empty here.'}
        </p>
      )}
      <Tree<Row>
        key={`${epoch}:${reopen}`}
        ref={tree}
        data={data}
        idAccessor="id"
        childrenAccessor={childrenAccessor}
        openByDefault={false}
        initialOpenState={initialOpenState}
        onToggle={onToggle}
        onSelect={onSelect}
        onActivate={onActivate}
        selectionFollowsFocus
        disableMultiSelection
        disableDrag
        disableDrop
        disableEdit
        width={size.width}
        height={size.height}
        rowHeight={ROW_HEIGHT}
        indent={16}
        aria-label="Files"
        className="file-tree"
      >
        {TreeRow}
      </Tree>
    </div>
  );
}

/** Matches below each folder, computed once per set of matches. */
const belowCache = new WeakMap<Int32Array, Map<number, number>>();
function belowOf(matches: Int32Array, parents: Int32Array): Map<number, number> {
  let counts = belowCache.get(matches);
  if (!counts) {
    counts = matchesBelow(matches, parents);
    belowCache.set(matches, counts);
  }
  return counts;
}

const CHANGE_NAMES: Record<string, string> = {
  added: 'added',
  modified: 'modified',
  deleted: 'deleted',
  unchanged: 'written again, unchanged',
};

function TreeRow({ node, style }: NodeRendererProps<Row>) {
  const view = useStore((s) => s.view);
  const pid = node.data.pid;
  const found = useStore((s) =>
    s.filterMatches && s.analysis && node.data.isDir
      ? (belowOf(s.filterMatches, s.analysis.parents).get(pid) ?? 0)
      : null,
  );
  if (!view) return null;
  const change = changeClass(view.change[pid]!);
  const bytes = view.bytes[pid]!;
  const count = view.count[pid]!;
  const link = view.links.get(pid);
  const kind = KINDS[view.kind[pid]!];
  const below = node.data.isDir ? view.changedBelow[pid]! : 0;
  const held = view.held.get(pid);
  return (
    <div
      style={style}
      className={`tree-row${node.isSelected ? ' selected' : ''}`}
      data-change={change ?? 'none'}
      data-path={pid}
      data-changed-below={below > 0 ? below : undefined}
    >
      <span className="twisty" aria-hidden="true">
        {node.data.isDir ? (node.isOpen ? '▾' : '▸') : ''}
      </span>
      {view.meta && (
        <span className="tree-meta mono">
          {permissionString(view.meta.mode[pid]!, kind ?? 'file')} {view.meta.uid[pid]}:
          {view.meta.gid[pid]}
        </span>
      )}
      <span className="tree-name">{displayName(node.data.name)}</span>
      {link !== undefined && (
        <span className="tree-link">
          {kind === 'hardlink' ? ' ⇒ /' : ' → '}
          {displayName(link)}
        </span>
      )}
      {change && change !== 'unchanged' && change !== 'deleted' && (
        <span className="visually-hidden"> ({CHANGE_NAMES[change]})</span>
      )}
      {change === 'deleted' && (
        <span className="deleted-note">
          deleted in layer {view.layer}
          {held !== undefined && held > 0 ? `, held ${formatBytes(held)}` : ''}
        </span>
      )}
      {below > 0 && view.mode === 'merged' && (
        <span className="changed-below" title={`${below} changed below`}>
          {below.toLocaleString()} changed
        </span>
      )}
      <span className="tree-size">
        {node.data.isDir && found !== null && found > 0 ? (
          <span className="tree-count">
            {found.toLocaleString()} match{found === 1 ? '' : 'es'} ·{' '}
          </span>
        ) : (
          node.data.isDir &&
          count > 0 && <span className="tree-count">{count.toLocaleString()} · </span>
        )}
        {node.data.isDir || bytes > 0 ? formatBytes(bytes) : ''}
      </span>
    </div>
  );
}
