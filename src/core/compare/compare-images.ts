import type { ImageConfigSummary, ImageRecord } from '../image/model.ts';
import { platformText } from '../image/model.ts';
import type { FsSnapshot } from './snapshot.ts';

/** What one image brings to a comparison: its record, top filesystem and layer sizes. */
export interface CompareSide {
  record: ImageRecord;
  snapshot: FsSnapshot;
  /** Uncompressed tar size of each layer (null when the layer is not in the archive). */
  layerSizes: (number | null)[];
}

export type ChangeKind = 'type' | 'content' | 'link' | 'mode' | 'owner';

export interface ChangedPath {
  path: string;
  kinds: ChangeKind[];
  leftBytes: number;
  rightBytes: number;
}

export interface FileFacts {
  addedBytes: number[];
  addedKinds: string[];
  removedBytes: number[];
  removedKinds: string[];
  /** The right side's kind of each changed path. */
  changedKinds: string[];
}

export interface EnvDifference {
  /** `NAME=value` as the right image sets it; the left does not set NAME. */
  added: string[];
  /** `NAME=value` as the left image sets it; the right does not set NAME. */
  removed: string[];
  changed: { name: string; left: string; right: string }[];
}

export interface ConfigDifferences {
  entrypoint?: { left: string[] | null; right: string[] | null };
  cmd?: { left: string[] | null; right: string[] | null };
  env?: EnvDifference;
  workingDir?: { left: string; right: string };
  user?: { left: string; right: string };
  labels?: { left: Record<string, string>; right: Record<string, string> };
  exposedPorts?: { left: string[]; right: string[] };
  volumes?: { left: string[]; right: string[] };
  platform?: { left: string; right: string };
  created?: { left: string | null; right: string | null };
}

export interface ByteTotals {
  left: number;
  right: number;
  /** Bytes of the layers both images hold (same diff_id), counted once. */
  shared: number;
  onlyLeft: number;
  onlyRight: number;
}

/** The comparison `analyze A --compare B --json` prints (documented in README.md). */
export interface ImageComparison {
  left: { id: string; tags: string[] };
  right: { id: string; tags: string[] };
  /** diff_ids equal at the same position, bottom up. */
  sharedLayers: string[];
  /** How many layers from the bottom are the same in both: the common base. */
  commonBase: number;
  config: ConfigDifferences;
  files: { added: string[]; removed: string[]; changed: ChangedPath[] };
  /** For the page (not in the CLI's JSON): each listed path's size and kind, in list order. */
  fileFacts: FileFacts;
  /** Uncompressed layer bytes. */
  bytes: ByteTotals;
  /** The same for the layer blobs as stored (compressed where they are). */
  storedBytes: ByteTotals;
  identical: boolean;
}

export function compareImages(left: CompareSide, right: CompareSide): ImageComparison {
  const a = left.record;
  const b = right.record;
  const sharedLayers: string[] = [];
  let commonBase = 0;
  let diverged = false;
  for (let i = 0; i < Math.min(a.layers.length, b.layers.length); i++) {
    const id = a.layers[i]!.diffId;
    const same = id !== null && id === b.layers[i]!.diffId;
    if (same) sharedLayers.push(id);
    if (!same) diverged = true;
    if (!diverged) commonBase++;
  }
  const config = configDifferences(a, b);
  const { files, fileFacts } = fileDifferences(left.snapshot, right.snapshot);
  const bytes = byteTotals(left, right, (side, i) => side.layerSizes[i] ?? 0);
  const storedBytes = byteTotals(
    left,
    right,
    (side, i) => side.record.layers[i]!.compressedBytes ?? 0,
  );
  return {
    left: { id: a.id, tags: a.tags },
    right: { id: b.id, tags: b.tags },
    sharedLayers,
    commonBase,
    config,
    files,
    fileFacts,
    bytes,
    storedBytes,
    identical:
      Object.keys(config).length === 0 &&
      files.added.length + files.removed.length + files.changed.length === 0,
  };
}

/** Layers counted by diff_id, each once: shared are those both images hold. */
function byteTotals(
  left: CompareSide,
  right: CompareSide,
  size: (side: CompareSide, layer: number) => number,
): ByteTotals {
  const bySide = (side: CompareSide) => {
    const layers = new Map<string, number>();
    side.record.layers.forEach((layer, i) => {
      layers.set(layer.diffId ?? `#${i}`, size(side, i));
    });
    return layers;
  };
  const l = bySide(left);
  const r = bySide(right);
  const sum = (m: Map<string, number>, keep: (id: string) => boolean) =>
    [...m].reduce((n, [id, bytes]) => (keep(id) ? n + bytes : n), 0);
  // A layer missing its diff_id is never shared (its key names its position, with a `#`).
  const shared = sum(l, (id) => !id.startsWith('#') && r.has(id));
  return {
    left: sum(l, () => true),
    right: sum(r, () => true),
    shared,
    onlyLeft: sum(l, (id) => id.startsWith('#') || !r.has(id)),
    onlyRight: sum(r, (id) => id.startsWith('#') || !l.has(id)),
  };
}

