import { openAsBlob } from 'node:fs';
import { blobSource } from '../core/bytes.ts';
import { analyzeImage } from '../core/fs/analyze-image.ts';
import { mergedAt } from '../core/fs/merged.ts';
import { PathVersions } from '../core/fs/versions.ts';
import { readArchive } from '../core/read-archive.ts';

/** Node figures: the full scan, then the change model of every layer, then layer switches. */
export async function nodeBench(path: string): Promise<Record<string, string>> {
  const blob = await openAsBlob(path);
  let t = performance.now();
  const read = await readArchive(blobSource(blob));
  const scanMs = performance.now() - t;
  const image = read.model.images[0]!;
  const entries = image.layers.reduce(
    (n, l) => n + (read.scans.get(l.blobPath!)?.entries.length ?? 0),
    0,
  );
  t = performance.now();
  const versions = new PathVersions(image.layers.map((l) => read.scans.get(l.blobPath!)!.entries));
  const historyMs = performance.now() - t;
  t = performance.now();
  analyzeImage(image, read.scans);
  const analysisMs = performance.now() - t;
  const switches: number[] = [];
  for (let layer = 0; layer < image.layers.length; layer++) {
    t = performance.now();
    mergedAt(versions, layer);
    switches.push(performance.now() - t);
  }
  return {
    file: path,
    'archive MB': (blob.size / 1e6).toFixed(0),
    entries: String(entries),
    'scan (node)': `${(scanMs / 1000).toFixed(2)} s, ${(blob.size / 1e6 / (scanMs / 1000)).toFixed(0)} MB/s`,
    'all layers changes (PathVersions)': `${historyMs.toFixed(0)} ms`,
    'full analysis (changes, final view, dive efficiency, reclaimable)': `${analysisMs.toFixed(0)} ms`,
    'merged view per layer switch': switches.map((s) => `${s.toFixed(0)} ms`).join(', '),
  };
}
