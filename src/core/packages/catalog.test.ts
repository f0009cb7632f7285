import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  debianLikeLayers,
  fixtureTree,
  imageOfLayers,
  PACKAGES,
} from '../../testing/package-images.ts';
import type { TarInput } from '../../testing/tar-writer.ts';
import { bytesSource } from '../bytes.ts';
import { LayerContent } from '../content.ts';
import { analyzeImage } from '../fs/analyze-image.ts';
import { readArchive } from '../read-archive.ts';
import { catalogImage, type ImagePackages } from './catalog.ts';
import { imageBodies } from './image-bodies.ts';

/**
 * Images built from the real package databases in shared/fixtures/packages, catalogued layer by
 * layer. The expected figures are those the databases' own projects assert (see that folder's
 * README), plus the changes these tests make between layers.
 */
async function catalogue(layers: TarInput[][]): Promise<ImagePackages> {
  const bytes = imageOfLayers(layers);
  const source = bytesSource(bytes);
  const read = await readArchive(source);
  const versions = analyzeImage(read.model.images[0]!, read.scans).versions;
  return catalogImage(versions, imageBodies(read, 0, versions, new LayerContent(source)));
}

const BIONIC = readFileSync(join(PACKAGES, 'dpkg/ubuntu-bionic/var/lib/dpkg/status'), 'utf8');

describe('catalogImage on a Debian-like image built in layers', () => {
  let found: ImagePackages;
  beforeAll(async () => {
    found = await catalogue(debianLikeLayers());
  }, 60_000);

  it('reads the 90 installed packages of the bionic status file, not the config-files one', () => {
    const first = found.layers[0]!;
    expect(first.total).toBe(90);
    expect(first.added).toHaveLength(90);
    expect(first.added.some((p) => p.startsWith('pkg:deb/ubuntu/git@'))).toBe(false);
    expect(first.added).toContain(
      'pkg:deb/ubuntu/bsdutils@1:2.31.1-0.4ubuntu3.1?arch=amd64&distro=ubuntu-18.04&upstream=util-linux',
    );
    expect(first.added).toContain(
      'pkg:deb/ubuntu/adduser@3.116ubuntu1?arch=all&distro=ubuntu-18.04',
    );
  });

  it('says which packages a layer added, removed and upgraded', () => {
    expect(found.layers[1]).toMatchObject({
      added: ['pkg:deb/ubuntu/curl@7.58.0-2ubuntu3?arch=amd64&distro=ubuntu-18.04'],
      removed: ['pkg:deb/ubuntu/adduser@3.116ubuntu1?arch=all&distro=ubuntu-18.04'],
      changed: [{ name: 'tar', type: 'deb', from: '1.29b-2', to: '1.30+dfsg-1' }],
      total: 90,
    });
  });

  it('names the layer that installed each version, and what it owns and weighs', () => {
    const row = (name: string) => found.packages.find((p) => p.name === name)!;
    expect(row('bash')).toMatchObject({ version: '4.4.18-2ubuntu1', arch: 'amd64', layer: 0 });
    expect(row('curl').layer).toBe(1);
    // tar's md5sums name 13 files; two of them are in the image, with 1000 and 24 bytes.
    expect(row('tar')).toMatchObject({ version: '1.30+dfsg-1', layer: 1, files: 13, bytes: 1024 });
    expect(row('tar').source).toBe('/var/lib/dpkg/status');
  });

  it('reads Python distributions with their RECORD, and sees one deleted by a later layer', () => {
    const pygments = found.packages.find((p) => p.type === 'pypi' && p.name === 'Pygments')!;
    expect(pygments).toMatchObject({ version: '2.6.1', purl: 'pkg:pypi/pygments@2.6.1', layer: 2 });
    expect(pygments.files).toBe(7);
    expect(found.layers[2]!.added).toContain('pkg:pypi/requests@2.22.0');
    expect(found.layers[5]!.removed).toEqual(['pkg:pypi/requests@2.22.0']);
    expect(found.packages.some((p) => p.name === 'requests')).toBe(false);
  });

  it('reads every installed npm package.json, nested copies included, with licences', () => {
    // The fixture's node_modules holds 8 manifests: debug@2.6.9 and ms@2.0.0 are installed twice
    // (under body-parser and express). trivy's 8 packages also take ansi-colors and array-flatten
    // from the lockfile, which lists what should be installed, not what is.
    const npm = found.packages.filter((p) => p.type === 'npm');
    expect(npm.map((p) => `${p.name}@${p.version}`).sort()).toEqual([
      '@babel/parser@7.23.6',
      'body-parser@1.18.3',
      'debug@2.6.9',
      'debug@2.6.9',
      'express@4.16.4',
      'ms@2.0.0',
      'ms@2.0.0',
      'ms@2.1.1',
    ]);
    expect(new Set(npm.filter((p) => p.name === 'debug').map((p) => p.source))).toEqual(
      new Set([
        '/app/node_modules/body-parser/node_modules/debug/package.json',
        '/app/node_modules/express/node_modules/debug/package.json',
      ]),
    );
    expect(npm.find((p) => p.name === 'express')!.license).toBe('MIT');
    expect(npm.find((p) => p.name === '@babel/parser')!.purl).toBe(
      'pkg:npm/%40babel/parser@7.23.6',
    );
  });

  it('reads the Go build information and the Java archives', () => {
    const go = found.packages
      .filter((p) => p.type === 'golang')
      .map((p) => `${p.name}@${p.version}`);
    expect(go.sort()).toEqual([
      'github.com/aquasecurity/go-pep440-version@v0.0.0-20210121094942-22b2f8951d46',
      'github.com/aquasecurity/go-version@v0.0.0-20210121072130-637058cfe492',
      'github.com/aquasecurity/test@',
      'golang.org/x/xerrors@v0.0.0-20200804184101-5ec99f83aff1',
      'stdlib@v1.15.2',
    ]);
    const maven = found.packages.filter((p) => p.type === 'maven');
    expect(maven.map((p) => `${p.name}@${p.version}`).sort()).toEqual([
      'com.example:multi-license@1.0.0',
      'com.google.guava:failureaccess@1.0.1',
      'com.google.guava:guava@29.0-jre',
      'com.google.guava:listenablefuture@9999.0-empty-to-avoid-conflict-with-guava',
      'com.google.j2objc:j2objc-annotations@1.3',
      'org.apache.hadoop.thirdparty:hadoop-shaded-guava@1.1.0-SNAPSHOT',
    ]);
    expect(maven.find((p) => p.name === 'com.google.guava:guava')!.purl).toBe(
      'pkg:maven/com.google.guava/guava@29.0-jre',
    );
    expect(maven.find((p) => p.name === 'com.example:multi-license')!.license).toBeNull();
    expect(found.layers[4]!.added).toHaveLength(11);
  });

  it('lists the files no package owns, largest first', () => {
    const paths = found.unowned.map((f) => f.path);
    expect(paths).toContain('/etc/os-release');
    expect(paths).not.toContain('/usr/bin/tar');
    expect(paths).not.toContain('/usr/local/bin/test');
    const sizes = found.unowned.map((f) => f.bytes);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    expect(found.unownedCount).toBe(found.unowned.length);
  });
});