const PLAIN_FIELDS = [
  'entrypoint',
  'cmd',
  'workingDir',
  'user',
  'labels',
  'exposedPorts',
  'volumes',
] as const satisfies readonly (keyof ImageConfigSummary)[];

function configDifferences(a: ImageRecord, b: ImageRecord): ConfigDifferences {
  const out: Record<string, unknown> = {};
  for (const field of PLAIN_FIELDS) {
    const left = a.config[field];
    const right = b.config[field];
    if (!sameValue(left, right)) out[field] = { left, right };
  }
  const env = envDifference(a.config.env, b.config.env);
  if (env.added.length + env.removed.length + env.changed.length > 0) out.env = env;
  const pa = platformText(a.platform);
  const pb = platformText(b.platform);
  if (pa !== pb) out.platform = { left: pa, right: pb };
  if (a.created !== b.created) out.created = { left: a.created, right: b.created };
  return out as ConfigDifferences;
}

/** Order matters for lists (cmd, entrypoint) but not for the keys of labels. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) return JSON.stringify(a) === JSON.stringify(b);
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return (
      JSON.stringify(ka) === JSON.stringify(kb) &&
      ka.every((k) => (a as Record<string, unknown>)[k] === (b as Record<string, unknown>)[k])
    );
  }
  return false;
}

/** Variables by name (`NAME=value`; a bare `NAME` has an empty value); the last setting wins. */
export function envDifference(left: string[], right: string[]): EnvDifference {
  const byName = (list: string[]) => {
    const m = new Map<string, string>();
    for (const item of list) {
      const eq = item.indexOf('=');
      m.set(eq < 0 ? item : item.slice(0, eq), eq < 0 ? '' : item.slice(eq + 1));
    }
    return m;
  };
  const l = byName(left);
  const r = byName(right);
  const diff: EnvDifference = { added: [], removed: [], changed: [] };
  for (const [name, value] of r) {
    const was = l.get(name);
    if (was === undefined) diff.added.push(`${name}=${value}`);
    else if (was !== value) diff.changed.push({ name, left: was, right: value });
  }
  for (const [name, value] of l) if (!r.has(name)) diff.removed.push(`${name}=${value}`);
  diff.added.sort();
  diff.removed.sort();
  diff.changed.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  return diff;
}

/**
 * Every path of the two top filesystems: added (only on the right), removed (only on the left),
 * changed (type, content by hash, link target, mode, or owner differ; mtime is ignored). A path
 * whose type changed is not compared further for content or link.
 */
export function fileDifferences(
  left: FsSnapshot,
  right: FsSnapshot,
): Pick<ImageComparison, 'files' | 'fileFacts'> {
  const rowOf = new Map<string, number>();
  for (const [i, path] of left.paths.entries()) rowOf.set(path, i);
  type Row = { path: string; bytes: number; kind: string };
  const added: Row[] = [];
  const changed: (ChangedPath & { kind: string })[] = [];
  const seen = new Uint8Array(left.paths.length);
  for (const [j, path] of right.paths.entries()) {
    const i = rowOf.get(path);
    if (i === undefined) {
      added.push({ path: `/${path}`, bytes: right.sizes[j]!, kind: right.kinds[j]! });
      continue;
    }
    seen[i] = 1;
    const kinds: ChangeKind[] = [];
    if (left.kinds[i] !== right.kinds[j]) kinds.push('type');
    else {
      if (left.sizes[i] !== right.sizes[j] || left.hashes[i] !== right.hashes[j])
        kinds.push('content');
      if (left.links[i] !== right.links[j]) kinds.push('link');
    }
    if (left.modes[i] !== right.modes[j]) kinds.push('mode');
    if (left.uids[i] !== right.uids[j] || left.gids[i] !== right.gids[j]) kinds.push('owner');
    if (kinds.length > 0)
      changed.push({
        path: `/${path}`,
        kinds,
        leftBytes: left.sizes[i]!,
        rightBytes: right.sizes[j]!,
        kind: right.kinds[j]!,
      });
  }
  const removed: Row[] = [];
  for (const [i, path] of left.paths.entries())
    if (!seen[i]) removed.push({ path: `/${path}`, bytes: left.sizes[i]!, kind: left.kinds[i]! });
  const byPath = (x: { path: string }, y: { path: string }) =>
    x.path < y.path ? -1 : x.path > y.path ? 1 : 0;
  added.sort(byPath);
  removed.sort(byPath);
  changed.sort(byPath);
  return {
    files: {
      added: added.map((r) => r.path),
      removed: removed.map((r) => r.path),
      changed: changed.map(({ kind, ...c }) => c),
    },
    fileFacts: {
      addedBytes: added.map((r) => r.bytes),
      addedKinds: added.map((r) => r.kind),
      removedBytes: removed.map((r) => r.bytes),
      removedKinds: removed.map((r) => r.kind),
      changedKinds: changed.map((c) => c.kind),
    },
  };
}
