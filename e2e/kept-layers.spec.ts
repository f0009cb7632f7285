import { expect, type Page, test } from '@playwright/test';
import { fixture, settled } from './helpers.ts';

const ALPINE_GZIP = fixture('trivy__alpine-310.tar.gz'); // docker save | gzip
const OCI_GZIP = fixture('dive__test-oci-gzip-image.tar');

async function open(page: Page, file: string) {
  await page.getByTestId('file-input').setInputFiles(file);
  expect(await settled(page)).toBe('ready');
  await expect(page.locator('[data-verification="passed"]')).toBeVisible();
}

/** The kept layers in the origin private file system: folder, file and size. */
function keptLayers(page: Page) {
  return page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    const found: { folder: string; file: string; size: number }[] = [];
    for await (const [folder, handle] of root.entries()) {
      if (!folder.startsWith('strata-kept-') || handle.kind !== 'directory') continue;
      for await (const [file, fileHandle] of (handle as FileSystemDirectoryHandle).entries()) {
        if (fileHandle.kind !== 'file') continue;
        found.push({
          folder,
          file,
          size: (await (fileHandle as FileSystemFileHandle).getFile()).size,
        });
      }
    }
    return found;
  });
}

test('after the digest check, a file of a compressed archive is read from the layer kept on disk', async ({
  page,
}) => {
  await page.goto('/');
  await open(page, ALPINE_GZIP);
  const kept = await keptLayers(page);
  expect(kept).toHaveLength(1);
  // Alpine 3.10's one layer, decompressed: 5.8 MB of tar.
  expect(kept[0]!.size).toBeGreaterThan(5e6);
  // Change the kept copy in place: what the viewer shows is then what was kept, not the archive.
  const changed = await page.evaluate(async ({ folder, file }) => {
    const root = await navigator.storage.getDirectory();
    const handle = await (await root.getDirectoryHandle(folder)).getFileHandle(file);
    const text = new TextDecoder('latin1').decode(await (await handle.getFile()).arrayBuffer());
    const at = text.indexOf('NAME="Alpine Linux"');
    if (at < 0) return false;
    const writable = await handle.createWritable({ keepExistingData: true });
    await writable.write({ type: 'write', position: at, data: 'NAME="Alqine Linux"' });
    await writable.close();
    return true;
  }, kept[0]!);
  expect(changed).toBe(true);
  await page.getByRole('searchbox', { name: 'Filter paths' }).fill('/etc/os-release');
  await page.getByRole('button', { name: 'Next match' }).click();
  await expect(page.getByTestId('text-view')).toContainText('NAME="Alqine Linux"');
});

test('a closed archive leaves no kept layers behind', async ({ page }) => {
  await page.goto('/');
  await open(page, OCI_GZIP);
  const first = await keptLayers(page);
  expect(first.length).toBeGreaterThan(0);
  await open(page, ALPINE_GZIP);
  await expect
    .poll(async () => (await keptLayers(page)).filter((k) => k.folder === first[0]!.folder))
    .toEqual([]);
  expect(await keptLayers(page)).toHaveLength(1);
});
