import { expect, type Page, test } from '@playwright/test';
import { fixture, settled } from './helpers.ts';

async function openSample(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Open the sample image' }).click();
  expect(await settled(page)).toBe('ready');
}

async function openFixture(page: Page, name: string) {
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(fixture(name));
  expect(await settled(page)).toBe('ready');
}

const tree = (page: Page) => page.getByRole('tree', { name: 'Files' });
/** A tree row by its exact file name. */
const rowNamed = (page: Page, name: string) =>
  tree(page)
    .locator('.tree-row')
    .filter({ has: page.locator('.tree-name').getByText(name, { exact: true }) });
const step = (page: Page, command: string) =>
  page
    .getByRole('navigation', { name: 'History and layers' })
    .getByRole('listitem')
    .filter({ hasText: command });

test.describe('the sample image tells the docker save story', () => {
  test('touch /hi adds /hi; rm /hi deletes it; echo hihi changes nothing; CMD made no layer', async ({
    page,
  }) => {
    await openSample(page);
    await page.getByRole('button', { name: 'Changes in this layer' }).click();

    await step(page, 'RUN touch /hi').getByRole('button').first().click();
    await expect(tree(page).locator('.tree-row[data-change="added"]')).toHaveText(/^hi/);
    await expect(step(page, 'RUN touch /hi')).toContainText('+1');

    await step(page, 'RUN rm /hi').getByRole('button').first().click();
    const deleted = tree(page).locator('.tree-row[data-change="deleted"]');
    await expect(deleted).toHaveCount(1);
    await expect(deleted).toContainText('hi');
    await expect(deleted).toContainText('deleted in layer 3');

    await step(page, 'RUN echo hihi').getByRole('button').first().click();
    await expect(page.getByText('This layer changes nothing in the filesystem.')).toBeVisible();

    const cmd = step(page, 'CMD ["echo" "hello"]');
    await expect(cmd).toContainText('no layer');
    await expect(cmd.getByRole('button')).toHaveCount(0);
  });

  test('the final filesystem has no /hi, and the layer before it does', async ({ page }) => {
    await openSample(page);
    await page.getByRole('button', { name: 'Filesystem up to this layer' }).click();
    // Hide what the top layer deleted: what is left is the filesystem itself.
    await page.getByRole('checkbox', { name: 'Deleted' }).uncheck();
    await expect(rowNamed(page, 'hi')).toHaveCount(0);
    await expect(rowNamed(page, 'bin')).toHaveCount(1);
    await page.keyboard.press('[');
    await expect(page.locator('.step[aria-current="step"]')).toContainText('RUN touch /hi');
    await expect(rowNamed(page, 'hi')).toHaveCount(1);
  });

  test('selecting a file shows its details: kind, permissions, owner, history', async ({
    page,
  }) => {
    await openSample(page);
    await rowNamed(page, 'bin').click();
    await rowNamed(page, 'busybox').click();
    const details = page.getByRole('complementary', { name: 'Details' });
    await expect(details).toContainText('/bin/busybox');
    await expect(details).toContainText('-rwxr-xr-x');
    await expect(details).toContainText('0755');
    await expect(details).toContainText('0:0');
    await expect(details.getByRole('listitem')).toHaveText([/layer 0 added/]);
  });
});

test('dive test image: 14 layers, its efficiency and three inefficient files', async ({ page }) => {
  await openFixture(page, 'dive__test-docker-image.tar');
  await expect(page.getByRole('region', { name: 'Image' })).toContainText('dive-test:latest');
  await expect(page.getByRole('navigation', { name: 'History and layers' })).toContainText(
    '15 steps · 14 layers',
  );
  await page.getByRole('tab', { name: 'Summary' }).click();
  await expect(page.getByTestId('dive-efficiency')).toContainText('98.4421 %');
  await expect(page.getByTestId('dive-efficiency')).toContainText('32,025 bytes');
  const inefficient = page
    .getByRole('table', { name: 'Inefficient files (dive)' })
    .getByRole('row');
  await expect(inefficient).toHaveCount(4);
  await expect(inefficient.nth(1)).toContainText('/root/saved.txt');
  await expect(inefficient.nth(2)).toContainText('/root/example/somefile1.txt');
  await expect(inefficient.nth(3)).toContainText('/root/example/somefile3.txt');
});

