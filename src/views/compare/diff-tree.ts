import type { ChangeKind, ImageComparison } from '../../core/compare/compare-images.ts';

export type DiffChange = 'added' | 'removed' | 'changed' | 'parent';

/** One row of the comparison tree: a path that differs, or a folder above such paths. */
export interface DiffNode {
  /** The absolute path. */
  id: string;
  name: string;
  change: DiffChange;
  kinds: ChangeKind[];
  /** What the path holds on the right minus on the left; for a folder, the sum below it too. */
  delta: number;
  leftBytes: number;
  rightBytes: number;
  isDir: boolean;
  /** Paths that differ at or below this one. */
  differences: number;
  children: DiffNode[] | null;
}

export type DiffSort = 'name' | 'delta';

/**
 * The differences of two top filesystems as a tree: every listed path with the folders above it,
 * folder deltas summed from below. `keep` (a filter) leaves the matching paths and their parents.
 */
export function diffTree(
  files: ImageComparison['files'],
  facts: ImageComparison['fileFacts'],
  sort: DiffSort,
  keep: (path: string) => boolean = () => true,
): DiffNode[] {
  const root: DiffNode = node('/', 'parent', 0, 0, true);
  const byPath = new Map<string, DiffNode>([['', root]]);
  const place = (path: string, make: () => DiffNode): DiffNode => {
    let found = byPath.get(path);
    if (found) {
      const made = make();
      Object.assign(found, { ...made, children: found.children ?? made.children });
      return found;
    }
    const slash = path.lastIndexOf('/');
    const parentPath = path.slice(0, slash);
    let parent = byPath.get(parentPath);
    if (!parent) parent = place(parentPath, () => node(parentPath, 'parent', 0, 0, true));
    parent.isDir = true;
    parent.children ??= [];
    found = make();
    parent.children.push(found);
    byPath.set(path, found);
    return found;
  };
  files.added.forEach((path, i) => {
    if (!keep(path)) return;
    const dir = facts.addedKinds[i] === 'dir';
    place(path, () => node(path, 'added', 0, facts.addedBytes[i]!, dir));
  });
  files.removed.forEach((path, i) => {
    if (!keep(path)) return;
    const dir = facts.removedKinds[i] === 'dir';
    place(path, () => node(path, 'removed', facts.removedBytes[i]!, 0, dir));
  });
  files.changed.forEach((c, i) => {
    if (!keep(c.path)) return;
    const dir = facts.changedKinds[i] === 'dir';
    place(c.path, () => ({
      ...node(c.path, 'changed', c.leftBytes, c.rightBytes, dir),
      kinds: c.kinds,
    }));
  });
  total(root);
  order(root, sort);
  return root.children ?? [];
}

function node(
  path: string,
  change: DiffChange,
  leftBytes: number,
  rightBytes: number,
  isDir: boolean,
): DiffNode {
  return {
    id: path,
    name: path.slice(path.lastIndexOf('/') + 1),
    change,
    kinds: [],
    delta: isDir ? 0 : rightBytes - leftBytes,
    leftBytes,
    rightBytes,
    isDir,
    differences: change === 'parent' ? 0 : 1,
    children: isDir ? [] : null,
  };
}

/** Sums deltas and counts upwards; an explicit stack, as trees may be deep. */
function total(root: DiffNode): void {
  const order: DiffNode[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    order.push(n);
    for (const c of n.children ?? []) stack.push(c);
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const n = order[i]!;
    for (const c of n.children ?? []) {
      n.delta += c.delta;
      n.differences += c.differences;
    }
  }
}

function order(root: DiffNode, sort: DiffSort): void {
  const stack = [root];
  const compare =
    sort === 'delta'
      ? (a: DiffNode, b: DiffNode) => Math.abs(b.delta) - Math.abs(a.delta) || byName(a, b)
      : byName;
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (!n.children) continue;
    n.children.sort(compare);
    for (const c of n.children) stack.push(c);
  }
}

function byName(a: DiffNode, b: DiffNode): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
