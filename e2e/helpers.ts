import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Page } from '@playwright/test';

export const FIXTURES = join(import.meta.dirname, '..', '..', 'shared', 'fixtures');

/**
 * Waits for the app to finish (ready or error), as users see it: never a sleep. Ready includes
 * the content check that may follow the first pass (headers first), so figures are final.
 */
export async function settled(page: Page): Promise<string> {
  await page.waitForFunction(
    () =>
      ['ready', 'error'].includes(document.body.dataset.state ?? '') &&
      document.body.dataset.checking !== 'running',
  );
  return (await page.evaluate(() => document.body.dataset.state)) ?? '';
}

/** Drops a file on the page the way a person does: dragenter, dragover, drop with a DataTransfer. */
export async function dropFile(page: Page, path: string): Promise<void> {
  const bytes = readFileSync(path).toString('base64');
  const name = basename(path);
  const transfer = await page.evaluateHandle(
    ({ bytes, name }) => {
      const data = Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([data], name));
      return dt;
    },
    { bytes, name },
  );
  for (const type of ['dragenter', 'dragover', 'drop']) {
    await page.dispatchEvent('.drop-zone', type, { dataTransfer: transfer });
  }
}

export function fixture(name: string): string {
  return join(FIXTURES, name);
}
