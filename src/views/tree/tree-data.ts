import type { ChildIndex } from '../../core/fs/child-index.ts';
import { nameAt } from '../../core/fs/path-names.ts';
import { Change } from '../../core/fs/versions.ts';
import type { TreeView } from '../../core/fs/view.ts';
import { KINDS } from '../../core/layer/entries.ts';
import type { ChangeClass, SortOrder } from '../../state/explorer-slice.ts';
import type { AnalysisSummary } from '../../worker/protocol.ts';

/** A row as react-arborist sees it: an id and a name; everything else is read from the view. */
export interface Row {
  id: string;
  pid: number;
  name: string;
  isDir: boolean;
}

const CLASS_OF: Record<number, ChangeClass> = {
  [Change.Added]: 'added',
  [Change.Content]: 'modified',
  [Change.Metadata]: 'modified',
  [Change.Unchanged]: 'unchanged',
  [Change.Deleted]: 'deleted',
};

export function changeClass(change: number): ChangeClass | null {
  return CLASS_OF[change] ?? null;
}

/**
 * Which paths the tree shows: the view's own set, less the change classes switched off, and, when
 * a filter is on, only matches and the folders above them. A folder stays when anything below it
 * stays. One pass over the path ids, children before parents.
 */
export function visibleMask(
  view: TreeView,
  parents: Int32Array,
  show: Record<ChangeClass, boolean>,
  matches: Int32Array | null,
): Uint8Array {
  const n = view.shown.length;
  const mask = new Uint8Array(n);
  const allClasses = show.added && show.modified && show.deleted && show.unchanged;
  if (matches) {
    for (const id of matches) if (view.shown[id]) mask[id] = 1;
  } else if (allClasses) {
    mask.set(view.shown);
  } else {
    for (let p = 1; p < n; p++) {
      if (!view.shown[p]) continue;
      const cls = changeClass(view.change[p]!);
      // A path this layer did not touch counts as unchanged (dive's "hide unmodified"): with
      // Unchanged off only the change set stays, with the folders above it.
      if (cls === null ? view.mode === 'merged' && show.unchanged : show[cls]) mask[p] = 1;
    }
  }
  if (matches && !allClasses) {
    for (let p = 1; p < n; p++) {
      const cls = changeClass(view.change[p]!);
      if (mask[p] && cls !== null && !show[cls]) mask[p] = 0;
    }
  }
  for (let p = n - 1; p > 0; p--) if (mask[p]) mask[parents[p]!] = 1;
  mask[0] = 1;
  return mask;
}

const EMPTY: Row[] = [];

/** Builds rows folder by folder, only when asked (react-arborist asks only for open folders). */
export class RowSource {
  private readonly cache = new Map<number, Row[]>();

  constructor(
    private readonly analysis: AnalysisSummary,
    private readonly index: ChildIndex,
    private readonly view: TreeView,
    private readonly mask: Uint8Array,
    private readonly sort: SortOrder,
  ) {}

  isDir(pid: number): boolean {
    return KINDS[this.view.kind[pid]!] === 'dir' || pid === 0;
  }

  children(pid: number): Row[] {
    let rows = this.cache.get(pid);
    if (rows) return rows;
    const { offsets, ids } = this.index;
    const kids: number[] = [];
    for (let i = offsets[pid]!; i < offsets[pid + 1]!; i++)
      if (this.mask[ids[i]!]) kids.push(ids[i]!);
    const { names } = this.analysis;
    const bytes = this.view.bytes;
    // Names made once per folder shown, then sorted with them.
    const named = kids.map((id) => ({ id, name: nameAt(names, id), isDir: this.isDir(id) }));
    named.sort(
      this.sort === 'size'
        ? (a, b) => bytes[b.id]! - bytes[a.id]! || compareNames(a.name, b.name)
        : (a, b) => Number(b.isDir) - Number(a.isDir) || compareNames(a.name, b.name),
    );
    rows =
      named.length === 0
        ? EMPTY
        : named.map(({ id, name, isDir }) => ({ id: String(id), pid: id, name, isDir }));
    this.cache.set(pid, rows);
    return rows;
  }
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export const NO_CHILDREN: readonly Row[] = EMPTY;
