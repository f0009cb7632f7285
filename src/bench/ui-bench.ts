import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../testing/chromium.ts';
import { benchImages } from './make-images.ts';
import { previewServer } from './preview.ts';

/**
 * `npm run bench:ui`: the built app in headless Chromium on the bench's 150,000-file image. Times,
 * from the user's action to the screen showing its result: opening a 2,000-entry folder, moving
 * the selection with the keyboard, switching layers, and filtering. Each is measured inside the
 * page (performance.now() to the frame after the DOM shows the result) and repeated.
 */

async function timed(page: Page, act: string, done: string): Promise<number> {
  return page.evaluate(
    async ([act, done]) => {
      const until = new Function(`return (${done})`) as () => boolean;
      const start = performance.now();
      new Function(act)();
      while (!until()) {
        if (performance.now() - start > 10_000) return Number.NaN; // never showed: reported as NaN
        await new Promise((r) => requestAnimationFrame(r));
      }
      await new Promise((r) => requestAnimationFrame(r));
      return performance.now() - start;
    },
    [act, done] as const,
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (xs: number[]) =>
  `median ${median(xs).toFixed(0)} ms (runs: ${xs.map((x) => x.toFixed(0)).join(', ')})`;

async function main() {
  const { plain } = await benchImages();
  const server = await previewServer(4179);
  // A profile on disk, as a user's browser has: a private window keeps the origin private file
  // system in memory and writes to it at a fifth of the speed (kept layers, worker/kept-on-disk.ts).
  const profile = mkdtempSync(join(tmpdir(), 'strata-bench-profile-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS],
    viewport: { width: 1400, height: 900 },
  });
  try {
    const page = browser.pages()[0] ?? (await browser.newPage());
    page.on('crash', () => console.log('the page crashed'));
    page.on('pageerror', (e) => console.log(`page error: ${e.message}`));
    await page.goto(server.url);
    let t = Date.now();
    await page.getByTestId('file-input').setInputFiles(plain);
    await page.waitForFunction(
      () => document.querySelector('.tree-box[data-layer]') !== null,
      null,
      { timeout: 300_000 },
    );
    console.log(`first tree on screen: ${((Date.now() - t) / 1000).toFixed(1)} s`);
    await page.waitForFunction(() => document.body.dataset.state === 'ready', null, {
      timeout: 300_000,
    });
    console.log(`ready (all layers read and analysed): ${((Date.now() - t) / 1000).toFixed(1)} s`);

    const moves: number[] = [];
    // Open /usr and /usr/lib (600 folders), then move down through them with the arrow key.
    for (const name of ['usr', 'lib']) {
      await page
        .locator('.tree-row', {
          has: page.locator('.tree-name', { hasText: new RegExp(`^${name}$`) }),
        })
        .click();
    }
    for (let i = 0; i < 6; i++) {
      // Timed from Node around a real key press (so it includes the automation round trip).
      const before = await page.locator('.tree-row.selected .tree-name').textContent();
      const start = performance.now();
      await page.keyboard.press('ArrowDown');
      await page.waitForFunction(
        (b) => document.querySelector('.tree-row.selected .tree-name')?.textContent !== b,
        before,
        { polling: 'raf' },
      );
      moves.push(performance.now() - start);
    }
    console.log(`move the selection (ArrowDown): ${fmt(moves)}`);

    const layers: number[] = [];
    for (const target of [3, 2, 1, 0, 4, 3, 2]) {
      const key =
        target < Number(await page.locator('.tree-box').getAttribute('data-layer')) ? '[' : ']';
      const steps = Math.abs(
        target - Number(await page.locator('.tree-box').getAttribute('data-layer')),
      );
      if (steps !== 1) {
        await page.locator('.step-body').nth(target).click();
        await page.waitForFunction(
          (n) => document.querySelector('.tree-box')?.getAttribute('data-layer') === String(n),
          target,
        );
        continue;
      }
      layers.push(
        await timed(
          page,
          `window.dispatchEvent(new KeyboardEvent('keydown', { key: '${key}' }))`,
          `document.querySelector('.tree-box')?.getAttribute('data-layer') === '${target}'`,
        ),
      );
    }
    console.log(`switch layer ([ or ]): ${fmt(layers)}`);

    // /usr is open from the moves above: close /usr/lib, open /usr/share, then time the 2,000-entry folder.
    for (const name of ['lib', 'share']) {
      await page
        .locator('.tree-row', {
          has: page.locator('.tree-name', { hasText: new RegExp(`^${name}$`) }),
        })
        .click();
    }
    const expand: number[] = [];
    for (let i = 0; i < 4; i++) {
      const open = await timed(
        page,
        `[...document.querySelectorAll('.tree-name')].find((n) => n.textContent === 'big-folder').click()`,
        `[...document.querySelectorAll('.tree-name')].some((n) => n.textContent === 'entry-0000.dat') === ${i % 2 === 0}`,
      );
      expand.push(open);
    }
    console.log(`open/close the 2,000-entry folder: ${fmt(expand)}`);

    const filters: number[] = [];
    for (const pattern of ['module-1', '*.json', 'file-9999', 'pkg5', 'big-folder/entry-1*']) {
      await page.getByRole('searchbox', { name: 'Filter paths' }).fill('');
      await page.waitForFunction(() => !document.querySelector('.match-count'));
      filters.push(
        await timed(
          page,
          `const input = document.querySelector('input[type=search]'); const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set; set.call(input, ${JSON.stringify(pattern)}); input.dispatchEvent(new Event('input', { bubbles: true }));`,
          `document.querySelector('.match-count') !== null && document.querySelector('.tree-box')?.dataset.filtered === ${JSON.stringify(pattern)}`,
        ),
      );
    }
    console.log(
      `filter (typed text to matches shown, including the 40 ms typing pause): ${fmt(filters)}`,
    );

    // The size map of the whole filesystem, then a zoom into its largest folder and back.
    await page.getByRole('searchbox', { name: 'Filter paths' }).fill('');
    const firstMap = await timed(
      page,
      `[...document.querySelectorAll('[role=tab]')].find((t) => t.textContent === 'Size map').click();`,
      `document.querySelectorAll('.size-map-svg rect').length > 0`,
    );
    const zooms: number[] = [];
    for (let i = 0; i < 5; i++) {
      zooms.push(
        await timed(
          page,
          `document.querySelector('.subfolders button').click();`,
          `document.querySelectorAll('[aria-label="Size map folder"] button').length === 2`,
        ),
      );
      zooms.push(
        await timed(
          page,
          `document.querySelector('[aria-label="Size map folder"] button').click();`,
          `document.querySelectorAll('[aria-label="Size map folder"] button').length === 1`,
        ),
      );
    }
    const rects = await page.locator('.size-map-svg rect').count();
    console.log(
      `size map of the whole filesystem, first drawn: ${firstMap.toFixed(0)} ms (${rects} rectangles)`,
    );
    console.log(`size map zoom in or out (redrawn): ${fmt(zooms)}`);

    // Files deep in a large gzip layer, then in a zstd one: the last files of the first layer
    // (90,000 files, 1.3 GB).
    const { gzip, zstd } = await benchImages();
    const deepPath = (n: number) =>
      `/usr/lib/pkg${(n * 13) % 600}/sub${n % 9}/file-${n}.${['so', 'py', 'txt', 'json'][n % 4]}`;
    /** Gives `file` to the app in a fresh page; the clock `t` starts then. */
    const readyWith = async (file: string, label: string) => {
      await page.goto(server.url);
      t = Date.now();
      await page.getByTestId('file-input').setInputFiles(file);
      await page.waitForFunction(() => document.body.dataset.state === 'ready', null, {
        timeout: 300_000,
      });
      console.log(`${label} image ready: ${((Date.now() - t) / 1000).toFixed(1)} s`);
    };
    await readyWith(gzip, 'gzip');
    const openDeep = async (path: string) => {
      // Cleared first: the match count of the last filter would otherwise pass for this one's.
      await page.getByRole('searchbox', { name: 'Filter paths' }).fill('');
      await page.waitForFunction(() => !document.querySelector('.match-count')?.textContent);
      await page.getByRole('searchbox', { name: 'Filter paths' }).fill(path);
      await page.waitForFunction(() =>
        /^(1 of|\d+ match)/.test(document.querySelector('.match-count')?.textContent ?? ''),
      );
      const times: number[] = [];
      for (let i = 0; i < 2; i++) {
        times.push(
          await timed(
            page,
            `document.querySelector('button[aria-label="Next match"]').click()`,
            `document.querySelector('[data-testid=hex-view], [data-testid=text-view]') !== null && document.querySelector('.viewer h2')?.textContent === ${JSON.stringify(path)}`,
          ),
        );
        await page.getByRole('searchbox', { name: 'Filter paths' }).fill('');
        await page.getByRole('searchbox', { name: 'Filter paths' }).fill(path);
        await page.waitForFunction(() =>
          /^(1 of|\d+ match)/.test(document.querySelector('.match-count')?.textContent ?? ''),
        );
      }
      return times.map((x) => `${x.toFixed(0)} ms`).join(', ');
    };
    // The scan noted the gzip layers' places as it decoded them: files anywhere in them open at once.
    console.log(
      `open a file at the end of a 1.3 GB gzip layer, right after the image was shown (first, then again): ${await openDeep(deepPath(89_999))}`,
    );
    console.log(
      `open a file halfway through that layer, then (first, then again): ${await openDeep(deepPath(45_000))}`,
    );
    await page.waitForFunction(() => document.querySelector('[data-indexing]') === null, null, {
      timeout: 600_000,
      polling: 100,
    });
    console.log(
      `every gzip layer indexed: ${((Date.now() - t) / 1000).toFixed(1)} s after the file was given`,
    );
    console.log(
      `open a file a quarter of the way through that layer, then (first, then again): ${await openDeep(deepPath(22_500))}`,
    );
    // The digest check follows; the layers the seek index serves whole are not kept on disk.
    await page.waitForSelector('[data-verification="passed"]', { timeout: 600_000 });
    console.log(
      `digest check done: ${((Date.now() - t) / 1000).toFixed(1)} s after the file was given`,
    );

    // The same layer zstd-compressed: its files open from the decoder copies its scan kept.
    await readyWith(zstd, 'zstd');
    console.log(
      `open a file at the end of a 1.3 GB zstd layer, right after the image was shown (first, then again): ${await openDeep(deepPath(89_999))}`,
    );
    console.log(
      `open a file halfway through that layer, then (first, then again): ${await openDeep(deepPath(45_000))}`,
    );
    await page.waitForSelector('[data-verification="passed"]', { timeout: 600_000 });
    console.log(
      `zstd digest check done: ${((Date.now() - t) / 1000).toFixed(1)} s after the file was given`,
    );
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
    server.close();
  }
}

await main();
