import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { layersOf } from '../../testing/layers.ts';
import { cleanPath } from '../../testing/path-model.ts';
import type { TarInput } from '../../testing/tar-writer.ts';
import { changeLists } from './analyze-image.ts';
import { largestFiles } from './largest-files.ts';
import { finalCounts, mergedAt } from './merged.ts';
import { PathVersions } from './versions.ts';

/** A layer's change lists as plain arrays, as the report's JSON has them. */
const plainChanges = (versions: Parameters<typeof changeLists>[0], layer: number) =>
  JSON.parse(JSON.stringify(changeLists(versions, layer))) as Record<string, string[]> & {
    counts: Record<string, number>;
  };

/**
 * The real layer application against a deliberately simple reference: a Map from path to what is
 * there, whiteouts and opaque markers done first by prefix deletion, then entries in order; the
 * folders of every path followed through symlinks first, inside the root (at most 40 links).
 */
type Node = { kind: 'dir' | 'file' | 'symlink'; content: string };

function real(state: Map<string, Node>, path: string): string {
  const parts = path.split('/');
  const name = parts.pop()!;
  let rest = parts;
  let done: string[] = [];
  let hops = 0;
  while (rest.length > 0) {
    const [head, ...tail] = rest;
    const candidate = [...done, head!].join('/');
    const node = state.get(candidate);
    if (node?.kind === 'symlink') {
      if (hops === 40) return path;
      hops++;
      const target = node.content.slice(2);
      const lead = cleanPath(target.startsWith('/') ? target : [...done, target].join('/'));
      rest = [...(lead ? lead.split('/') : []), ...tail];
      done = [];
    } else {
      done = [...done, head!];
      rest = tail;
    }
  }
  return [...done, name].join('/');
}

function reference(stack: TarInput[][]): Map<string, Node>[] {
  const state = new Map<string, Node>();
  const dropBelow = (p: string) => {
    for (const key of [...state.keys()]) if (key.startsWith(`${p}/`)) state.delete(key);
  };
  const out: Map<string, Node>[] = [];
  for (const layer of stack) {
    for (const e of layer) {
      const name = real(state, e.name.replace(/\/$/, ''));
      const slash = name.lastIndexOf('/');
      const dir = slash < 0 ? '' : name.slice(0, slash);
      const base = name.slice(slash + 1);
      if (base === '.wh..wh..opq') {
        if (dir) dropBelow(dir);
        else state.clear();
      } else if (base.startsWith('.wh.')) {
        const target = `${dir ? `${dir}/` : ''}${base.slice(4)}`;
        state.delete(target);
        dropBelow(target);
      }
    }
    for (const e of layer) {
      const path = real(state, e.name.replace(/\/$/, ''));
      const slash = path.lastIndexOf('/');
      const base = path.slice(slash + 1);
      const parts = path.split('/');
      if (base.startsWith('.wh.')) {
        if (base === '.wh..wh..opq' && parts.length > 1)
          ensureParents(state, [...parts.slice(0, -1), 'x'], dropBelow);
        continue;
      }
      ensureParents(state, parts, dropBelow);
      const kind = e.kind === 'dir' ? 'dir' : e.kind === 'symlink' ? 'symlink' : 'file';
      const old = state.get(path);
      if (old?.kind === 'dir' && kind !== 'dir') dropBelow(path);
      let content = kind === 'symlink' ? `->${e.linkname}` : String(e.data ?? '');
      if (e.kind === 'hardlink') {
        const target = state.get(real(state, e.linkname ?? ''));
        content = target?.kind === 'file' ? target.content : '';
      }
      state.set(path, { kind, content: kind === 'dir' ? '' : content });
    }
    out.push(new Map(state));
  }
  return out;
}

function ensureParents(state: Map<string, Node>, parts: string[], dropBelow: (p: string) => void) {
  for (let i = 1; i < parts.length; i++) {
    const p = parts.slice(0, i).join('/');
    const node = state.get(p);
    if (node?.kind === 'dir') continue;
    if (node) dropBelow(p);
    state.set(p, { kind: 'dir', content: '' });
  }
}

