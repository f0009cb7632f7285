import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../testing/chromium.ts';
import { benchImages } from './make-images.ts';
import { previewServer } from './preview.ts';
import { treeUsage, withPeakRss } from './process-tree.ts';

/**
 * `npm run bench:ready [-- FILE...] [--runs N]`: the built app's time to ready against the time to
 * drain the same File in the same page (and, for a gzip file, DecompressionStream alone over it),
 * as a user's tab meets them: the page drains the file, then the file is given to the app and the
 * clock runs until `data-state=ready`. Each comes with the CPU time every browser process spent on
 * it (from /proc: Linux), which says whether a ratio is bound by the machine's cores. Without
 * files, the bench's two uncompressed images. Run `npm run build` first.
 */

const cores = availableParallelism();

async function main() {
  const args = process.argv.slice(2);
  const runsAt = args.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 3;
  const files = args;
  if (files.length === 0) {
    const { plain, fewLarge } = await benchImages();
    files.push(fewLarge, plain);
  }
  const server = await previewServer(4183);
  // A profile on disk, as a user's browser has (kept layers are written to it).
  const profile = mkdtempSync(join(tmpdir(), 'strata-ready-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: ['--js-flags=--expose-gc', ...CHROMIUM_ARGS],
    viewport: { width: 1400, height: 900 },
  });
  try {
    const page = browser.pages()[0] ?? (await browser.newPage());
    page.on('pageerror', (e) => console.log(`page error: ${e.message}`));
    for (const file of files) {
      console.log(`\n## ${file}`);
      for (let i = 0; i < runs; i++) {
        await page.goto(server.url);
        // A second file input of the page's own, so that draining never starts the app.
        await page.evaluate(() => {
          const input = document.createElement('input');
          input.type = 'file';
          input.id = 'bench-drain';
          input.hidden = true;
          document.body.append(input);
        });
        await page.setInputFiles('#bench-drain', file);
        // Each timed in a function of its own: tsx names inner functions with a helper the page lacks.
        const drain = (gunzip: boolean) =>
          page.evaluate(async (gunzip) => {
            const file = (document.getElementById('bench-drain') as HTMLInputElement).files![0]!;
            const t = performance.now();
            const stream = gunzip
              ? file.stream().pipeThrough(new DecompressionStream('gzip'))
              : file.stream();
            const reader = stream.getReader();
            while (!(await reader.read()).done) {
              // drained
            }
            return performance.now() - t;
          }, gunzip);
        // Each with the CPU time every browser process spent on it.
        const withCpu = async (gunzip: boolean) => {
          const before = treeUsage(process.pid).cpuMs;
          const ms = await drain(gunzip);
          return { ms, cpuMs: treeUsage(process.pid).cpuMs - before };
        };
        const drained = await withCpu(false);
        const gunzipped = file.endsWith('.gz') ? await withCpu(true) : undefined;
        const limits = { drain: drained.ms, gunzip: gunzipped?.ms };
        // What the drains left is collected first, so that the growth below is the app's.
        await page.evaluate(() => (globalThis as { gc?: () => void }).gc?.());
        await new Promise((r) => setTimeout(r, 1000));
        // Timed on the page's clock, as the drains are: from the input's change event to the
        // moment `data-state` turns ready (the bench's own view adds its polling and round trips).
        await page.evaluate(() => {
          const times = {} as { given?: number; ready?: number };
          (globalThis as { readyTimes?: typeof times }).readyTimes = times;
          const input = document.querySelector('[data-testid="file-input"]')!;
          // (No function is named in here: tsx would name it with a helper the page lacks.)
          input.addEventListener(
            'change',
            () => {
              times.given = performance.now();
            },
            { capture: true, once: true },
          );
          new MutationObserver((_, observer) => {
            if (document.body.dataset.state !== 'ready') return;
            times.ready = performance.now();
            observer.disconnect();
          }).observe(document.body, { attributes: true, attributeFilter: ['data-state'] });
        });
        const t = Date.now();
        // Growth of every process under this one (the browser's and the preview server's).
        const { peakGrowth, cpuMs } = await withPeakRss(process.pid, async () => {
          await page.getByTestId('file-input').setInputFiles(file);
          await page.waitForFunction(() => document.body.dataset.state === 'ready', null, {
            timeout: 600_000,
            polling: 50,
          });
        });
        const seen = Date.now() - t;
        const times = await page.evaluate(
          () => (globalThis as { readyTimes?: { given?: number; ready?: number } }).readyTimes,
        );
        const ready =
          times?.given !== undefined && times.ready !== undefined
            ? times.ready - times.given
            : seen;
        const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
        console.log(
          `drain ${s(limits.drain)}${limits.gunzip ? `, DecompressionStream ${s(limits.gunzip)}` : ''}; ready ${s(ready)} (${s(seen)} as the bench saw it): ${(ready / limits.drain).toFixed(2)}x the drain${limits.gunzip ? `, ${(ready / limits.gunzip).toFixed(2)}x DecompressionStream` : ''}; browser memory growth to ready ${(peakGrowth / 1e6).toFixed(0)} MB`,
        );
        // Whether a ratio is bound by the machine: the CPU time every browser process spent, and
        // on how many cores' worth of the wall time.
        const busy = (cpu: number, wall: number) =>
          `${s(cpu)} (${(cpu / wall).toFixed(1)} of ${cores} cores)`;
        console.log(
          `  CPU time: drain ${busy(drained.cpuMs, drained.ms)}${gunzipped ? `, DecompressionStream ${busy(gunzipped.cpuMs, gunzipped.ms)}` : ''}; to ready ${busy(cpuMs, seen)}`,
        );
      }
    }
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
    server.close();
  }
}

await main();