describe('catalogImage on other distributions', () => {
  it('reads a distroless status.d entry and its md5sums', async () => {
    const found = await catalogue([fixtureTree('dpkg/distroless-libsqlite3')]);
    expect(found.packages).toHaveLength(1);
    expect(found.packages[0]).toMatchObject({
      name: 'libsqlite3-0',
      version: '3.34.1-3',
      arch: 'arm64',
      files: 6,
    });
  });

  it('reads a Debian image with its os-release into syft’s purl', async () => {
    const found = await catalogue([fixtureTree('dpkg/debian-libpam')]);
    expect(found.packages.map((p) => p.purl)).toEqual([
      'pkg:deb/debian/libpam-runtime@1.1.8-3.6?arch=all&distro=debian-12&upstream=pam',
    ]);
  });

  it('takes a Debian package’s licences from its machine-readable copyright file', async () => {
    const copyright = [
      'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/',
      '',
      'Files: *',
      'License: GPL-2+',
      ' The full text.',
      '',
      'Files: debian/*',
      'License: LGPL-2.1',
      '',
      'Files: other/*',
      'License: GPL-2+',
    ].join('\n');
    const found = await catalogue([
      [
        ...fixtureTree('dpkg/debian-libpam'),
        { name: 'usr/share/doc/libpam-runtime/copyright', data: copyright },
      ],
    ]);
    expect(found.packages[0]!.license).toBe('GPL-2+, LGPL-2.1');
  });

  it('reads Alpine’s installed database, skipping the entry without a version (and saying so)', async () => {
    const found = await catalogue([fixtureTree('apk/alpine-trivy')]);
    expect(found.packages).toHaveLength(15);
    const musl = found.packages.find((p) => p.name === 'musl')!;
    expect(musl).toMatchObject({ version: '1.1.14-r10', license: 'MIT', arch: 'x86_64', files: 2 });
    expect(found.problems.map((p) => p.message).join()).toMatch(/invalidPackageWithoutAVersion/);
  });

  it.each([
    ['rpm/bdb-libuuid', 'libuuid', '2.32.1-42.el8_8', 1, 7],
    ['rpm/bdb-epoch', 'hello', '1:0.0.1-rls', 1, null],
    ['rpm/sqlite-cbl-mariner-2.0', 'curl', '7.76.0-6.cm2', null, 6],
    ['rpm/ndb-sle15-bci', 'bash', '4.4-19.6.1', null, null],
  ])('reads the rpm database in %s', async (folder, name, version, count, files) => {
    const found = await catalogue([fixtureTree(folder)]);
    if (count !== null) expect(found.packages).toHaveLength(count);
    const row = found.packages.find((p) => p.name === name)!;
    expect(row.version).toBe(version);
    if (files !== null) expect(row.files).toBe(files);
  });

  it('reads the SLE 15 NDB database in its own order (the first of 35 checked there)', async () => {
    const found = await catalogue([fixtureTree('rpm/ndb-sle15-bci')]);
    expect(found.packages.length).toBeGreaterThanOrEqual(35);
    const glibc = found.packages.find((p) => p.name === 'glibc')!;
    expect(glibc).toMatchObject({ version: '2.31-9.3.2', arch: 'x86_64' });
    // No os-release in this image: the purl has no vendor namespace.
    expect(glibc.purl).toMatch(/^pkg:rpm\/glibc@2\.31-9\.3\.2\?arch=x86_64/);
  });

  it('counts the SQLite database’s packages, less rpm’s public keys', async () => {
    const found = await catalogue([fixtureTree('rpm/sqlite-cbl-mariner-2.0')]);
    expect(found.packages.length).toBeGreaterThan(100);
    expect(found.packages.length).toBeLessThanOrEqual(129);
    expect(found.packages.some((p) => p.name === 'gpg-pubkey')).toBe(false);
  });
});

