/** Grows a column to hold at least `need` items (by half again, at least), new cells set to `fill`. */
export function grownColumn(
  column: Int32Array<ArrayBuffer>,
  need: number,
  fill = 0,
): Int32Array<ArrayBuffer> {
  if (need <= column.length) return column;
  const next = new Int32Array(Math.max(need, Math.ceil(column.length * 1.5), 16));
  next.set(column);
  if (fill !== 0) next.fill(fill, column.length);
  return next;
}

const NONE: readonly number[] = [];

/**
 * Every path any layer mentions, each with a small integer id. Ids are handed out parents first,
 * so walking ids from high to low visits children before their parents. Numbers are kept in
 * typed arrays (4 bytes a path, not 8 and a slot), children only for paths that have some: a
 * million paths cost about 70 bytes each, most of it their names and the index by path.
 */
export class PathTable {
  readonly names: string[] = [''];
  readonly paths: string[] = [''];
  /** Each path's parent (the root's is -1); valid below `size`. */
  parents = new Int32Array(1024).fill(-1, 0, 1);
  /** Children of each path that has any (most are files: no array each). */
  private readonly kids = new Map<number, number[]>([[0, []]]);
  private readonly ids = new Map<string, number>([['', 0]]);

  get size(): number {
    return this.paths.length;
  }

  get(path: string): number | undefined {
    return this.ids.get(path);
  }

  children(id: number): readonly number[] {
    return this.kids.get(id) ?? NONE;
  }

  /** Room for `more` paths beyond those held, so that a large layer grows the table once. */
  reserve(more: number): void {
    this.parents = grownColumn(this.parents, this.size + more);
  }

  /** The id of a normalised path, creating it and its missing ancestors. The root is id 0. */
  intern(path: string): number {
    const known = this.ids.get(path);
    if (known !== undefined) return known;
    // Walk up to the nearest known ancestor, then create downwards: no recursion, whatever the depth.
    const missing: string[] = [path];
    let parent = 0;
    for (let p = path; ; ) {
      const slash = p.lastIndexOf('/');
      if (slash < 0) break;
      p = p.slice(0, slash);
      const id = this.ids.get(p);
      if (id !== undefined) {
        parent = id;
        break;
      }
      missing.push(p);
    }
    this.parents = grownColumn(this.parents, this.size + missing.length);
    for (let i = missing.length - 1; i >= 0; i--) {
      const p = missing[i]!;
      const id = this.paths.length;
      this.paths.push(p);
      this.names.push(p.slice(p.lastIndexOf('/') + 1));
      this.parents[id] = parent;
      const siblings = this.kids.get(parent);
      if (siblings) siblings.push(id);
      else this.kids.set(parent, [id]);
      this.ids.set(p, id);
      parent = id;
    }
    return parent;
  }

  /** Ancestors from the top down, the root excluded. */
  ancestors(id: number): number[] {
    const out: number[] = [];
    for (let p = this.parents[id]!; p > 0; p = this.parents[p]!) out.push(p);
    return out.reverse();
  }
}
