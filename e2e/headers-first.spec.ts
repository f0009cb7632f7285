import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { rewriteThroughSymlink, sameSizeRewrites } from '../src/testing/large-files.ts';
import { imageFrom, legacyArchive } from '../src/testing/sample-image.ts';
import { scratchDir } from '../src/testing/scratch.ts';
import { settled } from './helpers.ts';

const dir = scratchDir('strata-headers-');
const IMAGE = join(dir, 'same-size.tar');
writeFileSync(IMAGE, sameSizeRewrites());
// 40 MiB files: the four bodies to check (160 MiB) are more than the page checks before showing
// the image, so they are checked after it, and the figures asked for again.
const LARGE = join(dir, 'same-size-large.tar');
writeFileSync(LARGE, sameSizeRewrites(40 << 20));

for (const [label, file, after] of [
  ['before the image is shown (a small check)', IMAGE, false],
  ['after the image is shown (a large check)', LARGE, true],
] as const) {
  test(`large bodies skipped at first are checked ${label}, and the changes they decide are right`, async ({
    page,
  }) => {
    await page.goto('/');
    // Notes whether the page ever said it was checking contents.
    await page.evaluate(() => {
      new MutationObserver(() => {
        if (document.body.dataset.checking === 'running')
          (window as { sawChecking?: boolean }).sawChecking = true;
      }).observe(document.body, { attributes: true });
    });
    await page.getByTestId('file-input').setInputFiles(file);
    expect(await settled(page)).toBe('ready');
    // The four bodies of the two same-size rewrites are read: before the image is shown when they
    // are few, else after it, with "Checking contents…" meanwhile.
    expect(
      await page.evaluate(() => (window as { sawChecking?: boolean }).sawChecking ?? false),
    ).toBe(after);
    await expect(page.locator('.verification[data-checking]')).toHaveCount(0);
    expect(await page.evaluate(() => document.body.dataset.checking)).toBe('done');
    const history = page.getByRole('complementary', { name: 'Details' });
    await page.getByRole('searchbox', { name: 'Filter paths' }).fill('/data/rewritten.bin');
    await expect(page.locator('.tree-box')).toHaveAttribute('data-filtered', '/data/rewritten.bin');
    await page.getByRole('button', { name: 'Next match' }).click();
    await expect(history).toContainText(/layer 1\s+modified/);
    await page.getByRole('searchbox', { name: 'Filter paths' }).fill('/data/same.bin');
    await expect(page.locator('.tree-box')).toHaveAttribute('data-filtered', '/data/same.bin');
    await page.getByRole('button', { name: 'Next match' }).click();
    await expect(history).toContainText(/layer 1\s+permissions or owner changed/);
  });
}

test('a file rewritten with the same size through a symlinked folder shows as modified where the link leads', async ({
  page,
}) => {
  // /lib -> usr/lib; the second layer writes lib/x through it, same size, new bytes.
  const layers = rewriteThroughSymlink();
  const file = join(dir, 'through-symlink.tar');
  writeFileSync(
    file,
    legacyArchive(imageFrom(layers.map((layer, i) => ({ command: `step ${i}`, layer })))),
  );
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(file);
  expect(await settled(page)).toBe('ready');
  const history = page.getByRole('complementary', { name: 'Details' });
  await page.getByRole('searchbox', { name: 'Filter paths' }).fill('/usr/lib/x');
  await expect(page.locator('.tree-box')).toHaveAttribute('data-filtered', '/usr/lib/x');
  await page.getByRole('button', { name: 'Next match' }).click();
  await expect(history).toContainText(/layer 1\s+modified/);
});
