import { type LayerEntries, Marker } from '../layer/entries.ts';
import type { PathVersions } from './versions.ts';

/**
 * dive's "image efficiency", reproduced exactly, quirks included, so that its numbers can be
 * compared (wagoodman/dive filetree/efficiency.go `Efficiency`, filetree `AddPath`/`Stack`;
 * summarised in shared/docs/DIVE.md). Strata's own figure is in waste.ts; this one is known to be
 * wrong in the ways DIVE.md lists, and is kept only for comparison.
 */
export interface DiveEfficiency {
  score: number;
  sizeBytes: number;
  userSizeBytes: number;
  wastedBytes: number;
  /** NaN for a one-layer image, as in dive. */
  wastedUserPercent: number;
  inefficientFiles: { path: string; count: number; bytes: number }[];
}

/** A node of dive's tree: intermediate nodes are created with empty info (not directories). */
interface DiveNode {
  /** Created with the first child: most nodes are files, and a Map each would cost megabytes. */
  children: Map<string, DiveNode> | undefined;
  isDir: boolean;
  size: number;
}

const newNode = (): DiveNode => ({ children: undefined, isDir: false, size: 0 });
const NO_CHILDREN: ReadonlyMap<string, DiveNode> = new Map();
const childrenOf = (node: DiveNode): ReadonlyMap<string, DiveNode> => node.children ?? NO_CHILDREN;

/** dive's AddPath: names starting `.wh..wh.` (opaque markers and AUFS files) are not added. */
function addPath(root: DiveNode, path: string, isDir: boolean, size: number): void {
  let node = root;
  const parts = path.split('/');
  for (let i = 0; i < parts.length; i++) {
    const name = parts[i]!;
    if (name === '') continue;
    let child = node.children?.get(name);
    if (!child) {
      if (name.startsWith('.wh..wh.')) return;
      child = newNode();
      node.children ??= new Map();
      node.children.set(name, child);
    }
    node = child;
  }
  node.isDir = isDir;
  node.size = size;
}

function getNode(root: DiveNode, path: string): DiveNode | undefined {
  let node: DiveNode | undefined = root;
  for (const name of path.split('/')) {
    if (name === '') continue;
    node = node.children?.get(name);
    if (!node) return undefined;
  }
  return node;
}

