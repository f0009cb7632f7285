import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bytesSource } from '../core/bytes.ts';
import { LayerContent } from '../core/content.ts';
import { analyzeImage } from '../core/fs/analyze-image.ts';
import { catalogImage } from '../core/packages/catalog.ts';
import { imageBodies } from '../core/packages/image-bodies.ts';
import { readArchive } from '../core/read-archive.ts';
import { imageOfLayers, PACKAGES } from '../testing/package-images.ts';
import type { TarInput } from '../testing/tar-writer.ts';

/**
 * `npm run bench:packages`: cataloguing an image with 2,000 dpkg packages, each with a file list
 * of 10 files that are all in the image (22,000 files), over three layers (the second upgrades
 * every tenth package, the third removes every fiftieth). Prints the time of each run.
 */
const COUNT = 2000;
const stanzas = readFileSync(join(PACKAGES, 'dpkg/ubuntu-bionic/var/lib/dpkg/status'), 'utf8')
  .split(/\n\n+/)
  .filter((s) => s.includes('install ok installed'));
const status = (version: (i: number) => string, keep: (i: number) => boolean) =>
  `${Array.from({ length: COUNT }, (_, i) => i)
    .filter(keep)
    .map((i) =>
      stanzas[i % stanzas.length]!.replace(/^Package: .*$/m, `Package: pkg${i}`).replace(
        /^Version: .*$/m,
        `Version: ${version(i)}`,
      ),
    )
    .join('\n\n')}\n`;
const base: TarInput[] = [{ name: 'etc/os-release', data: 'ID=debian\nVERSION_ID="12"\n' }];
for (let i = 0; i < COUNT; i++) {
  const files = Array.from({ length: 10 }, (_, k) => `/usr/share/pkg${i}/file${k}`);
  base.push({
    name: `var/lib/dpkg/info/pkg${i}.list`,
    data: `/.\n/usr\n/usr/share\n${files.join('\n')}\n`,
  });
  for (const f of files) base.push({ name: f.slice(1), data: `${i}:${f}` });
}
base.push({
  name: 'var/lib/dpkg/status',
  data: status(
    () => '1.0-1',
    () => true,
  ),
});
const layers = [
  base,
  [
    {
      name: 'var/lib/dpkg/status',
      data: status(
        (i) => (i % 10 === 0 ? '1.1-1' : '1.0-1'),
        () => true,
      ),
    },
  ],
  [
    {
      name: 'var/lib/dpkg/status',
      data: status(
        (i) => (i % 10 === 0 ? '1.1-1' : '1.0-1'),
        (i) => i % 50 !== 0,
      ),
    },
  ],
];
const bytes = imageOfLayers(layers);
const source = bytesSource(bytes);
const read = await readArchive(source);
const versions = analyzeImage(read.model.images[0]!, read.scans).versions;
console.log(`image: ${(bytes.length / 1e6).toFixed(1)} MB, ${versions.table.size} paths`);
for (let run = 1; run <= 5; run++) {
  const started = performance.now();
  const found = await catalogImage(
    versions,
    imageBodies(read, 0, versions, new LayerContent(source)),
  );
  const ms = performance.now() - started;
  const last = found.layers.at(-1)!;
  console.log(
    `run ${run}: ${ms.toFixed(0)} ms, ${found.packages.length} packages, layer 1 changed ${found.layers[1]!.changed.length}, layer 2 removed ${last.removed.length}`,
  );
}
