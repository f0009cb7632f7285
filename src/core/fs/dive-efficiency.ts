import { type LayerEntries, Marker } from '../layer/entries.ts';

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
  name: string;
  children: Map<string, DiveNode>;
  parent: DiveNode | undefined;
  isDir: boolean;
  size: number;
}

const newNode = (name: string, parent: DiveNode | undefined): DiveNode => ({
  name,
  children: new Map(),
  parent,
  isDir: false,
  size: 0,
});

/** dive's AddPath: names starting `.wh..wh.` (opaque markers and AUFS files) are not added. */
function addPath(root: DiveNode, path: string, isDir: boolean, size: number): void {
  let node = root;
  const parts = path.split('/').filter(Boolean);
  for (const [i, name] of parts.entries()) {
    let child = node.children.get(name);
    if (!child) {
      if (name.startsWith('.wh..wh.')) return;
      child = newNode(name, node);
      node.children.set(name, child);
    }
    node = child;
    if (i === parts.length - 1) {
      node.isDir = isDir;
      node.size = size;
    }
  }
}

function getNode(root: DiveNode, path: string): DiveNode | undefined {
  let node: DiveNode | undefined = root;
  for (const name of path.split('/').filter(Boolean)) {
    node = node.children.get(name);
    if (!node) return undefined;
  }
  return node;
}

/** The node's path as dive keys it: "/" + names, a leading `.wh.` stripped from the node's own name. */
function keyOf(node: DiveNode): string {
  const names: string[] = [];
  for (let n: DiveNode | undefined = node; n?.parent; n = n.parent) {
    names.push(n === node && n.name.startsWith('.wh.') ? n.name.slice(4) : n.name);
  }
  return `/${names.reverse().join('/')}`;
}

/** Children first, siblings sorted by name (Go's sort.Strings), the root never visited. */
function visitChildFirst(node: DiveNode, visit: (n: DiveNode) => boolean, root = node): boolean {
  const names = [...node.children.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const name of names) {
    if (!visitChildFirst(node.children.get(name)!, visit, root)) return false;
  }
  return node === root ? true : visit(node);
}

function layerTree(entries: LayerEntries): DiveNode {
  const root = newNode('', undefined);
  for (let i = 0; i < entries.length; i++) {
    // dive keeps whiteout files as nodes; only `.wh..wh.*` names are dropped by addPath.
    if (entries.marker(i) === Marker.Opaque) continue;
    addPath(root, entries.paths[i]!, entries.kind(i) === 'dir', entries.size(i));
  }
  return root;
}

/** dive's Stack: upper nodes child-first; a whiteout removes its path, anything else overwrites. */
function stack(lower: DiveNode, upper: DiveNode): void {
  visitChildFirst(upper, (node) => {
    const key = keyOf(node);
    if (node.name.startsWith('.wh.')) {
      const target = getNode(lower, key);
      target?.parent?.children.delete(target.name);
    } else {
      addPath(lower, key, node.isDir, node.size);
    }
    return true;
  });
}

export function diveEfficiency(layers: { entries: LayerEntries; size: number }[]): DiveEfficiency {
  const data = new Map<string, { cumulative: number; min: number; count: number }>();
  const inefficient: string[] = [];
  const stacked = newNode('', undefined);
  for (const layer of layers) {
    const tree = layerTree(layer.entries);
    visitChildFirst(tree, (node) => {
      if (node.children.size > 0) return true; // only leaves are measured
      const key = keyOf(node);
      let size = node.size;
      if (node.name.startsWith('.wh.')) {
        const previous = getNode(stacked, key);
        // dive stops the rest of this layer's walk when a whiteout names nothing below.
        if (!previous) return false;
        size = 0;
        if (previous.isDir) {
          visitChildFirst(previous, (n) => {
            size += n.size;
            return true;
          });
          size += previous.size;
        }
      }
      const d = data.get(key) ?? { cumulative: 0, min: -1, count: 0 };
      d.cumulative += size;
      if (d.min < 0 || size < d.min) d.min = size;
      d.count++;
      data.set(key, d);
      if (d.count === 2) inefficient.push(key);
      return true;
    });
    stack(stacked, tree);
  }
  let minimum = 0;
  let discovered = 0;
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
