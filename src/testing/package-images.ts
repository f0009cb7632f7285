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

const BIONIC = () => readFileSync(join(PACKAGES, 'dpkg/ubuntu-bionic/var/lib/dpkg/status'), 'utf8');

/** The status file with one stanza replaced (or removed, with null) and others appended. */
function editStatus(status: string, name: string, replacement: string | null, extra = ''): string {
  const stanzas = status.split(/\n\n+/).filter((s) => s.trim());
  const kept = stanzas.flatMap((s) =>
    s.startsWith(`Package: ${name}\n`) ? (replacement === null ? [] : [replacement]) : [s],
  );
  return `${[...kept, extra].filter(Boolean).join('\n\n')}\n`;
}

/**
 * An Ubuntu-like image in six layers, from the real databases: 0 the bionic dpkg status (90
 * installed) with tar's md5sums and two of its files; 1 an apt run that removes adduser, upgrades
 * tar to 1.30+dfsg-1 and adds curl; 2 Python site-packages (Pygments, requests); 3 an npm app's
 * node_modules; 4 a Go binary and two Java archives; 5 requests' metadata deleted.
 */
export function debianLikeLayers(): TarInput[][] {
  const status = BIONIC();
  const upgraded = editStatus(
    editStatus(status, 'adduser', null),
    'tar',
    'Package: tar\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.30+dfsg-1\nSource: tar',
    'Package: curl\nStatus: install ok installed\nArchitecture: amd64\nVersion: 7.58.0-2ubuntu3\nSource: curl',
  );
  return [
    [
      { name: 'etc/os-release', data: 'ID=ubuntu\nVERSION_ID="18.04"\n' },
      { name: 'var/lib/dpkg/status', data: status },
      fixtureFile(
        'dpkg/ubuntu-tar-md5sums/var/lib/dpkg/info/tar.md5sums',
        'var/lib/dpkg/info/tar.md5sums',
      ),
      { name: 'usr/bin/tar', data: 'x'.repeat(1000), mode: 0o755 },
      { name: 'usr/sbin/tarcat', data: 'y'.repeat(24), mode: 0o755 },
    ],
    [{ name: 'var/lib/dpkg/status', data: upgraded }],
    fixtureTree('python/syft-site-packages'),
    fixtureTree('npm/trivy-app-lockv1'),
    [
      fixtureFile('go/trivy-test.elf', 'usr/local/bin/test', 0o755),
      fixtureFile(
        'java/hadoop-shaded-guava-1.1.0-SNAPSHOT.jar',
        'opt/lib/hadoop-shaded-guava-1.1.0-SNAPSHOT.jar',
      ),
      fixtureFile('java/multi-license-1.0.0.jar', 'opt/lib/multi-license-1.0.0.jar'),
    ],
    [{ name: 'usr/lib/python3.8/site-packages/.wh.requests-2.22.0.egg-info' }],
  ];
}
