import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureBytes, printed } from '../testing/fixtures.ts';
import { legacyArchive } from '../testing/sample-image.ts';
import { blobSource, bytesSource, urlSource } from './bytes.ts';
import { StrataError } from './errors.ts';
import { readArchive } from './read-archive.ts';
import { analyzeReport } from './report.ts';

const archive = fixtureBytes('dive__test-docker-image.tar');

/** A local server for the archive: with range support on /range, without on /plain. */
let base = '';
let requests: { path: string; range: string | undefined }[] = [];
const server = createServer((req, res) => {
  requests.push({ path: req.url ?? '', range: req.headers.range });
  const match = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
  if (req.url === '/range' && match) {
    const start = Number(match[1]);
    const end = Number(match[2]) + 1;
    res.writeHead(206, {
      'Content-Range': `bytes ${start}-${end - 1}/${archive.length}`,
      'Content-Length': end - start,
    });
    res.end(archive.subarray(start, end));
    return;
  }
  res.writeHead(200, { 'Content-Length': archive.length });
  res.end(archive);
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

async function report(source: Parameters<typeof readArchive>[0]) {
  return printed(analyzeReport(await readArchive(source)));
}

describe('byte sources give the same result', () => {
  it('bytes, a Blob, a URL with range requests and a URL without', async () => {
    const reference = await report(bytesSource(archive));
    expect(await report(blobSource(new Blob([archive as Uint8Array<ArrayBuffer>])))).toEqual(
      reference,
    );
    requests = [];
    expect(await report(urlSource(`${base}/range`, archive.length, true))).toEqual(reference);
    expect(requests.every((r) => r.range !== undefined)).toBe(true);
    expect(await report(urlSource(`${base}/plain`, archive.length, false))).toEqual(reference);
  });
});

describe('reading order, progress and cancel', () => {
  it('the model (tags, config, history) arrives before any layer is read', async () => {
    const events: string[] = [];
    await readArchive(bytesSource(archive), {
      onModel: (model) => events.push(`model:${model.images[0]?.tags[0]}`),
      onLayer: () => events.push('layer'),
    });
    expect(events[0]).toBe('model:dive-test:latest');
    expect(events.filter((e) => e === 'layer')).toHaveLength(14);
  });

  it('progress counts bytes and layers up to the whole file', async () => {
    const seen: { bytes: number; layers: number; phase: string }[] = [];
    await readArchive(bytesSource(archive, 4096), {
      onProgress: (p) => seen.push({ bytes: p.bytesRead, layers: p.layersDone, phase: p.phase }),
    });
    const last = seen.at(-1)!;
    expect(last).toEqual({ bytes: archive.length, layers: 14, phase: 'done' });
    for (let i = 1; i < seen.length; i++)
      expect(seen[i]!.layers).toBeGreaterThanOrEqual(seen[i - 1]!.layers);
  });

  it('cancel stops the read with a "cancelled" error', async () => {
    const controller = new AbortController();
    const read = readArchive(bytesSource(legacyArchive(), 512), {
      signal: controller.signal,
      onModel: () => controller.abort(),
    });
    await expect(read).rejects.toBeInstanceOf(StrataError);
    await expect(read).rejects.toMatchObject({ code: 'cancelled' });
  });
});
