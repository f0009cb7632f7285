import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { docker25Archive, legacyArchive } from '../testing/sample-image.ts';

/** `npm run make-sample`: writes the sample image, in both docker save layouts, under public/sample/. */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = join(root, 'public', 'sample');
mkdirSync(out, { recursive: true });
for (const [name, bytes] of [
  ['investitest.tar', legacyArchive()],
  ['investitest-docker25.tar', docker25Archive()],
] as const) {
  writeFileSync(join(out, name), bytes);
  console.log(`wrote public/sample/${name} (${bytes.length} bytes)`);
}
