import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { debianLikeLayers, fixtureTree, imageOfLayers } from '../src/testing/package-images.ts';
import { scratchDir } from '../src/testing/scratch.ts';
import { settled } from './helpers.ts';

const dir = scratchDir('strata-packages-');
const IMAGE = join(dir, 'ubuntu-like.tar');
writeFileSync(IMAGE, imageOfLayers(debianLikeLayers(), 'ubuntu-like:1'));

async function openPackages(page: Page) {
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(IMAGE);
  expect(await settled(page)).toBe('ready');
  await page.getByRole('tab', { name: 'Packages' }).click();
  const panel = page.getByRole('tabpanel', { name: 'Packages' });
  await expect(panel.getByTestId('package-count')).toBeVisible();
  return panel;
}

test('the Packages tab lists what the databases hold, and what each layer did', async ({
  page,
}) => {
  const panel = await openPackages(page);
  // 90 deb (90 − adduser + curl) + Pygments + 8 npm + 5 Go + 6 Maven.
  await expect(panel.getByTestId('package-count')).toContainText('110 packages');
  await panel.getByLabel('Layer').selectOption('1');
  const changes = panel.getByTestId('layer-packages');
  await expect(changes).toContainText('tar 1.29b-2 → 1.30+dfsg-1');
  await expect(changes).toContainText('added curl 7.58.0-2ubuntu3');
  await expect(changes).toContainText('removed adduser 3.116ubuntu1');
  // The table now shows what layer 1 installed.
  await expect(panel.locator('tbody tr[data-purl]')).toHaveCount(2);

  await panel.getByLabel('Layer').selectOption('');
  // Name or purl: guava, hadoop-shaded-guava, and the two others in the com.google.guava group.
  await panel.getByRole('searchbox', { name: 'Search packages' }).fill('guava');
  await expect(panel.locator('tbody tr[data-purl]')).toHaveCount(4);
  await expect(panel.locator('tbody tr[data-purl]').first()).toContainText('layer 4');

  // The timeline says, in words, what each layer did to the packages.
  await expect(page.locator('.step-packages').first()).toHaveText('packages: 90 added');
});

test('a package’s layer is a link, and the details name the package that owns a file', async ({
  page,
}) => {
  const panel = await openPackages(page);
  await panel.getByRole('searchbox', { name: 'Search packages' }).fill('pkg:deb/ubuntu/tar@');
  await panel.getByRole('button', { name: 'layer 1' }).click();
  await expect(page.getByRole('tab', { name: 'Files' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('.tree-box')).toHaveAttribute('data-layer', '1');
  await page.getByRole('searchbox', { name: 'Filter paths' }).fill('/usr/bin/tar');
  await page.getByRole('button', { name: 'Next match' }).click();
  await expect(page.getByTestId('owner-package')).toHaveText('tar 1.30+dfsg-1 (deb)');
});

test('the SBOM downloads as CycloneDX and SPDX JSON', async ({ page }) => {
  const panel = await openPackages(page);
  for (const [button, check] of [
    ['CycloneDX 1.6', (doc: Record<string, unknown>) => expect(doc.bomFormat).toBe('CycloneDX')],
    ['SPDX 2.3', (doc: Record<string, unknown>) => expect(doc.spdxVersion).toBe('SPDX-2.3')],
  ] as const) {
    const download = page.waitForEvent('download');
    await panel.getByRole('button', { name: button }).click();
    const file = await (await download).path();
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    check(doc);
    const count = (doc.components ?? doc.packages.slice(1)).length;
    expect(count).toBe(110);
  }
});

test('files no package owns are listed, and open in Files', async ({ page }) => {
  const panel = await openPackages(page);
  const unowned = panel.getByRole('region', { name: 'Files no package owns' });
  await expect(unowned).toContainText('/etc/os-release');
  await unowned.getByRole('button', { name: '/etc/os-release' }).click();
  await expect(
    page.getByRole('complementary', { name: 'Details' }).locator('.details-path'),
  ).toHaveText('/etc/os-release');
  await expect(page.getByTestId('owner-package')).toContainText('none');
});

test('an rpm SQLite database is read in the browser (sql.js loaded on demand)', async ({
  page,
}) => {
  const rpm = join(dir, 'mariner.tar');
  writeFileSync(
    rpm,
    imageOfLayers(
      [
        [
          { name: 'etc/os-release', data: 'ID=mariner\nVERSION_ID="2.0"\n' },
          ...fixtureTree('rpm/sqlite-cbl-mariner-2.0'),
        ],
      ],
      'mariner:2',
    ),
  );
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(rpm);
  expect(await settled(page)).toBe('ready');
  await page.getByRole('tab', { name: 'Packages' }).click();
  const panel = page.getByRole('tabpanel', { name: 'Packages' });
  await expect(panel.getByTestId('package-count')).toContainText('129 packages');
  await panel.getByRole('searchbox', { name: 'Search packages' }).fill('pkg:rpm/mariner/curl@');
  await expect(panel.locator('tbody tr[data-purl]')).toHaveCount(1);
  await expect(panel.locator('tbody tr[data-purl]')).toContainText('7.76.0-6.cm2');
});
