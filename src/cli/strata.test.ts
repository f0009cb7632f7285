import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'junit2json';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeReport } from '../core/report.ts';
import { FIXTURES, fixtureBytes, readBytes } from '../testing/fixtures.ts';
import { debianLikeLayers, imageOfLayers } from '../testing/package-images.ts';
import { scratchDir } from '../testing/scratch.ts';

/**
 * The `strata` command as a CI job runs it: the compiled entry (package.json `bin`), built fresh
 * here, run with node alone. dive's verdicts on dive's own test image (runtime/ci/evaluator_test.go).
 */
const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'dist-cli', 'strata.js');
const DIVE = join(FIXTURES, 'dive__test-docker-image.tar');
const dir = scratchDir('strata-cli-');
const ALL_OFF = ['--lowestEfficiency=disabled', '--highestUserWastedPercent=disabled'];

beforeAll(() => {
  execFileSync('npm', ['run', '-s', 'build:cli'], { cwd: root, stdio: 'ignore' });
}, 120_000);

function strata(args: string[], cwd = dir) {
  const run = spawnSync(bin, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

describe('strata analyze --ci', () => {
  it.each([
    [['--lowestEfficiency=0.99'], 1],
    [['--lowestEfficiency', '0.9', '--highestUserWastedPercent', 'disabled'], 0],
    [
      [
        '--highestWastedBytes=1B',
        '--lowestEfficiency=disabled',
        '--highestUserWastedPercent=disabled',
      ],
      1,
    ],
    [['--highestWastedBytes', '50kB', ...ALL_OFF], 0],
    [['--highestUserWastedPercent=0.01'], 1],
    [['--highestUserWastedPercent', '0.5'], 0],
  ])('with %j exits %i, as dive does', (flags, code) => {
    const run = strata(['analyze', DIVE, '--ci', '--no-verify', ...flags]);
    expect(run.code).toBe(code);
    expect(run.out).toMatch(code === 0 ? /^Result:PASS/m : /^Result:FAIL/m);
  });

  it('prints one line per rule with the measured and allowed values', () => {
    const run = strata(['analyze', DIVE, '--ci', '--no-verify']);
    expect(run.out.split('\n').filter((l) => /^\s+(PASS|FAIL|SKIP): /.test(l))).toEqual([
      '  PASS: lowestEfficiency: efficiency 0.9844 is at least 0.9 (measured 0.9844, allowed 0.9)',
      '  SKIP: highestWastedBytes: rule disabled (measured 32025 bytes, allowed disabled)',
      '  FAIL: highestUserWastedPercent: too many bytes wasted, relative to the user bytes added (%-user-wasted-bytes=0.4835 > threshold=0.1) (measured 0.4835, allowed 0.1)',
    ]);
    expect(run.out).toContain('Result:FAIL [Total:3] [Passed:1] [Failed:1] [Warn:0] [Skipped:1]');
  });

  it('reads dive’s .dive-ci from --ci-config, and ./.dive-ci by default; flags override it', () => {
    const config = join(dir, 'gate.yaml');
    writeFileSync(
      config,
      'rules:\n  lowestEfficiency: 0.95\n  highestWastedBytes: 20MB\n  highestUserWastedPercent: 0.5\n',
    );
    expect(strata(['analyze', DIVE, '--ci', '--no-verify', '--ci-config', config]).code).toBe(0);
    expect(
      strata([
        'analyze',
        DIVE,
        '--ci',
        '--no-verify',
        `--ci-config=${config}`,
        '--highestWastedBytes=1kB',
      ]).code,
    ).toBe(1);
    const project = scratchDir('strata-dive-ci-');
    writeFileSync(join(project, '.dive-ci'), 'rules:\n  lowestEfficiency: 0.99\n');
    const run = strata(['analyze', DIVE, '--ci', '--no-verify'], project);
    expect(run.code).toBe(1);
    expect(run.out).toContain('allowed 0.99');
  });

  it('a bad config or an unreadable archive exits 2 with one line', () => {
    const bad = strata(['analyze', DIVE, '--ci', '--lowestEfficiency=1.5']);
    expect(bad.code).toBe(2);
    expect(bad.err.trim().split('\n')).toEqual([
      'strata: CI misconfigured: lowestEfficiency: 1.5 is outside the allowed range 0-1',
    ]);
    const notImage = strata(['analyze', join(FIXTURES, 'dive__not-an-image.tar'), '--ci']);
    expect(notImage.code).toBe(2);
    expect(notImage.err.trim().split('\n')).toHaveLength(1);
    const missing = strata([
      'analyze',
      join(dir, 'nothing.tar'),
      '--ci',
      '--report',
      'junit',
      join(dir, 'err.xml'),
    ]);
    expect(missing.code).toBe(2);
  });

  it('an archive the gate cannot read still gets a JUnit report, with the reason as an error', async () => {
    const file = join(dir, 'unreadable.xml');
    const run = strata([
      'analyze',
      join(FIXTURES, 'dive__not-an-image.tar'),
      '--ci',
      '--report',
      'junit',
      file,
    ]);
    expect(run.code).toBe(2);
    const suites = (await parse(readFileSync(file, 'utf8'))) as {
      testsuite: { testcase: { error?: { message?: string }[] }[] }[];
    };
    expect(suites.testsuite[0]!.testcase[0]!.error?.[0]?.message).toBe(
      run.err.trim().replace(/^strata: /, ''),
    );
  });

  it('writes a JUnit report, pass or fail, that a JUnit reader reads: a case per rule, disabled ones skipped', async () => {
    const file = join(dir, 'gate.xml');
    const run = strata(['analyze', DIVE, '--ci', '--no-verify', '--report', 'junit', file]);
    expect(run.code).toBe(1);
    const suites = await parse(readFileSync(file, 'utf8'));
    expect(suites).toMatchObject({ tests: 3, failures: 1 });
    const suite = (
      suites as {
        testsuite: {
          name: string;
          testcase: { name: string; failure?: unknown[]; skipped?: unknown[] }[];
        }[];
      }
    ).testsuite[0]!;
    expect(suite.name).toBe('dive-test:latest');
    expect(
      suite.testcase.map((c) => [c.name, c.failure ? 'failure' : c.skipped ? 'skipped' : 'passed']),
    ).toEqual([
      ['lowestEfficiency', 'passed'],
      ['highestWastedBytes', 'skipped'],
      ['highestUserWastedPercent', 'failure'],
    ]);
    const passing = join(dir, 'pass.xml');
    expect(
      strata([
        'analyze',
        DIVE,
        '--ci',
        '--no-verify',
        '--highestUserWastedPercent=0.5',
        '--report=junit',
        passing,
      ]).code,
    ).toBe(0);
    expect(await parse(readFileSync(passing, 'utf8'))).toMatchObject({ tests: 3, failures: 0 });
  });

  it('writes a Markdown summary with the largest wasted files', () => {
    const file = join(dir, 'gate.md');
    strata(['analyze', DIVE, '--ci', '--no-verify', '--report', 'markdown', file]);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('## Image gate: failed');
    expect(text).toContain('| highestUserWastedPercent | **fail** | 0.4835 | 0.1 |');
    // dive's largest inefficient files on its test image: 12,810 bytes each, two copies.
    expect(text).toContain('| 2 | 12.8 kB | `/root/saved.txt` |');
    expect(text).toContain('| 2 | 12.8 kB | `/root/example/somefile1.txt` |');
  });

  it('a --report without a file is a usage error', () => {
    const run = strata(['analyze', DIVE, '--ci', '--report', 'junit']);
    expect(run.code).toBe(2);
    expect(run.err).toContain('--report junit needs a file');
  });

  it('--dockerfile prints the history as a Dockerfile, each step with its layer and size', () => {
    const run = strata(['analyze', DIVE, '--dockerfile', '--no-verify']);
    expect(run.code).toBe(0);
    const lines = run.out.split('\n');
    expect(lines[2]).toBe('FROM <unknown base>');
    expect(lines).toContain('RUN chmod +x /root/saved.txt  # layer 13, 6.41 kB');
    expect(lines.filter((l) => /^(ADD|RUN|CMD) /.test(l))).toHaveLength(15);
  });
});

describe('strata analyze --compare', () => {
  const MULTI = join(FIXTURES, 'stereoscope__multiplatform_oci_dir.tar');

  it('prints the comparison of two images of one archive as JSON', () => {
    const run = strata([
      'analyze',
      MULTI,
      '--image',
      '0',
      '--compare',
      MULTI,
      '--compare-image',
      '1',
      '--json',
      '--no-verify',
    ]);
    expect(run.code).toBe(0);
    const c = JSON.parse(run.out);
    expect(Object.keys(c)).toEqual(
      expect.arrayContaining(['left', 'right', 'sharedLayers', 'config', 'files', 'bytes']),
    );
    expect(c.config.platform).toEqual({ left: 'linux/amd64', right: 'linux/arm64' });
    expect(c.files.added).toEqual(['/linux/arm64', '/linux/arm64/README.md']);
    expect(c.files.removed).toEqual(['/linux/amd64', '/linux/amd64/README.md']);
    expect(c.files.changed).toEqual([]);
  });

  it('says an image is identical to itself, in words', () => {
    const run = strata(['analyze', DIVE, '--compare', DIVE, '--no-verify']);
    expect(run.code).toBe(0);
    expect(run.out).toContain('identical');
    expect(run.out).toContain('files: 0 added, 0 removed, 0 changed');
  });

  it('exits 2 naming the flag when the image number is out of range', () => {
    const run = strata(['analyze', DIVE, '--compare', MULTI, '--compare-image', '9']);
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/--compare-image 9/);
  });
});

describe('strata analyze --packages and --sbom', () => {
  const image = join(dir, 'ubuntu-like.tar');
  beforeAll(() => writeFileSync(image, imageOfLayers(debianLikeLayers(), 'ubuntu-like:1')));

  it('adds each image’s packages and each layer’s package changes to the JSON', () => {
    const run = strata(['analyze', image, '--packages', '--json', '--no-verify']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.out);
    const found = report.images[0];
    expect(found.packages).toHaveLength(110);
    expect(found.packages.find((p: { name: string }) => p.name === 'bsdutils')).toMatchObject({
      type: 'deb',
      version: '1:2.31.1-0.4ubuntu3.1',
      arch: 'amd64',
      layer: 0,
      source: '/var/lib/dpkg/status',
    });
    expect(found.layers[1].packageChanges).toEqual({
      added: ['pkg:deb/ubuntu/curl@7.58.0-2ubuntu3?arch=amd64&distro=ubuntu-18.04'],
      removed: ['pkg:deb/ubuntu/adduser@3.116ubuntu1?arch=all&distro=ubuntu-18.04'],
      changed: [{ name: 'tar', type: 'deb', from: '1.29b-2', to: '1.30+dfsg-1' }],
    });
  });

  it('prints the SBOM in either format', () => {
    const cdx = JSON.parse(strata(['analyze', image, '--sbom', 'cyclonedx', '--no-verify']).out);
    expect(cdx.specVersion).toBe('1.6');
    expect(cdx.components).toHaveLength(110);
    const doc = JSON.parse(strata(['analyze', image, '--sbom=spdx', '--no-verify']).out);
    expect(doc.spdxVersion).toBe('SPDX-2.3');
    expect(doc.packages).toHaveLength(111);
  });

  it('refuses an SBOM format it does not write', () => {
    const run = strata(['analyze', image, '--sbom', 'xml']);
    expect(run.code).toBe(2);
    expect(run.err).toContain('--sbom takes "cyclonedx" or "spdx"');
  });
});

describe('strata analyze on an archive of more than 64 MiB', () => {
  // Four layers of many small files and one large one each, 80 MB in all: scanned in threads.
  const image = join(dir, 'large.tar');
  beforeAll(() => {
    const layers = [0, 1, 2, 3].map((l) => [
      { name: `data/big-${l}.bin`, data: new Uint8Array(20 << 20).fill(l + 1) },
      ...Array.from({ length: 2000 }, (_, i) => ({
        name: `layer${l}/dir${i % 40}/file-${i}.txt`,
        data: new TextEncoder().encode(`layer ${l} file ${i}\n`),
      })),
      ...(l > 0 ? [{ name: `layer${l - 1}/dir0/.wh.file-0.txt`, data: new Uint8Array(0) }] : []),
    ]);
    writeFileSync(image, imageOfLayers(layers, 'large:1'));
  });

  it('reports the same with its layers scanned in threads, one per CPU, as on one thread', () => {
    const run = (threads: string | undefined) =>
      spawnSync(bin, ['analyze', image, '--json'], {
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, STRATA_SCAN_THREADS: threads },
      });
    const one = run('0');
    const pooled = run(undefined);
    expect(one.status).toBe(0);
    expect(pooled.status).toBe(0);
    const report = JSON.parse(pooled.stdout);
    expect(report.warnings).toEqual([]);
    // 2,000 small files and a large one each, and from the second layer on a whiteout.
    expect(report.images[0].layers.map((l: { entries: number }) => l.entries)).toEqual([
      2001, 2002, 2002, 2002,
    ]);
    expect(pooled.stdout).toBe(one.stdout);
  });
});

