import { compareReads } from '../cli/compare.ts';
import { readBytes } from '../testing/fixtures.ts';
import { imageFrom, legacyArchive } from '../testing/sample-image.ts';
import { writeTar } from '../testing/tar-writer.ts';
import { diffTree } from '../views/compare/diff-tree.ts';

/**
 * `npm run bench:compare`: two one-layer images of 150,000 files that all differ, compared three
 * times. Prints the comparison (with the analysis of both images, as the CLI does it), the
 * structured clone a worker's answer costs, and building the page's tree of differences.
 */
const N = 150_000;
const files = (tag: string) =>
  Array.from({ length: N }, (_, i) => ({ name: `d${i % 300}/f${i}.txt`, data: `${tag}${i}` }));
const image = (tag: string) =>
  readBytes(legacyArchive(imageFrom([{ command: tag, layer: writeTar(files(tag)) }]), `${tag}:1`));
const left = await image('a');
const right = await image('bb');
for (let run = 1; run <= 3; run++) {
  let t = performance.now();
  const result = compareReads(left, 0, right, 0);
  const compareMs = performance.now() - t;
  t = performance.now();
  const cloned = structuredClone(result);
  const cloneMs = performance.now() - t;
  t = performance.now();
  diffTree(cloned.files, cloned.fileFacts, 'name');
  const treeMs = performance.now() - t;
  console.log(
    `run ${run}: ${result.files.changed.length} changed; compare ${compareMs.toFixed(0)} ms, clone ${cloneMs.toFixed(0)} ms, tree ${treeMs.toFixed(0)} ms`,
  );
}
