import { type HierarchyRectangularNode, hierarchy, treemap, treemapSquarify } from 'd3-hierarchy';
import { type ChildIndex, childrenAt } from '../../core/fs/child-index.ts';
import { nameAt, nameCount } from '../../core/fs/path-names.ts';
import type { TreeView } from '../../core/fs/view.ts';
import type { HiddenFile } from '../../core/fs/waste.ts';
import { KINDS } from '../../core/layer/entries.ts';
import type { AnalysisSummary } from '../../worker/protocol.ts';

/**
 * The size map's layout: a squarified treemap (d3-hierarchy) of the folder in focus, each file a
 * rectangle whose area is its bytes, with hardlinked data counted once (a hardlink adds nothing:
 * its data is counted where it is stored). Rectangles too small to see are merged into one "N
 * smaller" block per folder, so a filesystem of 150,000 files draws a few thousand rectangles.
 * No padding anywhere: every area stays proportional to its bytes.
 */
/** Below this area (about 12 × 12 pixels) a file is merged into its folder's remainder. */
const MIN_AREA = 150;

/** The map's size for a container this wide: wide and not too tall, so the tools stay in view. */
export function mapSize(width: number): { width: number; height: number } {
  const w = Math.max(240, Math.round(width));
  return { width: w, height: Math.round(Math.min(560, Math.max(260, w * 0.5))) };
}

export interface MapNode {
  /** Path id, or -1 for a merged remainder or a hidden file. */
  id: number;
  name: string;
  path: string;
  kind: 'file' | 'dir' | 'rest' | 'hidden';
  value: number;
  /** The layer that wrote it (a file), or stored it (hidden data); -1 if unknown. */
  layer: number;
  /** The current layer's change to it (see core Change), or 0. */
  change: number;
  children?: MapNode[];
}

/** Files' bytes with hardlinks at zero, and each folder's total of them, for the shown paths. */
export function uniqueBytes(analysis: AnalysisSummary, view: TreeView): Float64Array {
  const n = nameCount(analysis.names);
  const out = new Float64Array(n);
  const hardlink = KINDS.indexOf('hardlink');
  const dir = KINDS.indexOf('dir');
  for (let p = n - 1; p > 0; p--) {
    if (!view.shown[p]) continue;
    if (view.kind[p] !== dir && view.kind[p] !== hardlink) out[p]! += view.bytes[p]!;
    out[analysis.parents[p]!]! += out[p]!;
  }
  return out;
}

export function pathOf(analysis: AnalysisSummary, id: number): string {
  const parts: string[] = [];
  for (let p = id; p > 0; p = analysis.parents[p]!) parts.push(nameAt(analysis.names, p));
  return `/${parts.reverse().join('/')}`;
}

/** The tree of what is drawn below `focus`, pruned by area. */
export function mapTree(
  analysis: AnalysisSummary,
  view: TreeView,
  bytes: Float64Array,
  children: ChildIndex,
  focus: number,
  hidden: HiddenFile[] | null,
  area: number,
): MapNode {
  const total = bytes[focus]! + (hidden ? hidden.reduce((n, h) => n + h.bytes, 0) : 0);
  const dir = KINDS.indexOf('dir');
  const areaOf = (b: number) => (total > 0 ? (area * b) / total : 0);
  const build = (p: number, path: string): MapNode => {
    const isDir = view.kind[p] === dir || p === 0;
    const node: MapNode = {
      id: p,
      name: p === 0 ? '/' : nameAt(analysis.names, p),
      path,
      kind: isDir ? 'dir' : 'file',
      value: isDir ? 0 : bytes[p]!,
      layer: view.writer[p]!,
      change: view.change[p]!,
    };
    if (!isDir) return node;
    const kids = childrenAt(children, p).filter((c) => view.shown[c] && bytes[c]! > 0);
    kids.sort((a, b) => bytes[b]! - bytes[a]!);
    node.children = [];
    let rest = 0;
    let restCount = 0;
    for (const c of kids) {
      if (areaOf(bytes[c]!) >= MIN_AREA)
        node.children.push(build(c, `${path === '/' ? '' : path}/${nameAt(analysis.names, c)}`));
      else {
        rest += bytes[c]!;
        restCount++;
      }
    }
    if (rest > 0)
      node.children.push({
        id: -1,
        name: `${restCount} smaller`,
        path: `${path === '/' ? '' : path}/ (${restCount} smaller entries)`,
        kind: 'rest',
        value: rest,
        layer: -1,
        change: 0,
      });
    return node;
  };
  const root = build(focus, pathOf(analysis, focus));
  if (focus === 0) root.path = '/';
  if (hidden && hidden.length > 0) {
    root.children ??= [];
    root.children.push({
      id: -1,
      name: 'hidden by later layers',
      path: '(data stored in lower layers, hidden at the top)',
      kind: 'dir',
      value: 0,
      layer: -1,
      change: 0,
      children: hidden.map((h) => ({
        id: -1,
        name: h.path.split('/').at(-1) ?? h.path,
        path: `/${h.path}`,
        kind: 'hidden' as const,
        value: h.bytes,
        layer: h.storedIn,
        change: 0,
      })),
    });
  }
  return root;
}

export function layoutOf(
  tree: MapNode,
  width: number,
  height: number,
): HierarchyRectangularNode<MapNode> {
  const root = hierarchy(tree, (d) => d.children)
    .sum((d) => (d.children ? 0 : d.value))
    .sort((a, b) => (b.value ?? 0) - (a.value ?? 0));
  return treemap<MapNode>().tile(treemapSquarify).size([width, height]).round(false)(root);
}
