import type { FoundWithPurl, PackageChanges } from './catalog.ts';

/** By type and name: names new in this layer, names gone, names whose versions changed. */
export function changesBetween(below: FoundWithPurl[], now: FoundWithPurl[]): PackageChanges {
  const group = (list: FoundWithPurl[]) => {
    const m = new Map<string, FoundWithPurl[]>();
    for (const p of list) {
      const k = `${p.type}\0${p.name}`;
      const g = m.get(k);
      if (g) g.push(p);
      else m.set(k, [p]);
    }
    return m;
  };
  const a = group(below);
  const b = group(now);
  const versionsOf = (g: FoundWithPurl[]) =>
    [...new Set(g.map((p) => p.version))].sort().join(', ');
  const changes: PackageChanges = { added: [], removed: [], changed: [] };
  for (const [k, g] of b) {
    const was = a.get(k);
    if (!was) changes.added.push(...new Set(g.map((p) => p.purl)));
    else if (versionsOf(was) !== versionsOf(g))
      changes.changed.push({
        name: g[0]!.name,
        type: g[0]!.type,
        from: versionsOf(was),
        to: versionsOf(g),
      });
  }
  for (const [k, g] of a) if (!b.has(k)) changes.removed.push(...new Set(g.map((p) => p.purl)));
  changes.added.sort();
  changes.removed.sort();
  changes.changed.sort((x, y) => x.name.localeCompare(y.name) || x.type.localeCompare(y.type));
  return changes;
}
