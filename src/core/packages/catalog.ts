import { pathMaker } from '../fs/all-paths.ts';
import type { PathVersions } from '../fs/versions.ts';
import { dpkgCopyrightLicenses, parseDpkgFileList } from './dpkg.ts';
import type { CatalogProblem, FoundPackage, PackageType } from './model.ts';
import { type Distro, parseOsRelease } from './os-release.ts';
import { ownership } from './ownership.ts';
import { changesBetween } from './package-changes.ts';
import { type ParsedBody, parseBody } from './parse-body.ts';
import { purlOf } from './purl.ts';
import { parsePythonMetadata } from './python.ts';
import { LARGEST_BODY, mayBeGoBinary, ROLES, type Role, roleByPath } from './roles.ts';

/** Reads the bodies of some entries of one layer, in any order (one pass over the layer). */
export type ReadBodies = (
  layer: number,
  entries: number[],
  signal?: AbortSignal,
) => AsyncIterable<[entry: number, bytes: Uint8Array]>;

/** A package as the image has it at its top, with where it came from and what it costs. */
export interface PackageRow {
  type: PackageType;
  name: string;
  version: string;
  arch: string | null;
  license: string | null;
  purl: string;
  /** The layer that installed this version (the lowest of the layers up to the top that have it). */
  layer: number;
  source: string;
  /** Owned paths that are not folders, and the bytes of those that are files (shared data once). */
  files: number;
  bytes: number;
}

export interface PackageChanges {
  added: string[];
  removed: string[];
  changed: { name: string; type: PackageType; from: string; to: string }[];
}

export interface ImagePackages {
  packages: PackageRow[];
  /** Per layer: what it did to the packages, and how many there are after it. */
  layers: (PackageChanges & { total: number })[];
  problems: CatalogProblem[];
  /** Path id → index into `packages` of the package that owns it (files at the top only). */
  owners: Map<number, number>;
  /** Files at the top that no package owns, largest first (at most 500), and how many in all. */
  unowned: { path: string; bytes: number }[];
  unownedCount: number;
  unownedBytes: number;
}

interface Candidate {
  path: number;
  role: Role;
}

/**
 * Catalogues an image's packages as they stand after each layer. Only the files the catalogers
 * need are read (databases, manifests, and executables that may be Go binaries), each body once,
 * one pass per layer that holds some; everything else comes from the version store.
 */
