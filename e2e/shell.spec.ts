import { expect, test } from '@playwright/test';
import { dropFile, fixture, settled } from './helpers.ts';

test('the first screen offers a file chooser and the sample', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('body')).toHaveAttribute('data-state', 'idle');
  await expect(page.getByRole('button', { name: 'Choose file' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Open the sample image' })).toBeVisible();
});

test('the sample image opens and its archive entries are listed', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Open the sample image' }).click();
  expect(await settled(page)).toBe('ready');
  await page.getByRole('tab', { name: 'Archive' }).click();
  const entries = page.getByRole('region', { name: 'Archive entries' });
  await expect(entries.getByRole('cell', { name: 'manifest.json', exact: true })).toBeVisible();
  await expect(entries.getByRole('cell', { name: 'repositories', exact: true })).toBeVisible();
  await expect(entries.getByRole('cell', { name: /^[0-9a-f]{64}\/layer\.tar$/ })).toHaveCount(4);
});

test('dragging a file over the window shows the drop state, and dropping it opens it', async ({
  page,
}) => {
  await page.goto('/');
  await dropFile(page, fixture('ggcr__tarball__test_link.tar'));
  expect(await settled(page)).toBe('ready');
  await expect(page.locator('.file-name')).toHaveText('ggcr__tarball__test_link.tar');
  await page.getByRole('tab', { name: 'Archive' }).click();
  await expect(page.getByRole('cell', { name: 'manifest.json', exact: true })).toBeVisible();
});

test('the drop state appears while a file is dragged over the page', async ({ page }) => {
  await page.goto('/');
  const transfer = await page.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['x'], 'x.tar'));
    return dt;
  });
  await page.dispatchEvent('.drop-zone', 'dragenter', { dataTransfer: transfer });
  await expect(page.getByText('Drop the image tarball here')).toBeVisible();
  await page.dispatchEvent('.drop-zone', 'dragleave', { dataTransfer: transfer });
  await expect(page.getByText('Drop the image tarball here')).toBeHidden();
});

test('choosing a file that is not an image shows a readable message', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(fixture('dive__not-an-image.tar'));
  expect(await settled(page)).toBe('error');
  await expect(page.getByRole('alert')).toContainText('not a container image');
});

test('an empty file is refused with a message', async ({ page }) => {
  await page.goto('/');
  await page
    .getByTestId('file-input')
    .setInputFiles({ name: 'empty.tar', mimeType: 'application/x-tar', buffer: Buffer.alloc(0) });
  expect(await settled(page)).toBe('error');
  await expect(page.getByRole('alert')).toContainText('empty');
});