describe('catalogImage on damaged databases', () => {
  it('keeps the packages read before a Berkeley DB is cut short, and names the file', async () => {
    const db = readFileSync(join(PACKAGES, 'rpm/bdb-libuuid/var/lib/rpm/Packages'));
    const found = await catalogue([
      [{ name: 'var/lib/rpm/Packages', data: new Uint8Array(db.subarray(0, 40_000)) }],
    ]);
    expect(found.problems.length).toBeGreaterThan(0);
    expect(found.problems[0]!.path).toBe('/var/lib/rpm/Packages');
  });

  it('reads the other npm packages when one package.json is not JSON', async () => {
    const found = await catalogue([
      [
        ...fixtureTree('npm/trivy-app-lockv1'),
        { name: 'app/node_modules/broken/package.json', data: '{"name": "broken", ' },
      ],
    ]);
    expect(found.packages).toHaveLength(8);
    expect(found.problems).toEqual([
      expect.objectContaining({ path: '/app/node_modules/broken/package.json' }),
    ]);
  });

  it('reports a Go binary whose build information is garbage, and goes on', async () => {
    const junk = new Uint8Array(300 << 10);
    junk.set([0x7f, 0x45, 0x4c, 0x46, 2, 1]);
    junk.set([0xff, ...new TextEncoder().encode(' Go buildinf:'), 8, 0], 4096);
    const found = await catalogue([
      [
        { name: 'usr/bin/fake', data: junk, mode: 0o755 },
        ...fixtureTree('apk/alpine-syft-multiple-2'),
      ],
    ]);
    expect(found.packages).toHaveLength(14);
    expect(found.problems.map((p) => p.path)).toContain('/usr/bin/fake');
  });

  it('reads a status file whose stanzas are damaged without failing', async () => {
    const found = await catalogue([
      [
        {
          name: 'var/lib/dpkg/status',
          data: `${BIONIC.slice(0, 5000)}\n\u0000\u0001garbage: \n:::\n`,
        },
      ],
    ]);
    expect(found.packages.length).toBeGreaterThan(0);
  });
});
