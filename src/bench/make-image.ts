import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  mkdirSync,
  renameSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import { join } from 'node:path';
import { Duplex, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { tarEntry } from '../testing/tar-writer.ts';

/**
 * Writes a large `docker save` tarball for the benchmarks, streamed to disk (never whole in
 * memory): `files` files over five layers, about `bytes` of content, with overwrites, whiteouts,
 * an opaque directory and one folder of 2,000 entries. With `layers: 'gzip'`, the layers are gzip
 * blobs (crane-style `<digest>.tar.gz`, as pulled from a registry); with 'zstd', zstd blobs
 * (`<digest>.tar.zst`, level 3, through the `zstd` command: Node 20 has no zstd encoder).
 */
export interface ImageSpec {
  files: number;
  bytes: number;
  layers: 'none' | 'gzip' | 'zstd';
  /**
   * 'spread' (the default): sizes from a few hundred bytes to 9 MB, a few hundred large files.
   * 'few-large': the shape issue 15 sets its headers-first target on: two thirds of the bytes in
   * three large files of the first layer, beside the small files.
   */
  shape?: 'spread' | 'few-large';
}

/** The share of the bytes in the three large files of a 'few-large' image. */
const LARGE_SHARE = 0.67;

/** The compressor a layer goes through, if any. */
function compressor(layers: ImageSpec['layers']): Duplex[] {
  if (layers === 'gzip') return [createGzip({ level: 1 })];
  if (layers === 'none') return [];
  const child = spawn('zstd', ['-3', '-q', '-c', '-T2'], { stdio: ['pipe', 'pipe', 'inherit'] });
  return [Duplex.from({ writable: child.stdin, readable: child.stdout })];
}

interface FileSpec {
  path: string;
  size: number;
  seed: number;
}

/** A deterministic generator (mulberry32), so every run builds the same image. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Content pool: half random bytes, half text, so gzip has something realistic to do. */
const POOL = (() => {
  const pool = Buffer.alloc(64 << 20);
  const rnd = random(7);
  const words = [
    'lib',
    'usr',
    'share',
    'config',
    'value',
    'return',
    'function',
    'const',
    '\n',
    ' ',
    '{',
    '}',
  ];
  let at = 0;
  while (at < pool.length) {
    if ((at >> 16) % 2 === 0) {
      for (let i = 0; i < 65536 && at < pool.length; i++) pool[at++] = (rnd() * 256) | 0;
    } else {
      for (let i = 0; i < 65536 && at < pool.length; ) {
        const w = words[(rnd() * words.length) | 0]!;
        at += pool.write(w, at);
        i += w.length;
      }
    }
  }
  return pool;
})();

function contentOf(file: FileSpec): Buffer {
  const start = (file.seed * 4099) % (POOL.length - file.size - 1);
  return POOL.subarray(start, start + file.size);
}

/** File sizes: mostly small, a few large, scaled so the total is about `bytes`. */
function planLayers(spec: ImageSpec): { files: FileSpec[]; whiteouts: string[]; dirs: string[] }[] {
  const rnd = random(42);
  const shares = [0.6, 0.15, 0.1, 0.1, 0.05];
  const fewLarge = spec.shape === 'few-large';
  const raw: number[] = [];
  for (let i = 0; i < spec.files; i++) {
    const r = rnd();
    raw.push(
      fewLarge
        ? 200 + rnd() * 12_000
        : r < 0.002
          ? 2_000_000 + rnd() * 20_000_000
          : r < 0.05
            ? 50_000 + rnd() * 200_000
            : 200 + rnd() * 12_000,
    );
  }
  const smallBytes = fewLarge ? spec.bytes * (1 - LARGE_SHARE) : spec.bytes;
  const scale = smallBytes / raw.reduce((a, b) => a + b, 0);
  let n = 0;
  const layers = shares.map((share, layer) => {
    const count = layer === shares.length - 1 ? spec.files - n : Math.round(spec.files * share);
    const files: FileSpec[] = [];
    const dirs = new Set<string>();
    if (fewLarge && layer === 0)
      for (const [i, part] of [0.5, 0.3, 0.2].entries())
        files.push({
          path: `opt/models/weights-${i}.bin`,
          size: Math.round(spec.bytes * LARGE_SHARE * part),
          seed: i,
        });
    if (fewLarge && layer === 0) for (const dir of ['opt', 'opt/models']) dirs.add(dir);
    for (let i = 0; i < count; i++, n++) {
      const size = Math.max(1, Math.min(POOL.length / 2, Math.round(raw[n]! * scale)));
      let path: string;
      if (layer === 0 && i < 2000)
        path = `usr/share/big-folder/entry-${String(i).padStart(4, '0')}.dat`;
      else if (layer === 2 && i < 3000)
        path = `usr/lib/pkg${(i * 7) % 400}/module-${i % 150}.so`; // overwrites
      else
        path = `usr/lib/pkg${(n * 13) % 600}/sub${n % 9}/file-${n}.${['so', 'py', 'txt', 'json'][n % 4]}`;
      files.push({ path, size, seed: n });
      const parts = path.split('/');
      for (let d = 1; d < parts.length; d++) dirs.add(parts.slice(0, d).join('/'));
    }
    const whiteouts =
      layer === 3
        ? Array.from(
            { length: 500 },
            (_, i) => `usr/lib/pkg${i % 600}/sub${i % 9}/.wh.file-${i * 600 + (i % 600)}.so`,
          )
        : layer === 4
          ? ['usr/lib/pkg1/.wh..wh..opq', 'usr/share/.wh.big-folder']
          : [];
    return { files, whiteouts, dirs: [...dirs].sort() };
  });
  return layers;
}

/** The layer's tar, in chunks of a few MB. */
function* layerTar(layer: ReturnType<typeof planLayers>[number]): Generator<Buffer> {
  let parts: Uint8Array[] = [];
  let held = 0;
  const push = (blocks: Uint8Array[]) => {
    for (const b of blocks) {
      parts.push(b);
      held += b.length;
    }
  };
  for (const dir of layer.dirs)
    push(tarEntry({ name: `${dir}/`, kind: 'dir', mode: 0o755, mtime: 1700000000 }));
  for (const name of layer.whiteouts) push(tarEntry({ name, mtime: 1700000000 }));
  for (const file of layer.files) {
    if (file.size > POOL.length / 2) {
      // Too large to hold: the header, then the pool over and over, then the padding.
      push(
        tarEntry({
          name: file.path,
          data: new Uint8Array(0),
          sizeField: file.size,
          mode: 0o644,
          mtime: 1700000000,
        }),
      );
      yield Buffer.concat(parts);
      parts = [];
      held = 0;
      for (let left = file.size; left > 0; left -= POOL.length)
        yield POOL.subarray(0, Math.min(left, POOL.length));
      parts.push(new Uint8Array((512 - (file.size % 512)) % 512));
      continue;
    }
    push(tarEntry({ name: file.path, data: contentOf(file), mode: 0o644, mtime: 1700000000 }));
    if (held > 4 << 20) {
      yield Buffer.concat(parts);
      parts = [];
      held = 0;
    }
  }
  parts.push(new Uint8Array(1024));
  yield Buffer.concat(parts);
}

export async function makeImage(spec: ImageSpec, outDir: string, name: string): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  const outPath = join(outDir, name);
  // Written under another name and renamed when complete, so a cut run never leaves a usable file.
  const out = createWriteStream(`${outPath}.partial`);
  const write = (chunk: Uint8Array) =>
    new Promise<void>((resolve, reject) => out.write(chunk, (e) => (e ? reject(e) : resolve())));
  const layers = planLayers(spec);
  const diffIds: string[] = [];
  const layerPaths: string[] = [];
  for (const [i, layer] of layers.entries()) {
    const diff = createHash('sha256');
    const tmp = join(outDir, `.layer-${i}.tmp`);
    const compressed = createHash('sha256');
    const hashing = Readable.from(
      (function* () {
        for (const chunk of layerTar(layer)) {
          diff.update(chunk);
          yield chunk;
        }
      })(),
    );
    const sink = new Writable({
      write(chunk, _enc, done) {
        compressed.update(chunk);
        done();
      },
    });
    await pipeline([hashing, ...compressor(spec.layers), sink]);
    diffIds.push(`sha256:${diff.digest('hex')}`);
    // Second pass writes the blob: hashing first lets the name carry the digest, as crane's does.
    const blobHex = compressed.digest('hex');
    const path =
      spec.layers === 'gzip'
        ? `${blobHex}.tar.gz`
        : spec.layers === 'zstd'
          ? `${blobHex}.tar.zst`
          : `${blobHex.slice(0, 12)}${String(i).padStart(52, '0')}/layer.tar`;
    layerPaths.push(path);
    await pipeline([
      Readable.from(layerTar(layer)),
      ...compressor(spec.layers),
      createWriteStream(tmp),
    ]);
    const size = statSync(tmp).size;
    const [header] = tarEntry({
      name: path,
      data: new Uint8Array(0),
      sizeField: size,
      mode: 0o644,
    });
    await write(header!);
    for await (const chunk of createReadStream(tmp, { highWaterMark: 4 << 20 }))
      await write(chunk as Buffer);
    await write(new Uint8Array((512 - (size % 512)) % 512));
    unlinkSync(tmp);
  }
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Cmd: ['/bin/sh'] },
      created: '2026-01-01T00:00:00Z',
      history: layers.map((_, i) => ({
        created: '2026-01-01T00:00:00Z',
        created_by: `/bin/sh -c make layer ${i}`,
      })),
      rootfs: { type: 'layers', diff_ids: diffIds },
    }),
  );
  const configHex = createHash('sha256').update(config).digest('hex');
  const configName = spec.layers === 'none' ? `${configHex}.json` : `sha256:${configHex}`;
  for (const [entryName, data] of [
    [configName, config],
    [
      'manifest.json',
      Buffer.from(
        JSON.stringify([{ Config: configName, RepoTags: ['bench:latest'], Layers: layerPaths }]),
      ),
    ],
  ] as const) {
    for (const block of tarEntry({ name: entryName, data, mode: 0o644 })) await write(block);
  }
  await write(new Uint8Array(1024));
  await new Promise<void>((resolve) => out.end(resolve));
  renameSync(`${outPath}.partial`, outPath);
  return outPath;
}

/** `docker save | gzip`: the whole archive in one gzip stream (level 1), streamed to disk. */
export async function gzipWhole(from: string, to: string): Promise<string> {
  await pipeline([
    createReadStream(from, { highWaterMark: 4 << 20 }),
    createGzip({ level: 1 }),
    createWriteStream(`${to}.partial`),
  ]);
  renameSync(`${to}.partial`, to);
  return to;
}
