/**
 * Every path any layer mentions, each with a small integer id. Ids are handed out parents first,
 * so walking ids from high to low visits children before their parents.
 */
export class PathTable {
  readonly names: string[] = [''];
  readonly paths: string[] = [''];
  readonly parents: number[] = [-1];
  /** Children of each path; undefined for a path with none (most are files: no array each). */
  readonly children: (number[] | undefined)[] = [[]];
  private readonly ids = new Map<string, number>([['', 0]]);

  get size(): number {
    return this.paths.length;
  }

  get(path: string): number | undefined {
    return this.ids.get(path);
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
    for (let i = missing.length - 1; i >= 0; i--) {
      const p = missing[i]!;
      const id = this.paths.length;
      this.paths.push(p);
      this.names.push(p.slice(p.lastIndexOf('/') + 1));
      this.parents.push(parent);
      this.children.push(undefined);
      const siblings = this.children[parent];
      if (siblings) siblings.push(id);
      else this.children[parent] = [id];
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
