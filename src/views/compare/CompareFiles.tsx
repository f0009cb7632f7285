import { useEffect, useMemo, useRef, useState } from 'react';
import { type NodeApi, type NodeRendererProps, Tree } from 'react-arborist';
import type { ImageComparison } from '../../core/compare/compare-images.ts';
import { matcher } from '../../core/fs/path-search.ts';
import { comparePath } from '../../state/compare-actions.ts';
import { usePathComparison } from '../../state/store.ts';
import { displayName } from '../display.ts';
import { formatBytes } from '../format.ts';
import { RequestError } from '../RequestError.tsx';
import { ComparisonResult } from '../viewer/VersionDiff.tsx';
import { type DiffNode, type DiffSort, diffTree } from './diff-tree.ts';

const ROW_HEIGHT = 24;
/** Trees up to this many rows open fully; larger ones open their first level only. */
const OPEN_ALL = 3000;

/** The filesystem difference as a tree (virtualised), with a filter, a sort and a selected path's diff. */
export function CompareFiles({ result }: { result: ImageComparison }) {
  const [filter, setFilter] = useState('');
  // The tree is rebuilt for a filter once typing pauses: with 150,000 differences a rebuild takes
  // about 0.4 s (Node, measured), too long to repeat on every key.
  const [applied, setApplied] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setApplied(filter), rowsOf(result) > 20_000 ? 300 : 0);
    return () => clearTimeout(timer);
  }, [filter, result]);
  const [sort, setSort] = useState<DiffSort>('name');
  const [selected, setSelected] = useState<DiffNode | null>(null);
  const { added, removed, changed } = result.files;
  const data = useMemo(
    () =>
      diffTree(result.files, result.fileFacts, sort, applied.trim() ? matcher(applied) : undefined),
    [result, sort, applied],
  );
  const rows = added.length + removed.length + changed.length;
  // As tall as the rows when they are few (all open), else a fixed window onto them.
  const height = Math.min(480, Math.max(72, countNodes(data) * ROW_HEIGHT + 8));
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(600);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => entry && setWidth(entry.contentRect.width));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  const select = (nodes: NodeApi<DiffNode>[]) => {
    const node = nodes[0]?.data ?? null;
    setSelected(node);
    if (node && node.change === 'changed' && node.kinds.includes('content') && !node.isDir)
      void comparePath(node.id);
  };
  return (
    <section className="compare-files" aria-label="Files that differ">
      <h3 data-testid="compare-counts">
        Files: {added.length.toLocaleString()} added · {removed.length.toLocaleString()} removed ·{' '}
        {changed.length.toLocaleString()} changed
      </h3>
      <div className="compare-files-tools">
        <input
          type="search"
          aria-label="Filter the differences"
          placeholder="Filter paths (text or glob)"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
        <label>
          Sort{' '}
          <select value={sort} onChange={(e) => setSort(e.target.value as DiffSort)}>
            <option value="name">by name</option>
            <option value="delta">by size change</option>
          </select>
        </label>
      </div>
      <div className="compare-files-body">
        <div className="tree-box compare-tree" ref={box}>
          {data.length === 0 ? (
            <p className="tree-empty" role="status">
              {rows === 0 ? 'No file differs.' : 'No difference matches the filter.'}
            </p>
          ) : (
            <Tree<DiffNode>
              key={`${sort}:${applied}`}
              data={data}
              openByDefault={rows <= OPEN_ALL || applied.trim() !== ''}
              onSelect={select}
              onActivate={(node) => node.data.isDir && node.toggle()}
              selectionFollowsFocus
              disableMultiSelection
              disableDrag
              disableDrop
              disableEdit
              width={width}
              height={height}
              rowHeight={ROW_HEIGHT}
              indent={16}
              aria-label="Differences"
            >
              {DiffRow}
            </Tree>
          )}
        </div>
        <PathDifference node={selected} />
      </div>
    </section>
  );
}

const CHANGE_WORDS = { added: 'added', removed: 'removed', changed: 'changed', parent: '' };

function DiffRow({ node, style }: NodeRendererProps<DiffNode>) {
  const d = node.data;
  const sign = d.delta > 0 ? '+' : d.delta < 0 ? '−' : '';
  return (
    <div
      style={style}
      className={`tree-row${node.isSelected ? ' selected' : ''}`}
      data-change={
        d.change === 'removed' ? 'deleted' : d.change === 'changed' ? 'modified' : d.change
      }
      data-path={d.id}
    >
      <span className="twisty" aria-hidden="true">
        {d.isDir ? (node.isOpen ? '▾' : '▸') : ''}
      </span>
      <span className="tree-name">{displayName(d.name)}</span>
      {d.change !== 'parent' && (
        <span className="change-word">
          {CHANGE_WORDS[d.change]}
          {d.kinds.length > 0 ? ` (${d.kinds.join(', ')})` : ''}
        </span>
      )}
      <span className="tree-size">
        {d.isDir && d.differences > 0 && (
          <span className="tree-count">{d.differences.toLocaleString()} · </span>
        )}
        {d.delta !== 0 ? `${sign}${formatBytes(Math.abs(d.delta))}` : ''}
      </span>
    </div>
  );
}

/** The selected path on both sides: sizes, what changed, and a changed file's diff. */
function PathDifference({ node }: { node: DiffNode | null }) {
  const diff = usePathComparison();
  if (!node) return <p className="compare-hint">Select a path to see how it differs.</p>;
  return (
    <div className="compare-path" data-testid="compare-path">
      <h4>{node.id}</h4>
      <p>
        {node.change === 'added' && `Only on the right: ${formatBytes(node.rightBytes)}.`}
        {node.change === 'removed' && `Only on the left: ${formatBytes(node.leftBytes)}.`}
        {node.change === 'changed' &&
          `Changed (${node.kinds.join(', ')}): ${formatBytes(node.leftBytes)} → ${formatBytes(node.rightBytes)}.`}
        {node.change === 'parent' &&
          `${node.differences.toLocaleString()} differences below, ${node.delta >= 0 ? '+' : '−'}${formatBytes(Math.abs(node.delta))}.`}
      </p>
      <RequestError name="compare-path" />
      {diff?.path === node.id && <ComparisonResult comparison={diff} labels={['left', 'right']} />}
    </div>
  );
}

function countNodes(nodes: DiffNode[]): number {
  let n = 0;
  const stack = [...nodes];
  while (stack.length > 0 && n <= 100) {
    const node = stack.pop()!;
    n++;
    for (const c of node.children ?? []) stack.push(c);
  }
  return n;
}

function rowsOf(result: ImageComparison): number {
  return result.files.added.length + result.files.removed.length + result.files.changed.length;
}
