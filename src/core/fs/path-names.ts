/**
 * The last parts of a run of the path table's paths (ids `from` on, the root's ''), as they cross
 * to the page and are kept there: one string of every name and where each ends in it, instead of
 * a string per path. A million paths cross as one string of 12 MB instead of a million strings
 * (Chromium: 60 ms to make in the worker and about 15 ms to take in, against 130-990 ms for a
 * million strings cloned), and the page keeps one string instead of a million.
 */
export interface PathNames {
  text: string;
  /** Where each name ends in `text`; the first starts at 0. */
  ends: Int32Array;
}

export const NO_NAMES: PathNames = { text: '', ends: new Int32Array(0) };

export function nameCount(names: PathNames): number {
  return names.ends.length;
}

/** Name `i` of the run (made when asked: only the names shown are ever made). */
export function nameAt(names: PathNames, i: number): string {
  const { ends } = names;
  return names.text.slice(i === 0 ? 0 : ends[i - 1]!, ends[i]!);
}

/** Every name of the run, in order (for tests and small tables). */
export function allNames(names: PathNames): string[] {
  return Array.from({ length: nameCount(names) }, (_, i) => nameAt(names, i));
}

/** The run `more` after `names`, as one. */
export function joinNames(names: PathNames, more: PathNames): PathNames {
  const ends = new Int32Array(names.ends.length + more.ends.length);
  ends.set(names.ends);
  const shift = names.text.length;
  for (let i = 0; i < more.ends.length; i++) ends[names.ends.length + i] = more.ends[i]! + shift;
  return { text: names.text + more.text, ends };
}

/**
 * The id of `path` (parts joined by '/', no leading slash) among names with these `parents`,
 * walking down one part at a time. Nothing is kept: a map of every path to its id held a string
 * per path, 140 MB on the page for a million, for as long as the image was shown.
 */
export function idOfPath(names: PathNames, parents: Int32Array, path: string): number | undefined {
  if (path === '') return undefined;
  let id = 0;
  for (const part of path.split('/')) {
    const child = childNamed(names, parents, id, part);
    if (child === undefined) return undefined;
    id = child;
  }
  return id;
}

/** The child of `parent` called `name`: one pass over the ids, comparing names in place. */
function childNamed(
  names: PathNames,
  parents: Int32Array,
  parent: number,
  name: string,
): number | undefined {
  const { text, ends } = names;
  for (let id = 1; id < ends.length; id++) {
    if (parents[id] !== parent) continue;
    const start = ends[id - 1]!;
    if (ends[id]! - start === name.length && text.startsWith(name, start)) return id;
  }
  return undefined;
}
