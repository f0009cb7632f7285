import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type TarInput, tarEntry } from '../testing/tar-writer.ts';
import { BENCH_DIR } from './make-images.ts';

/**
 * Images of one layer of 1,000,000 files, built once into .strata-bench/, and the whole `npm run
 * analyze -- FILE --json --no-verify` process timed on them, with its peak resident memory (GNU
 * time), the JSON going to /dev/null. `npm run bench` and `npm run bench:million` print them.
 * Three shapes: 1,000 folders of 1,000 empty files named `data/dN/fN` (short paths); a deep tree
 * as packages lay one out, 20,000 package folders of 50 files each in two folders, paths of about
 * 80 bytes (`usr/local/lib/node_modules/@strata-fixture/package-NNNNN/lib/internal/module-N.js`);
 * and that tree one level deeper, paths of about 130 bytes, each entry after a PAX header that
 * gives its path and a time with a fraction of a second, as Go's archive/tar writes a layer in
 * PAX format (moby, buildkit).
 */
export type MillionShape = 'wide' | 'deep' | 'pax';

export const MILLION_SHAPES: readonly MillionShape[] = ['wide', 'deep', 'pax'];

const FILE = {
  wide: 'image-million.tar',
  deep: 'image-million-deep.tar',
  pax: 'image-million-pax.tar',
} as const;

/** The layer's entries, a folder's at a time. */
function* entriesOf(shape: MillionShape): Generator<TarInput[]> {
  // In PAX, each entry's time has a fraction (its own, as a build's files have), and a name past
  // 100 bytes is a PAX path (tar-writer.ts).
  let made = 0;
  const time = (): Pick<TarInput, 'mtime' | 'pax'> =>
    shape === 'pax'
      ? { mtime: 1700000000, pax: { mtime: `1700000000.${String(made++).padStart(9, '0')}` } }
      : { mtime: 1700000000 };
  const dir = (name: string): TarInput => ({ name, kind: 'dir', mode: 0o755, ...time() });
  const file = (name: string): TarInput => ({ name, mode: 0o644, ...time() });
  if (shape === 'wide') {
    for (let d = 0; d < 1000; d++)
      yield [
        dir(`data/d${d}/`),
        ...Array.from({ length: 1000 }, (_, f) => file(`data/d${d}/f${f}`)),
      ];
    return;
  }
  const scope = 'usr/local/lib/node_modules/@strata-fixture';
  const root = shape === 'pax' ? `${scope}/a-rather-long-package-name/node_modules/@scope` : scope;
  const above = root.split('/').map((_, i, parts) => `${parts.slice(0, i + 1).join('/')}/`);
  yield above.map(dir);
  for (let p = 0; p < 20_000; p++) {
    const pkg = `${root}/package-${String(p).padStart(5, '0')}`;
    yield [
      dir(`${pkg}/`),
      dir(`${pkg}/lib/`),
      ...Array.from({ length: 25 }, (_, k) => file(`${pkg}/lib/index-${k}.d.ts`)),
      dir(`${pkg}/lib/internal/`),
      ...Array.from({ length: 25 }, (_, k) => file(`${pkg}/lib/internal/module-${k}.js`)),
    ];
  }
}

async function build(path: string, shape: MillionShape): Promise<void> {
  // The layer is written twice: once to hash it (its diff_id names nothing here, but the config
  // must carry it), once into the archive; never whole in memory.
  const layer = function* () {
    for (const entries of entriesOf(shape)) yield Buffer.concat(entries.flatMap(tarEntry));
    yield Buffer.alloc(1024);
  };
  const hash = createHash('sha256');
  let size = 0;
  for (const chunk of layer()) {
    hash.update(chunk);
    size += chunk.length;
  }
  const diffId = `sha256:${hash.digest('hex')}`;
  const out = createWriteStream(`${path}.partial`);
  const write = (chunk: Uint8Array) =>
    new Promise<void>((resolve, reject) => out.write(chunk, (e) => (e ? reject(e) : resolve())));
  const [header] = tarEntry({ name: 'layer/layer.tar', data: '', sizeField: size, mode: 0o644 });
  await write(header!);
  for (const chunk of layer()) await write(chunk);
  await write(new Uint8Array((512 - (size % 512)) % 512));
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: {},
      history: [{ created_by: 'a million files' }],
      rootfs: { type: 'layers', diff_ids: [diffId] },
    }),
  );
  const manifest = Buffer.from(
    JSON.stringify([
      { Config: 'config.json', RepoTags: ['million:latest'], Layers: ['layer/layer.tar'] },
    ]),
  );
  for (const [name, data] of [
    ['config.json', config],
    ['manifest.json', manifest],
  ] as const)
    for (const block of tarEntry({ name, data, mode: 0o644 })) await write(block);
  await write(new Uint8Array(1024));
  await new Promise<void>((resolve) => out.end(resolve));
  renameSync(`${path}.partial`, path);
}

/** A million-entry image's path, built first if missing. */
export async function millionImage(shape: MillionShape = 'wide'): Promise<string> {
  mkdirSync(BENCH_DIR, { recursive: true });
  const path = join(BENCH_DIR, FILE[shape]);
  if (!existsSync(path)) await build(path, shape);
  return path;
}

/**
 * `npm run analyze -- FILE --json --no-verify` on `path`, `runs` times, as the issue times it (the
 * command line's bundle; GNU time reports the largest process's peak): a line each, wall time and
 * peak memory.
 */
export function timedAnalyze(path: string, runs: number): string[] {
  const root = join(import.meta.dirname, '..', '..');
  const lines: string[] = [];
  // Built first: `npm run analyze` builds the bundle when a source is newer, and that is not timed.
  spawnSync('npm', ['run', '-s', 'build:cli'], { cwd: root, stdio: 'ignore' });
  for (let run = 1; run <= runs; run++) {
    // GNU time's verbose report goes to stderr; the JSON to /dev/null.
    const { stderr, status } = spawnSync(
      'bash',
      ['-c', `/usr/bin/time -v npm run -s analyze -- "${path}" --json --no-verify > /dev/null`],
      { cwd: root, encoding: 'utf8' },
    );
    const field = (name: string) => new RegExp(`${name}: (.+)`).exec(stderr)?.[1]?.trim() ?? '?';
    const rssKb = Number(field('Maximum resident set size \\(kbytes\\)'));
    lines.push(
      `npm run analyze -- FILE --json --no-verify, run ${run}: exit ${status}, ${field('Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\)')} wall, peak ${(rssKb / 1024).toFixed(0)} MiB resident`,
    );
  }
  return lines;
}

/** The image's size and shape, as a line. */
export function describeMillion(path: string, shape: MillionShape = 'wide'): string {
  const what =
    shape === 'wide'
      ? '1,000 folders of 1,000 files'
      : shape === 'deep'
        ? 'a deep tree of packages'
        : 'a deeper tree of packages, a PAX header each';
  return `${path}: ${(statSync(path).size / 1e6).toFixed(0)} MB, 1,000,000 files in ${what}`;
}
