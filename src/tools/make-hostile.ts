import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostileCases } from '../testing/hostile.ts';

/**
 * `npm run make-hostile -- DIR`: writes the corpus of broken and hostile archives, at full size
 * (a million-entry layer, bombs that expand to gigabytes), for `npm run analyze` and the app.
 */
const dir = process.argv[2] ?? 'hostile-corpus';
mkdirSync(dir, { recursive: true });
for (const c of hostileCases('full')) {
  const bytes = c.bytes();
  writeFileSync(join(dir, `${c.name}.tar`), bytes);
  const expect =
    'refused' in c.expect
      ? `refused: ${c.expect.refused}`
      : 'warned' in c.expect
        ? `warning: ${c.expect.warned}`
        : 'loads';
  console.log(`${c.name}.tar  ${bytes.length} bytes  (${expect})`);
}
