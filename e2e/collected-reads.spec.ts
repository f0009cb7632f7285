import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../src/testing/chromium.ts';
import { sameSizeRewrites } from '../src/testing/large-files.ts';
import { imageOfLayers } from '../src/testing/package-images.ts';
import { scratchDir } from '../src/testing/scratch.ts';
import type { TarInput } from '../src/testing/tar-writer.ts';
import { settled } from './helpers.ts';

// `gc()` in every worker, so that the test can collect as often as it likes.
test.use({
  launchOptions: {
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, '--js-flags=--expose-gc'],
  },
});

const dir = scratchDir('strata-collected-');
const files = (layer: number, count: number): TarInput[] =>
  Array.from({ length: count }, (_, i) => ({
    name: `data/l${layer}/d${i % 100}/f${i}`,
    mtime: 1700000000,
  }));
// One layer, read by the archive worker itself; three, read by the scan workers beside it.
const ONE_LAYER = join(dir, 'one-layer.tar');
writeFileSync(ONE_LAYER, imageOfLayers([files(0, 60_000)], 'collected:one'));
const THREE_LAYERS = join(dir, 'three-layers.tar');
writeFileSync(
  THREE_LAYERS,
  imageOfLayers([files(0, 20_000), files(1, 20_000), files(2, 20_000)], 'collected:three'),
);

// Bodies past what is checked before the image is shown: they are read again after it.
const CHECKED_AFTER = join(dir, 'same-size-large.tar');
writeFileSync(CHECKED_AFTER, sameSizeRewrites(40 << 20));

// What each layer adds: its files, their 100 folders, its own folder (and `data` in the first).
for (const [label, file, added] of [
  ['one layer', ONE_LAYER, [60_102]],
  ['three layers', THREE_LAYERS, [20_102, 20_101, 20_101]],
  // Two same-size rewrites, one with other content, one only with another mode.
  ['bodies checked after the image is shown', CHECKED_AFTER, null],
] as const) {
  test(`an archive is read to the end while every worker collects garbage every 5 ms (${label})`, async ({
    page,
  }) => {
    await page.goto('/');
    // The archive worker and its scan workers are started before a file is chosen.
    const cores = await page.evaluate(() => navigator.hardwareConcurrency ?? 1);
    const expected = cores > 1 ? 1 + cores : 1;
    await expect.poll(() => page.workers().length).toBe(expected);
    for (const worker of page.workers())
      await worker.evaluate(() => {
        const collect = (globalThis as { gc?: () => void }).gc;
        if (!collect) throw new Error('gc is not exposed');
        setInterval(collect, 5);
      });
    await page.getByTestId('file-input').setInputFiles(file);
    // A read whose stream was collected never ends: the page would stay on "reading" until this times out.
    expect(await settled(page)).toBe('ready');
    expect(await page.evaluate(() => document.body.dataset.checking ?? 'none')).toMatch(
      /^(done|none)$/,
    );
    if (added) {
      const stats = page.locator('.step-stats .visually-hidden');
      await expect(stats).toHaveText(added.map((n) => `, ${n} added, 0 modified, 0 deleted`));
    }
  });
}