const name = fc.constantFrom('a', 'b', 'c', 'é');
const path = fc.array(name, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/'));
const entry: fc.Arbitrary<TarInput> = fc.oneof(
  fc.record({ name: path, data: fc.constantFrom('', '1', '22', 'xy') }),
  path.map((p) => ({ name: `${p}/`, kind: 'dir' as const })),
  fc.record({ name: path, linkname: path }).map((e) => ({ ...e, kind: 'symlink' as const })),
  fc.record({ name: path, linkname: path }).map((e) => ({ ...e, kind: 'hardlink' as const })),
  path.map((p) => {
    const slash = p.lastIndexOf('/');
    return { name: `${p.slice(0, slash + 1)}.wh.${p.slice(slash + 1)}`, data: '' };
  }),
  path.map((p) => ({ name: `${p}/.wh..wh..opq`, data: '' })),
);
const stack = fc.array(fc.array(entry, { maxLength: 6 }), { minLength: 1, maxLength: 5 });

describe('layer application against a simple reference model', () => {
  it('gives the same filesystem and the same added and deleted paths after every layer, for random stacks', async () => {
    await fc.assert(
      fc.asyncProperty(stack, async (layers) => {
        const history = new PathVersions(await layersOf(layers));
        const expected = reference(layers);
        for (let n = 0; n < layers.length; n++) {
          const view = mergedAt(history, n);
          if (n === layers.length - 1) {
            // The final counts, made without a view, agree with the top view.
            const counts = finalCounts(history);
            expect(counts.uniqueBytes).toBe(view.bytes[0]);
            expect(counts.entries).toBe(view.count[0]);
          }
          const actual = new Map<string, Node>();
          for (let p = 1; p < view.version.length; p++) {
            const v = view.version[p]!;
            if (v < 0) continue;
            const d = history.describe(v);
            const kind = d.kind === 'dir' ? 'dir' : d.kind === 'symlink' ? 'symlink' : 'file';
            const content =
              kind === 'symlink' ? `->${d.link}` : kind === 'dir' ? '' : 'x'.repeat(d.size);
            actual.set(history.table.path(p), { kind, content });
          }
          const simplified = new Map(
            [...expected[n]!].map(([k, v]) => [
              k,
              { ...v, content: v.kind === 'file' ? 'x'.repeat(v.content.length) : v.content },
            ]),
          );
          expect(actual).toEqual(simplified);
          const before = n === 0 ? new Map<string, Node>() : expected[n - 1]!;
          const changes = plainChanges(history, n);
          const added = [...expected[n]!.keys()].filter((k) => !before.has(k)).map((k) => `/${k}`);
          const deleted = [...before.keys()]
            .filter((k) => !expected[n]!.has(k))
            .map((k) => `/${k}`);
          expect(changes.added).toEqual(added.sort());
          expect(changes.deleted).toEqual(deleted.sort());
        }
      }),
      { numRuns: 300, seed: 20261127 },
    );
  });

  it("compares versions' content and reads their kind and size as describe gives them, for random stacks", async () => {
    await fc.assert(
      fc.asyncProperty(stack, async (layers) => {
        const history = new PathVersions(await layersOf(layers));
        const all = Array.from({ length: history.versionCount }, (_, v) => v);
        for (const a of all) {
          const d = history.describe(a);
          expect(history.dataKind(a)).toBe(d.kind);
          expect(history.dataSize(a)).toBe(d.size);
          for (const b of all) {
            const e = history.describe(b);
            const same =
              d.kind === e.kind && d.size === e.size && d.hash === e.hash && d.link === e.link;
            expect(history.sameContent(a, b)).toBe(same);
          }
        }
      }),
      { numRuns: 300, seed: 20261129 },
    );
  });
});

describe('the largest files of an image', () => {
  it('are those a sort of every file by size gives (ties in path order, shared data once), for random stacks', async () => {
    await fc.assert(
      fc.asyncProperty(stack, fc.integer({ min: 1, max: 6 }), async (layers, limit) => {
        const history = new PathVersions(await layersOf(layers));
        const top = mergedAt(history, layers.length - 1);
        const files: { p: number; bytes: number }[] = [];
        for (let p = 1; p < top.version.length; p++) {
          const v = top.version[p]!;
          if (v < 0 || history.isDir(v) || history.kind(v) === 'symlink' || !top.bytes[p]) continue;
          files.push({ p, bytes: top.bytes[p]! });
        }
        files.sort((x, y) => y.bytes - x.bytes);
        const seen = new Set<number>();
        const expected: { path: string; bytes: number; layer: number }[] = [];
        for (const { p, bytes } of files) {
          const v = top.version[p]!;
          if (seen.has(history.dataKey(v))) continue;
          seen.add(history.dataKey(v));
          if (expected.length < limit)
            expected.push({ path: `/${history.table.path(p)}`, bytes, layer: history.vLayer[v]! });
        }
        expect(largestFiles(history, top, limit)).toEqual(expected);
      }),
      { numRuns: 300, seed: 20261129 },
    );
  });
});