/** Names in Go's sort.Strings order (byte order; the same as UTF-16 order for these names). */
function sortedNames(node: DiveNode): string[] {
  return [...childrenOf(node).keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Children first, siblings sorted by name, the root never visited; `visit` gets each node with
 * its key as dive forms it ("/" + path, a leading `.wh.` stripped from the node's own name) and
 * whether it is a whiteout (dive's IsWhiteout); `visit` returns false to stop the whole walk.
 */
function visitChildFirst(
  node: DiveNode,
  dir: string,
  visit: (n: DiveNode, key: string, whiteout: boolean, parent: DiveNode, name: string) => boolean,
): boolean {
  for (const name of sortedNames(node)) {
    const child = childrenOf(node).get(name)!;
    const path = `${dir}/${name}`;
    if (!visitChildFirst(child, path, visit)) return false;
    const whiteout = name.startsWith('.wh.');
    if (!visit(child, whiteout ? `${dir}/${name.slice(4)}` : path, whiteout, node, name))
      return false;
  }
  return true;
}

function layerTree(entries: LayerEntries): DiveNode {
  const root = newNode();
  for (let i = 0; i < entries.length; i++) {
    // dive keeps whiteout files as nodes; only `.wh..wh.*` names are dropped by addPath.
    if (entries.marker(i) === Marker.Opaque) continue;
    addPath(root, entries.path(i), entries.kind(i) === 'dir', entries.size(i));
  }
  return root;
}

/**
 * dive's Stack, as a merge of the two trees: upper nodes child-first in name order; a whiteout
 * removes its sibling from the lower tree, anything else is added (created empty if missing) and
 * then takes the upper node's info, as AddPath does.
 */
function stack(lower: DiveNode, upper: DiveNode): void {
  for (const name of sortedNames(upper)) {
    const child = childrenOf(upper).get(name)!;
    if (name.startsWith('.wh.')) {
      lower.children?.delete(name.slice(4));
      continue;
    }
    let target = lower.children?.get(name);
    if (!target) {
      target = newNode();
      lower.children ??= new Map();
      lower.children.set(name, target);
    }
    stack(target, child);
    target.isDir = child.isDir;
    target.size = child.size;
  }
}

function subtreeSize(node: DiveNode): number {
  let size = node.size;
  for (const child of childrenOf(node).values()) size += subtreeSize(child);
  return size;
}

/** Whether two paths come in this order in dive's walk: name by name, each in byte order. */
function diveOrder(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++)
    if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return x.length - y.length;
}

/** A layer's leaves in dive's order: each visited with its size and a number that names it. */
interface Leaves {
  forEach(visit: (size: number, leaf: number) => void): void;
  path(leaf: number): string;
}

/**
 * The leaves of a layer without whiteouts (nor any `.wh.` name), without building its tree: a
 * leaf is a path no other path of the layer lies below, and holds the size of its last entry
 * (dive's AddPath overwrites). By path, in a map: one entry a path instead of a node, a map and a
 * string a name.
 */
function plainLeaves(entries: LayerEntries): Leaves {
  const sizes = new Map<string, number>();
  const folders = new Set<string>();
  // Entries come folder by folder: a path in the folder of the one before needs no new string.
  let folder = '';
  for (let i = 0; i < entries.length; i++) {
    const path = entries.path(i);
    sizes.set(path, entries.size(i));
    const last = path.lastIndexOf('/');
    if (last === folder.length && last > 0 && path.startsWith(folder)) continue;
    folder = last > 0 ? path.slice(0, last) : '';
    for (let cut = last; cut > 0; cut = path.lastIndexOf('/', cut - 1)) {
      const above = path.slice(0, cut);
      if (folders.has(above)) break;
      folders.add(above);
    }
  }
  for (const above of folders) sizes.delete(above);
  const list = [...sizes];
  return {
    forEach: (visit) => {
      for (const [j, [, size]] of list.entries()) visit(size, j);
    },
    path: (j) => list[j]![0],
  };
}

/**
 * The same leaves found from the change model's path ids, where it holds this layer: each entry
 * already has a version naming its path's id, so a million paths need no map of strings (the map
 * alone took most of a second here). Undefined when some path was written elsewhere than it says
 * (through a symlinked folder): dive goes by the names as they are.
 */
function leavesById(entries: LayerEntries, versions: PathVersions): Leaves | undefined {
  const layer = versions.layers.lastIndexOf(entries);
  if (layer < 0 || !versions.writtenAsNamed(layer)) return undefined;
  const { vLayer, vEntry, vPath, table } = versions;
  // Versions are made layer after layer: this layer's run is found by halving.
  let lo = 0;
  let hi = versions.versionCount;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (vLayer[mid]! < layer) lo = mid + 1;
    else hi = mid;
  }
  // Per path, the entry that wrote it (-1: none), and whether some entry lies below it.
  const entryOf = new Int32Array(table.size).fill(-1);
  const below = new Uint8Array(table.size);
  let entriesSeen = 0;
  for (let v = lo; v < versions.versionCount && vLayer[v] === layer; v++) {
    const i = vEntry[v]!;
    if (i < 0) continue;
    const p = vPath[v]!;
    entriesSeen++;
    entryOf[p] = i;
    for (let up = table.parents[p]!; up >= 0 && !below[up]; up = table.parents[up]!) below[up] = 1;
  }
  if (entriesSeen !== entries.length) return undefined;
  return {
    forEach: (visit) => {
      for (let p = 1; p < table.size; p++)
        if (entryOf[p]! >= 0 && !below[p]) visit(entries.size(entryOf[p]!), p);
    },
    path: (p) => table.path(p),
  };
}

/**
 * `versions`: the change model of the same layers, if there is one (its path ids find the last
 * layer's leaves). `everyTree`: walk the last layer's tree too, as for the others (the ways must
 * agree; the tests compare them).
 */
export function diveEfficiency(
  layers: { entries: LayerEntries; size: number }[],
  { versions, everyTree = false }: { versions?: PathVersions; everyTree?: boolean } = {},
): DiveEfficiency {
  const data = new Map<string, { cumulative: number; min: number; count: number }>();
  const inefficient: string[] = [];
  const stacked = newNode();
  // Leaves seen once count the same in both sums; only the last layer's are left out of `data`.
  let once = 0;
  for (const [index, layer] of layers.entries()) {
    const last = index === layers.length - 1;
    const leaves =
      last && !everyTree && !layer.entries.anyWhiteoutName
        ? ((versions && leavesById(layer.entries, versions)) ?? plainLeaves(layer.entries))
        : undefined;
    if (leaves) {
      // The last layer needs no tree to stack on: its leaves are measured in dive's order.
      const again: string[] = [];
      leaves.forEach((size, leaf) => {
        const d = data.size > 0 ? data.get(`/${leaves.path(leaf)}`) : undefined;
        if (!d) {
          once += size;
          return;
        }
        d.cumulative += size;
        if (d.min < 0 || size < d.min) d.min = size;
        d.count++;
        if (d.count === 2) again.push(`/${leaves.path(leaf)}`);
      });
      for (const key of again.sort(diveOrder)) inefficient.push(key);
      continue;
    }
    const tree = layerTree(layer.entries);
    visitChildFirst(tree, '', (node, key, whiteout, parent, name) => {
      if (childrenOf(node).size > 0) return true; // only leaves are measured
      let size = node.size;
      if (whiteout) {
        const previous = getNode(stacked, key);
        // dive stops the rest of this layer's walk when a whiteout names nothing below.
        if (!previous) return false;
        size = previous.isDir ? subtreeSize(previous) : 0;
      }
      // A leaf of the last layer that no layer below had, and that no whiteout beside it shares a
      // key with, is measured once: it need not be remembered (a million-file layer, a million
      // records fewer).
      if (last && !whiteout && !data.has(key) && !parent.children?.has(`.wh.${name}`)) {
        once += size;
        return true;
      }
      const d = data.get(key) ?? { cumulative: 0, min: -1, count: 0 };
      d.cumulative += size;
      if (d.min < 0 || size < d.min) d.min = size;
      d.count++;
      data.set(key, d);
      if (d.count === 2) inefficient.push(key);
      return true;
    });
    if (!last) stack(stacked, tree);
  }
  let minimum = once;
  let discovered = once;
  for (const d of data.values()) {
    minimum += d.min;
    discovered += d.cumulative;
  }
  const sizeBytes = layers.reduce((sum, l) => sum + l.size, 0);
  const userSizeBytes = sizeBytes - (layers[0]?.size ?? 0);
  // dive sorts ascending (a stable sort at this size) and lists from the end: largest first,
  // ties in reverse order of discovery.
  const files = inefficient
    .map((path, order) => ({ path, order, ...data.get(path)! }))
    .sort((a, b) => b.cumulative - a.cumulative || b.order - a.order)
    .map(({ path, count, cumulative }) => ({ path, count, bytes: cumulative }));
  const wastedBytes = files.reduce((sum, f) => sum + f.bytes, 0);
  return {
    score: discovered === 0 ? 1 : minimum / discovered,
    sizeBytes,
    userSizeBytes,
    wastedBytes,
    wastedUserPercent: layers.length <= 1 ? Number.NaN : wastedBytes / userSizeBytes,
    inefficientFiles: files,
  };
}
