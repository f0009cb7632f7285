import { describe, expect, it } from 'vitest';
import { fixtureBytes } from '../../testing/fixtures.ts';
import { pathsOf } from '../../testing/layers.ts';
import { imageOfLayers } from '../../testing/package-images.ts';
import { bytesSource } from '../bytes.ts';
import { readArchive } from '../read-archive.ts';
import type { LayerScan } from './scan.ts';
import { type ScanElsewhere, scanBlobAt } from './scan-blob.ts';
import { fromScanMessage, toScanMessage } from './scan-message.ts';

/**
 * Scans elsewhere as the worker pool does (every blob handed over at once, the scan crossing a
 * structured clone), but with the first layers finishing last.
 */
function outOfOrder(bytes: Uint8Array): { scan: ScanElsewhere; handed: string[] } {
  const handed: string[] = [];
  const scan: ScanElsewhere = async (task, options) => {
    handed.push(task.path);
    const delay = 200 - handed.length * 30;
    const scan = await scanBlobAt(bytesSource(bytes, 4096), task, {
      limits: options.limits,
      skipBodiesFrom: options.skipBodiesFrom,
      entryBudget: { left: options.entriesLeft },
      onBytes: () => {},
    });
    await new Promise((r) => setTimeout(r, Math.max(0, delay)));
    const { message, transfer } = toScanMessage(scan);
    return fromScanMessage(structuredClone(message, { transfer }));
  };
  return { scan, handed };
}

const summary = (scans: Map<string, LayerScan>) =>
  [...scans].map(([path, s]) => ({
    path,
    compression: s.compression,
    size: s.size,
    tarBytes: s.tarBytes,
    paths: pathsOf(s.entries),
    entries: Array.from({ length: s.entries.length }, (_, i) => s.entries.get(i)),
    error: s.error?.toProblem(),
  }));

describe('layers scanned elsewhere, several at once', () => {
  // The OCI fixture's gzip blobs are small: the outer index keeps them, and they are scanned here;
  // dive's docker image has one large layer (scanned here too), the generated image three.
  const threeLayers = () =>
    imageOfLayers(
      [0, 1, 2].map((n) =>
        Array.from({ length: 20 }, (_, i) => ({ name: `l${n}/f${i}`, data: 'y'.repeat(70_000) })),
      ),
    );
  for (const [name, bytesOf, handsOver] of [
    ['dive__test-docker-image.tar', () => fixtureBytes('dive__test-docker-image.tar'), false],
    ['a generated image of three layers', threeLayers, true],
    ['dive__test-oci-gzip-image.tar', () => fixtureBytes('dive__test-oci-gzip-image.tar'), false],
  ] as const) {
    it(`${name}: the same scans, in layer order, as one after another here`, async () => {
      const bytes = bytesOf();
      const here = await readArchive(bytesSource(bytes, 4096), { skipBodiesFrom: 1 << 20 });
      const { scan, handed } = outOfOrder(bytes);
      const events: string[] = [];
      const there = await readArchive(bytesSource(bytes, 4096), {
        skipBodiesFrom: 1 << 20,
        scanElsewhere: scan,
        onLayer: (path) => events.push(path),
      });
      expect(summary(there.scans)).toEqual(summary(here.scans));
      expect(there.model.warnings).toEqual(here.model.warnings);
      expect(events).toEqual([...here.scans.keys()]);
      expect(handed.length > 0).toBe(handsOver);
    });
  }

  it('a lone layer is scanned here: handing it over would only add the cost of its way back', async () => {
    const bytes = imageOfLayers([[{ name: 'only/file', data: 'x'.repeat(70_000) }]]);
    const here = await readArchive(bytesSource(bytes), {});
    const { scan, handed } = outOfOrder(bytes);
    const there = await readArchive(bytesSource(bytes), { scanElsewhere: scan });
    expect(handed).toEqual([]);
    expect(summary(there.scans)).toEqual(summary(here.scans));
    expect(there.scans.size).toBe(1);
  });

  it('a layer that is damaged elsewhere keeps its entries before the damage and its warning', async () => {
    const layer = (n: number) =>
      Array.from({ length: 30 }, (_, i) => ({ name: `l${n}/f${i}`, data: 'x'.repeat(600_000) }));
    const bytes = imageOfLayers([layer(0), layer(1)]);
    const cut = bytes.slice();
    // A header in the middle of the second layer's blob, zeroed, then garbage after it.
    const at = new TextDecoder('latin1').decode(cut).indexOf('l1/f10');
    cut.fill(0x41, at, at + 512);
    const here = await readArchive(bytesSource(cut), {});
    const there = await readArchive(bytesSource(cut), { scanElsewhere: outOfOrder(cut).scan });
    expect(summary(there.scans)).toEqual(summary(here.scans));
    expect(there.model.warnings).toEqual(here.model.warnings);
    expect(there.model.warnings.some((w) => w.message.includes('could be read only in part'))).toBe(
      true,
    );
  });
});