describe('strata analyze on gzip, decoded by Node’s zlib stream', () => {
  // The core's own decoders (DecompressionStream, fflate for many members) give the reference.
  const inProcess = async (bytes: Uint8Array) =>
    JSON.parse(JSON.stringify(analyzeReport(await readBytes(bytes))));
  const cli = (bytes: Uint8Array, name: string) => {
    const file = join(dir, name);
    writeFileSync(file, bytes);
    const run = strata(['analyze', file, '--json', '--no-verify']);
    expect(run.code).toBe(0);
    return JSON.parse(run.out);
  };

  it.each([
    'dive__test-oci-gzip-image.tar',
    'dive__test-oci-estargz-image.tar',
    'trivy__alpine-310.tar.gz',
  ])('reads %s as the core’s own decoders do', async (name) => {
    const bytes = fixtureBytes(name);
    expect(cli(bytes, name)).toEqual(await inProcess(bytes));
  });

  it('keeps what it read of a damaged gzip layer and says which, as the core does', async () => {
    // 64 bytes scrambled in the middle of the file: inside the image's largest gzip layer.
    const bytes = fixtureBytes('dive__test-oci-gzip-image.tar');
    const at = bytes.length >> 1;
    for (let i = at; i < at + 64; i++) bytes[i]! ^= 0x5a;
    const { warnings, ...report } = cli(bytes, 'damaged.tar');
    const { warnings: expected, ...reference } = await inProcess(bytes);
    expect(report).toEqual(reference);
    // The same layers named; only the decoder's own words differ.
    const named = (list: { code: string; detail: string }[]) => list.map((w) => [w.code, w.detail]);
    expect(named(warnings)).toEqual(named(expected));
    expect(named(warnings)).toContainEqual(['bad-compression', expect.stringMatching(/^blobs\//)]);
  });
});
