// `npm test`: every check in one run, ending with one plain line "N passed, N failed" summed over
// every runner (CI reads that line). Typecheck, lint and build count as one test each.
// Plain JavaScript so that it runs before anything is compiled.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const out = join(root, '.strata-test');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
process.chdir(root);

const env = { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' };
let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];

function run(label, command, args, extraEnv = {}) {
  console.log(`\n── ${label}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...env, ...extraEnv } });
  return result.status === 0;
}

function step(label, command, args) {
  if (run(label, command, args)) passed++;
  else {
    failed++;
    failures.push(label);
  }
}

function ensureChromium() {
  const path = env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (existsSync(path)) return true;
  console.log(`\n── Chromium is missing at ${path}: installing Debian's chromium package`);
  if (process.getuid?.() !== 0) {
    console.error(
      'Installing Chromium needs root (apt-get). Run: sudo apt-get install -y chromium',
    );
    return false;
  }
  return (
    run('apt-get update', 'apt-get', ['update', '-qq']) &&
    run('apt-get install', 'apt-get', ['install', '-y', '-qq', 'chromium'], {
      DEBIAN_FRONTEND: 'noninteractive',
    })
  );
}

step('typecheck (page)', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
step('typecheck (core and worker, no DOM)', 'npx', ['tsc', '-p', 'tsconfig.core.json', '--noEmit']);
step('typecheck (node: tests, tools)', 'npx', ['tsc', '-p', 'tsconfig.node.json', '--noEmit']);
step('lint and format', 'npx', ['biome', 'check', '.']);

const vitestJson = join(out, 'vitest.json');
const unitOk = run('unit tests', 'npx', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile=${vitestJson}`,
]);
if (existsSync(vitestJson)) {
  const report = JSON.parse(readFileSync(vitestJson, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + (report.numTodoTests ?? 0);
  if (report.numFailedTests > 0 || report.numFailedTestSuites > 0 || !unitOk)
    failures.push('unit tests');
  // A runner that failed without a failed test (a suite that did not load) still fails the run.
  if (report.numFailedTests === 0 && (report.numFailedTestSuites > 0 || !unitOk)) failed++;
} else {
  failed++;
  failures.push('unit tests (no report)');
}

const built = run('production build', 'npx', ['vite', 'build']);
if (built) passed++;
else {
  failed++;
  failures.push('production build');
}

if (built && ensureChromium()) {
  const pwJson = join(out, 'playwright.json');
  const browserOk = run('browser tests', 'npx', ['playwright', 'test'], { PW_JSON_OUTPUT: pwJson });
  if (existsSync(pwJson)) {
    const { stats } = JSON.parse(readFileSync(pwJson, 'utf8'));
    passed += stats.expected + stats.flaky;
    failed += stats.unexpected;
    skipped += stats.skipped;
    if (stats.unexpected > 0 || !browserOk) failures.push('browser tests');
    // Playwright can fail before any test runs (its web server did not start): that is a failure.
    if (stats.unexpected === 0 && !browserOk) failed++;
  } else {
    failed++;
    failures.push('browser tests (no report)');
  }
} else {
  failed++;
  failures.push('browser tests (not run)');
}

if (failures.length > 0) console.log(`\nFailed: ${failures.join(', ')}`);
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
