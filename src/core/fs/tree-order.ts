import { KINDS } from '../layer/entries.ts';
import { nameAt, type PathNames } from './path-names.ts';
import type { TreeView } from './view.ts';

/** How the tree sorts siblings: folders first then by name, or largest first. */
export type SiblingOrder = 'name' | 'size';

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Matches in the order the tree lists them (depth first, siblings as RowSource sorts them), less
 * those the view does not show, so that "next match" walks down the tree.
 */
export function inTreeOrder(
  matches: Int32Array,
  parents: Int32Array,
  names: PathNames,
  view: TreeView,
  sort: SiblingOrder,
): Int32Array {
  const isDir = (p: number) => KINDS[view.kind[p]!] === 'dir';
  // Each name made once, however often the sort compares it.
  const made = new Map<number, string>();
  const name = (p: number) => {
    let text = made.get(p);
    if (text === undefined) {
      text = nameAt(names, p);
      made.set(p, text);
    }
    return text;
  };
  const sibling =
    sort === 'size'
      ? (a: number, b: number) => view.bytes[b]! - view.bytes[a]! || compareNames(name(a), name(b))
      : (a: number, b: number) =>
          Number(isDir(b)) - Number(isDir(a)) || compareNames(name(a), name(b));
  const chains = new Map<number, number[]>();
  const chain = (p: number) => {
    let c = chains.get(p);
    if (!c) {
      c = [];
      for (let a = p; a > 0; a = parents[a]!) c.push(a);
      c.reverse();
      chains.set(p, c);
    }
    return c;
  };
  const shown = Array.from(matches).filter((p) => view.shown[p]);
  shown.sort((x, y) => {
    const a = chain(x);
    const b = chain(y);
    for (let i = 0; i < Math.min(a.length, b.length); i++)
      if (a[i] !== b[i]) return sibling(a[i]!, b[i]!);
    return a.length - b.length;
  });
  return Int32Array.from(shown);
}

/** How many matches lie below each folder (for the folder rows while a filter is on). */
export function matchesBelow(matches: Int32Array, parents: Int32Array): Map<number, number> {
  const counts = new Map<number, number>();
  for (const m of matches)
    for (let a = parents[m]!; a > 0; a = parents[a]!) counts.set(a, (counts.get(a) ?? 0) + 1);
  return counts;
}