test('a file with two images offers a picker', async ({ page }) => {
  await openFixture(page, 'ggcr__tarball__test_link.tar');
  const picker = page.getByRole('combobox', { name: 'Image' });
  await expect(picker.getByRole('option')).toHaveText([/test_image_1/, /test_image_3/]);
  await picker.selectOption({ index: 1 });
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('bazel/v1/tarball:test_image_3');
  await expect(page.getByRole('navigation', { name: 'History and layers' })).toContainText(
    '2 layers',
  );
});

test('a multi-platform index offers its platforms', async ({ page }) => {
  await openFixture(page, 'stereoscope__multiplatform_oci_dir.tar');
  const picker = page.getByRole('combobox', { name: 'Image' });
  await expect(picker.getByRole('option')).toHaveText([/linux\/amd64/, /linux\/arm64/]);
  await picker.selectOption({ index: 1 });
  await expect(page.getByRole('region', { name: 'Image' })).toContainText('linux/arm64');
});

test('the path filter counts matches and steps through them in tree order', async ({ page }) => {
  await openFixture(page, 'dive__test-docker-image.tar');
  await page.getByRole('searchbox', { name: 'Filter paths' }).fill('saved');
  // "1 of N" is the match selected: none until the first move, which goes to the first match.
  await expect(page.locator('.match-count')).toHaveText('4 matches');
  const details = page.getByRole('complementary', { name: 'Details' }).locator('.details-path');
  // Folders first, then names, as the tree lists them.
  const order = [
    '/root/.data/saved.again2.txt',
    '/root/.saved.txt',
    '/root/saved.txt',
    '/tmp/saved.again1.txt',
  ];
  for (const [i, path] of order.entries()) {
    await page.getByRole('button', { name: 'Next match' }).click();
    await expect(page.locator('.match-count')).toHaveText(`${i + 1} of 4 matches`);
    await expect(details).toHaveText(path);
  }
  // A folder counts the matches below it while the filter is on.
  const root = page
    .locator('.tree-row')
    .filter({ has: page.locator('.tree-name', { hasText: /^root$/ }) });
  await expect(root.locator('.tree-count')).toHaveText('3 matches ·');
});

test('a hidden file in Summary opens in Files at the layer that stored it, selected', async ({
  page,
}) => {
  await openFixture(page, 'dive__test-docker-image.tar');
  await page.getByRole('tab', { name: 'Summary' }).click();
  const row = page.locator('table.hidden-files tbody tr').first();
  const stored = Number(
    ((await row.locator('td').nth(2).textContent()) ?? '').replace('layer ', ''),
  );
  const path = ((await row.locator('td').first().getByRole('button').textContent()) ?? '').trim();
  await expect(row.locator('td').nth(4)).toHaveText(
    /^(deleted|deleted with its folder|hidden by an opaque folder|overwritten|copied again for a permission change)$/,
  );
  await row.locator('td').first().getByRole('button').click();
  await expect(page.getByRole('tab', { name: 'Files' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('.tree-box')).toHaveAttribute('data-layer', String(stored));
  await expect(
    page.getByRole('complementary', { name: 'Details' }).locator('.details-path'),
  ).toHaveText(path);
  await expect(page.locator(`.tree-row.selected`)).toBeVisible();
});

test('the layers in Summary’s hidden files are links to Files at that layer', async ({ page }) => {
  await openFixture(page, 'dive__test-docker-image.tar');
  await page.getByRole('tab', { name: 'Summary' }).click();
  const hiddenBy = page.locator('table.hidden-files tbody tr').first().locator('td').nth(3);
  const layer = ((await hiddenBy.textContent()) ?? '').replace('layer ', '');
  await hiddenBy.getByRole('button').click();
  await expect(page.locator('.tree-box')).toHaveAttribute('data-layer', layer);
});