export async function catalogImage(
  versions: PathVersions,
  readBodies: ReadBodies,
  options: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<ImagePackages> {
  const table = versions.table;
  const layerCount = versions.layers.length;
  const problems: CatalogProblem[] = [];
  // 1. Which versions to read: by path, and executables that may be Go binaries.
  // Each path's role by id, worked out once: 0 not yet, 1 none, else ROLES[n - 2] (a Map of a
  // million ids took most of the catalogue's time).
  const roleOfPath = new Uint8Array(table.size);
  // Every path in one string to slice: most of a million are looked at once and dropped.
  const pathOf = pathMaker(table);
  const byVersion = new Map<number, Candidate>();
  const wanted = new Map<number, Map<number, { role: Role; path: number; size: number }>>();
  for (let v = 0; v < versions.versionCount; v++) {
    const entry = versions.vEntry[v]!;
    const dataLayer = versions.dataLayer(v);
    if (entry < 0 || dataLayer < 0) continue;
    const p = versions.vPath[v]!;
    let known = roleOfPath[p]!;
    if (known === 0) {
      const found = roleByPath(pathOf(p));
      known = found ? ROLES.indexOf(found) + 2 : 1;
      roleOfPath[p] = known;
    }
    const role = known === 1 ? null : ROLES[known - 2]!;
    const data = versions.layers[dataLayer]!;
    const dataEntry = versions.dataEntry(v);
    if (data.kind(dataEntry) !== 'file') continue;
    const size = data.size(dataEntry);
    const own = versions.layers[versions.vLayer[v]!]!;
    const vRole = role ?? (mayBeGoBinary(own.mode(entry), size) ? 'go' : null);
    if (!vRole) continue;
    byVersion.set(v, { path: p, role: vRole });
    let layerWants = wanted.get(dataLayer);
    if (!layerWants) {
      layerWants = new Map();
      wanted.set(dataLayer, layerWants);
    }
    if (!layerWants.has(dataEntry)) layerWants.set(dataEntry, { role: vRole, path: p, size });
  }
  // 2. Read and parse each body once, keyed by where its data lies.
  const parsed = new Map<number, ParsedBody>();
  const key = (layer: number, entry: number) => layer * 2 ** 32 + entry;
  const total = [...wanted.values()].reduce((n, m) => n + m.size, 0);
  let done = 0;
  for (const [layer, entries] of wanted) {
    const readable: number[] = [];
    for (const [entry, w] of entries) {
      if (w.size > LARGEST_BODY[w.role]) {
        problems.push({
          path: `/${table.path(w.path)}`,
          message: `too large to read for packages (${w.size} bytes)`,
        });
        done++;
      } else readable.push(entry);
    }
    try {
      for await (const [entry, bytes] of readBodies(layer, readable, options.signal)) {
        const w = entries.get(entry)!;
        parsed.set(key(layer, entry), await parseBody(w.role, bytes, table.path(w.path)));
        options.onProgress?.(++done, total);
      }
    } catch (error) {
      if (options.signal?.aborted) throw error;
      problems.push({
        path: `layer ${layer}`,
        message: `its files could not be read for packages (${(error as Error).message})`,
      });
    }
  }
  for (const body of parsed.values())
    if (body.kind === 'packages') problems.push(...body.result.problems);

  // 3. The packages after each layer; recomputed only where a cataloged path changed.
  const candidatePaths = new Set([...byVersion.values()].map((c) => c.path));
  const visible = (layer: number) => {
    const out: { path: number; role: Role; body: ParsedBody }[] = [];
    for (const p of candidatePaths) {
      const v = versions.versionAt(p, layer);
      if (v < 0) continue;
      const c = byVersion.get(v);
      const body = c && parsed.get(key(versions.dataLayer(v), versions.dataEntry(v)));
      if (c && body) out.push({ path: p, role: c.role, body });
    }
    return out;
  };
  const perLayer: FoundWithPurl[][] = [];
  for (let layer = 0; layer < layerCount; layer++) {
    const touched =
      layer === 0 || (versions.changes[layer]?.paths ?? []).some((p) => candidatePaths.has(p));
    perLayer.push(touched ? assemble(visible(layer), versions, false) : perLayer[layer - 1]!);
  }
  // The top once more, with each package's owned files.
  const atTop = layerCount > 0 ? assemble(visible(layerCount - 1), versions, true) : [];

  // 4. The layer that installed each top package: the bottom of its unbroken run up to the top.
  const identity = (p: FoundWithPurl) => `${p.purl}\0${p.source}`;
  const sets = perLayer.map((list) => new Set(list.map(identity)));
  const rows: PackageRow[] = atTop.map((p) => {
    let layer = layerCount - 1;
    while (layer > 0 && sets[layer - 1]!.has(identity(p))) layer--;
    return {
      type: p.type,
      name: p.name,
      version: p.version,
      arch: p.arch,
      license: p.license,
      purl: p.purl,
      layer,
      source: p.source,
      files: 0,
      bytes: 0,
    };
  });
  const order = rows.map((row, i) => ({ row, i })).sort((a, b) => compareRows(a.row, b.row));
  const sorted = order.map((o) => o.row);
  const ownedLists = order.map((o) => atTop[o.i]!.files);
  const { owners, unowned, unownedCount, unownedBytes } = ownership(
    versions,
    layerCount - 1,
    sorted,
    ownedLists,
    pathOf,
  );
  return {
    packages: sorted,
    layers: perLayer.map((list, layer) => ({
      ...changesBetween(layer === 0 ? [] : perLayer[layer - 1]!, list),
      total: list.length,
    })),
    problems,
    owners,
    unowned,
    unownedCount,
    unownedBytes,
  };
}

export type FoundWithPurl = FoundPackage & { purl: string };

function compareRows(a: PackageRow, b: PackageRow): number {
  return (
    a.type.localeCompare(b.type) ||
    a.name.localeCompare(b.name) ||
    a.version.localeCompare(b.version) ||
    a.source.localeCompare(b.source)
  );
}

/**
 * The packages one layer's files describe. With `withFiles`, each package's owned paths too: dpkg's
 * `info/NAME.list` (or `.md5sums`, and `.conffiles`), Python's RECORD, an npm package's folder.
 */
function assemble(
  files: { path: number; role: Role; body: ParsedBody }[],
  versions: PathVersions,
  withFiles: boolean,
): FoundWithPurl[] {
  const table = versions.table;
  const text = (role: Role) =>
    files.filter((f) => f.role === role && f.body.kind === 'text') as {
      path: number;
      role: Role;
      body: { kind: 'text'; text: string };
    }[];
  const osRelease =
    text('os-release').find((f) => table.path(f.path) === 'etc/os-release') ??
    text('os-release')[0];
  const distro: Distro | null = osRelease ? parseOsRelease(osRelease.body.text) : null;
  const dpkgLists = new Map<string, string>();
  for (const f of text('dpkg-files')) dpkgLists.set(table.path(f.path), f.body.text);
  const records = new Map<string, string>();
  for (const f of text('python-record')) records.set(table.path(f.path), f.body.text);
  // Debian records licences only in usr/share/doc/NAME/copyright.
  const copyrights = new Map<string, string>();
  for (const f of text('dpkg-copyright'))
    copyrights.set(table.path(f.path).split('/')[3]!, f.body.text);

  const out: FoundWithPurl[] = [];
  for (const f of files) {
    let found: FoundPackage[] = [];
    if (f.body.kind === 'packages') found = f.body.result.packages;
    else if (f.role === 'python-metadata') {
      const path = table.path(f.path);
      const dir = path.endsWith('.egg-info') ? path : path.slice(0, path.lastIndexOf('/'));
      // RECORD names files from the folder that holds the metadata folder; installed-files.txt
      // from the metadata folder itself.
      const record = records.get(`${dir}/RECORD`);
      const installed = records.get(`${dir}/installed-files.txt`);
      const listed =
        !withFiles || (record === undefined && installed === undefined)
          ? null
          : record !== undefined
            ? { text: record, root: `/${dir.slice(0, Math.max(0, dir.lastIndexOf('/')))}` }
            : { text: installed!, root: `/${dir}` };
      found = parsePythonMetadata(f.body.text, `/${path}`, listed).packages;
    }
    for (const p of found) {
      const pkg = { ...p, purl: purlOf(p, distro) };
      if (pkg.type === 'deb' && pkg.license === null) {
        const text = copyrights.get(pkg.name);
        const licenses = text ? dpkgCopyrightLicenses(text) : [];
        if (licenses.length > 0) pkg.license = licenses.join(', ');
      }
      if (withFiles) pkg.files = ownedFiles(pkg, f.path, versions, dpkgLists);
      out.push(pkg);
    }
  }
  return out;
}

function ownedFiles(
  p: FoundPackage,
  sourcePath: number,
  versions: PathVersions,
  dpkgLists: Map<string, string>,
): string[] {
  if (p.type === 'deb') {
    const distroless = p.source.startsWith('/var/lib/dpkg/status.d/');
    const base = distroless ? 'var/lib/dpkg/status.d/' : 'var/lib/dpkg/info/';
    const names = p.arch ? [`${p.name}:${p.arch}`, p.name] : [p.name];
    for (const name of names) {
      const list = dpkgLists.get(`${base}${name}.list`);
      const sums = dpkgLists.get(`${base}${name}.md5sums`);
      const conf = dpkgLists.get(`${base}${name}.conffiles`);
      if (list === undefined && sums === undefined && conf === undefined) continue;
      const paths =
        list !== undefined
          ? parseDpkgFileList(list, 'list')
          : parseDpkgFileList(sums ?? '', 'md5sums');
      return [...new Set([...paths, ...(conf ? parseDpkgFileList(conf, 'conffiles') : [])])];
    }
    return [];
  }
  if (p.type === 'npm') return folderFiles(versions, versions.table.parents[sourcePath]!);
  return p.files;
}

/** Every path below an npm package's folder, its own nested node_modules excluded. */
function folderFiles(versions: PathVersions, folder: number): string[] {
  const table = versions.table;
  const out: string[] = [];
  const stack = [...table.children(folder)];
  while (stack.length > 0) {
    const p = stack.pop()!;
    if (table.name(p) === 'node_modules') continue;
    out.push(`/${table.path(p)}`);
    for (const c of table.children(p)) stack.push(c);
  }
  return out;
}
