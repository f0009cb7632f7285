import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
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

/** CORS headers that let the app, on another origin, make Range requests and read the answers. */
export function allowRangesFromAnyOrigin(res: ServerResponse): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Headers', 'Range');
  res.setHeader('Access-Control-Expose-Headers', 'Content-Range, Content-Length');
}

/** The byte range a request asks for (`bytes=a-b`), if it asks for one. */
export function requestedRange(
  req: IncomingMessage,
  size: number,
): { start: number; end: number } | undefined {
  const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
  return range ? { start: Number(range[1]), end: Math.min(Number(range[2]) + 1, size) } : undefined;
}

/** Answers with `bytes[start, end)` as a 206 partial content. */
export function sendRange(
  res: ServerResponse,
  bytes: Uint8Array,
  start: number,
  end: number,
): void {
  res.writeHead(206, {
    'Content-Range': `bytes ${start}-${end - 1}/${bytes.length}`,
    'Content-Length': end - start,
  });
  res.end(bytes.subarray(start, end));
}

/**
 * Serves `bytes` to Range requests on 127.0.0.1, uncached, so that every read reaches it (the
 * browser's cache would answer a range it has seen). A read for which `holds(start, end)` says so
 * gets its first `part` bytes and then nothing, as a stalled server would send it; `holds` sees
 * every read, in order.
 */
export async function holdingRangeServer(
  bytes: Uint8Array,
  holds: (start: number, end: number) => boolean,
  part: number,
): Promise<{ url: string; close: () => void }> {
  const server = createServer((req, res) => {
    allowRangesFromAnyOrigin(res);
    res.setHeader('Cache-Control', 'no-store');
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    const { start, end } = requestedRange(req, bytes.length) ?? { start: 0, end: bytes.length };
    if (!holds(start, end)) return sendRange(res, bytes, start, end);
    res.writeHead(206, {
      'Content-Range': `bytes ${start}-${end - 1}/${bytes.length}`,
      'Content-Length': end - start,
    });
    res.write(bytes.subarray(start, start + part)); // and no more
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** The kept layers in the origin private file system: folder, file and size (marks left out). */
export function keptLayers(page: Page) {
  return page.evaluate(async () => {
    const root = await navigator.storage.getDirectory();
    const found: { folder: string; file: string; size: number }[] = [];
    for await (const [folder, handle] of root.entries()) {
      if (!folder.startsWith('strata-kept-') || handle.kind !== 'directory') continue;
      for await (const [file, fileHandle] of (handle as FileSystemDirectoryHandle).entries()) {
        if (fileHandle.kind !== 'file' || file.endsWith('.whole')) continue;
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
