// `npm run analyze -- FILE …`: the command line as it ships (the one bundle, dist-cli/strata.js),
// built again first when a source file is newer than it. Running the TypeScript through a loader
// instead cost a loader thread: 90 MB at start against 55 MB, on every run.
// Plain JavaScript so that it runs before anything is compiled.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..', '..');
const built = join(root, 'dist-cli', 'strata.js');

/** The newest modification time of the files the bundle is made from. */
function newestSource() {
  let newest = 0;
  const visit = (path) => {
    const info = statSync(path);
    if (info.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
    else newest = Math.max(newest, info.mtimeMs);
  };
  for (const part of ['src', 'package.json', 'package-lock.json', 'vite.config.ts'])
    if (existsSync(join(root, part))) visit(join(root, part));
  return newest;
}

if (!existsSync(built) || statSync(built).mtimeMs < newestSource()) {
  const build = spawnSync('npm', ['run', '-s', 'build:cli'], { cwd: root, stdio: 'ignore' });
  if (build.status !== 0) {
    process.stderr.write('strata: the command line could not be built (npm run build:cli)\n');
    process.exit(2);
  }
}
// The bundle reads its arguments from process.argv after the script: `analyze FILE …` here too.
await import(pathToFileURL(built).href);
