import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { imageWithSbom } from '../src/testing/oci-layout.ts';
import { scratchDir } from '../src/testing/scratch.ts';
import { settled } from './helpers.ts';

const SAMPLE = join(import.meta.dirname, '..', 'public', 'sample', 'investitest.tar');

async function openArchiveTab(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Open the sample image' }).click();
  expect(await settled(page)).toBe('ready');
  await page.getByRole('tab', { name: 'Archive' }).click();
}

test('the Archive view lists every file docker save wrote, each explained', async ({ page }) => {
  await openArchiveTab(page);
  const entries = page.getByRole('region', { name: 'Archive entries' });
  const rowOf = (name: string | RegExp) =>
    entries.getByRole('row').filter({ has: page.getByRole('button', { name }) });
  await expect(rowOf('manifest.json')).toContainText("docker's list of the images");
  await expect(rowOf('repositories')).toContainText('Tags for old docker load');
  await expect(rowOf(/^[0-9a-f]{64}\.json$/)).toContainText('image config of investitest:latest');
  await expect(
    entries.getByRole('row').filter({ hasText: /^[0-9a-f]{64}\/layer\.tar/ }),
  ).toHaveCount(4);
  await expect(rowOf(/^[0-9a-f]{64}\/$/).first()).toContainText('v1 layer ID');
});

test('following the rm /hi layer from manifest.json lands on the layer holding .wh.hi', async ({
  page,
}) => {
  await openArchiveTab(page);
  await page
    .getByRole('region', { name: 'Archive entries' })
    .getByRole('button', { name: 'manifest.json' })
    .click();
  const panel = page.getByRole('complementary', { name: 'Archive entry' });
  const layerLinks = panel.locator('.json-link', { hasText: /layer\.tar/ });
  await expect(layerLinks).toHaveCount(4);
  await layerLinks.nth(3).click();
  await expect(panel.getByRole('heading', { level: 2 })).toHaveText(/^[0-9a-f]{64}\/layer\.tar$/);
  await expect(panel).toContainText('Layer 3');
  await expect(panel.locator('.raw-entries li')).toHaveText([/^\.wh\.hi.*whiteout/]);
  await panel.getByRole('button', { name: 'Open layer 3 in the explorer' }).click();
  await expect(page.locator('.step[aria-current="step"]')).toContainText('RUN rm /hi');
});

test('the image ID shown is the sha256 of the config file', async ({ page }) => {
  // The truth from GNU tar, not from Strata's reader.
  const manifest = JSON.parse(
    execFileSync('tar', ['-xOf', SAMPLE, 'manifest.json'], { encoding: 'utf8' }),
  ) as { Config: string }[];
  const configName = manifest[0]!.Config;
  const configSha = createHash('sha256')
    .update(execFileSync('tar', ['-xOf', SAMPLE, configName]))
    .digest('hex');

  await openArchiveTab(page);
  await page
    .getByRole('region', { name: 'Archive entries' })
    .getByRole('button', { name: configName })
    .click();
  await expect(page.getByTestId('image-id')).toContainText(`sha256:${configSha}`);
  await expect(page.getByTestId('image-id')).toContainText(
    `docker images shows ${configSha.slice(0, 12)}`,
  );
  await expect(page.getByRole('region', { name: 'Image' })).toContainText(configSha.slice(0, 12));
});

test('an SBOM attached as an OCI artifact is listed in the image picker and the Archive view', async ({
  page,
}) => {
  const path = join(scratchDir('strata-artifact-'), 'with-sbom.tar');
  writeFileSync(path, imageWithSbom().bytes);
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(path);
  expect(await settled(page)).toBe('ready');
  const header = page.getByRole('region', { name: 'Image' });
  await expect(header).toContainText('1 image and 1 artifact in this file');
  await expect(
    header.getByRole('combobox', { name: 'Image' }).locator('option[disabled]'),
  ).toContainText(['application/spdx+json']);
  await page.getByRole('tab', { name: 'Archive' }).click();
  const artifacts = page.getByRole('region', { name: 'Artifacts' });
  await expect(artifacts).toContainText('application/spdx+json');
  await expect(artifacts).toContainText('describes sha256:');
});
