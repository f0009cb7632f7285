import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join } from 'node:path';
import { chromium } from '@playwright/test';
import { build } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../testing/chromium.ts';
import { benchImages } from './make-images.ts';
import { describeMillion, MILLION_SHAPES, millionImage, timedAnalyze } from './million-image.ts';
import { nodeBench } from './node-bench.ts';
import type { BenchKind, BenchResult } from './page/bench-worker.ts';
import { withPeakRss } from './process-tree.ts';

/**
 * `npm run bench`: builds the 150,000-file images and the million-entry one (once; kept in
 * .strata-bench), then prints Node figures for the scan and the change model, in headless Chromium
 * times Strata's scans against the reading limit and other tar readers, with peak memory growth of
 * the browser, and times the command line on the million-entry image, with its peak memory.
 */
const DIST = join(import.meta.dirname, '..', '..', '.strata-test', 'bench-dist');
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
};

function serve(): Promise<{ url: string; close: () => void }> {
  const server = createServer((req, res) => {
    const path = join(
      DIST,
      decodeURIComponent((req.url ?? '/').split('?')[0]!).replace(/\/$/, '/index.html'),
    );
    if (!path.startsWith(DIST) || !existsSync(path) || !statSync(path).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream' });
    createReadStream(path).pipe(res);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({ url: `http://127.0.0.1:${port}/`, close: () => server.close() });
    }),
  );
}

/** Strata's ways of reading an uncompressed archive, and the drain they are set against. */
const STRATA_SCANS = [
  'drain',
  'strata',
  'headers-reads',
  'strata-headers',
  'strata-checked',
  'strata-pool',
] as const;

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;

async function main() {
  const files = Number(process.env.BENCH_FILES ?? 150_000);
  const bytes = Number(process.env.BENCH_BYTES ?? 2.2e9);
  console.log(`building bench images (${files} files, ${mb(bytes)}) if missing...`);
  const images = await benchImages(files, bytes);
  // js-untar needs the whole file in one ArrayBuffer and fails past ~2 GiB: a smaller image for it.
  const small = await benchImages(20_000, 2.2e8);
  const million = await millionImage();

  // BENCH_QUICK=1: only the uncompressed image's drain against Strata, for checking a change.
  const quick = process.env.BENCH_QUICK === '1';
  const only = process.env.BENCH_ONLY;
  console.log('\n## Node: scan and change model');
  for (const [key, value] of Object.entries(quick || only ? {} : await nodeBench(images.plain)))
    console.log(`${key}: ${value}`);

  await build({ configFile: join(import.meta.dirname, 'vite.bench.config.ts') });
  const server = await serve();
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--js-flags=--expose-gc', ...CHROMIUM_ARGS],
  });
  const rootPid =
    (browser as unknown as { process(): { pid: number } | undefined }).process?.()?.pid ??
    process.pid;
  try {
    for (const [label, path, kinds, limit] of [
      ['uncompressed layers', images.plain, [...STRATA_SCANS, 'modern-tar', 'js-untar'], 'drain'],
      [
        'uncompressed layers, two thirds of the bytes in three large files',
        images.fewLarge,
        ['drain', 'headers-reads', 'strata-headers', 'strata-pool'],
        'drain',
      ],
      [
        'gzip layers',
        images.gzip,
        ['drain', 'gunzip-native', 'strata', 'strata-pool', 'modern-tar'],
        'gunzip-native',
      ],
      [
        'the whole archive in one gzip stream (docker save | gzip)',
        images.wrapped,
        ['drain', 'gunzip-whole', 'gunzip-worker', 'strata', 'strata-pool'],
        'gunzip-whole',
      ],
      [
        'zstd layers (level 3)',
        images.zstd,
        ['drain', 'zstd-fzstd', 'zstd-wasm', 'strata', 'strata-pool'],
        'zstd-fzstd',
      ],
      [
        'one layer of a million entries (1,000 folders of 1,000 empty files)',
        million,
        ['drain', 'strata', 'strata-headers'],
        'drain',
      ],
      [
        'small image (js-untar can read it)',
        small.plain,
        ['drain', 'strata', 'modern-tar', 'js-untar'],
        'drain',
      ],
    ] as const) {
      if (quick && path !== images.plain && path !== images.fewLarge) continue;
      // BENCH_ONLY=gzip: only the images whose label has that word, their readers three times.
      if (only && !label.includes(only)) continue;
      const page = await browser.newPage();
      await page.goto(server.url);
      await page.setInputFiles('#file', path);
      console.log(`\n## Chromium, ${label}: ${path} (${mb(statSync(path).size)})`);
      const results = new Map<BenchKind, BenchResult>();
      // One unreported drain first, so that every reader below finds the file in the OS page
      // cache: otherwise whoever runs first pays for the disk and the ratios favour the others.
      await page.evaluate((k) => window.runBench(k), 'drain' as BenchKind);
      for (const kind of quick
        ? [...STRATA_SCANS, ...STRATA_SCANS]
        : only
          ? [...kinds, ...kinds, ...kinds]
          : kinds) {
        // Settle first: collect garbage and let the last run's worker go, so each baseline is clean.
        await page.evaluate(() => (globalThis as { gc?: () => void }).gc?.());
        await new Promise((r) => setTimeout(r, 1000));
        const { result, peakGrowth } = await withPeakRss(rootPid, () =>
          page.evaluate((k) => window.runBench(k), kind as BenchKind),
        );
        results.set(kind, result);
        const base = results.get(limit);
        const ratio =
          base && !base.error && !result.error
            ? ` (${(result.ms / base.ms).toFixed(2)}x ${limit})`
            : '';
        console.log(
          `${kind.padEnd(14)} ${result.error ? `failed: ${result.error}` : `${(result.ms / 1000).toFixed(2)} s${ratio}, ${result.entries} entries, ${mb(result.bytes)}`}; browser memory growth ${mb(peakGrowth)}`,
        );
      }
      await page.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
  if (!quick && (!only || 'million'.includes(only))) {
    for (const shape of MILLION_SHAPES) {
      const path = shape === 'wide' ? million : await millionImage(shape);
      console.log(
        `\n## Command line, one layer of a million entries: ${describeMillion(path, shape)}`,
      );
      for (const line of timedAnalyze(path, 2)) console.log(line);
    }
  }
}

await main();
