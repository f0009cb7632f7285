import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { FIXTURES } from './fixtures.ts';
import { imageFrom, legacyArchive } from './sample-image.ts';
import { type TarInput, writeTar } from './tar-writer.ts';

/** The package-database fixtures (shared/fixtures/packages), whose folders stand for an image root. */
export const PACKAGES = join(FIXTURES, 'packages');

/** Every file below a fixture folder as tar entries, at `prefix` + its path inside the folder. */
export function fixtureTree(folder: string, prefix = ''): TarInput[] {
  const root = join(PACKAGES, folder);
  const out: TarInput[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else
        out.push({
          name: `${prefix}${relative(root, path)}`,
          data: new Uint8Array(readFileSync(path)),
          mode: 0o644,
        });
    }
  };
  walk(root);
  return out;
}

/** One fixture file as an entry at `name`. */
export function fixtureFile(file: string, name: string, mode = 0o644): TarInput {
  return { name, data: new Uint8Array(readFileSync(join(PACKAGES, file))), mode };
}

/** A `docker save` archive of an image whose layers are these entries, one step each. */
export function imageOfLayers(layers: TarInput[][], tag = 'packages:test'): Uint8Array {
  return legacyArchive(
    imageFrom(layers.map((l, i) => ({ command: `step ${i}`, layer: writeTar(l) }))),
    tag,
  );
}
