import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Folders made for this process's tests, not yet removed: one set per process (a unit test file
 * gets fresh modules, and each would otherwise add one more exit listener).
 */
const shared = globalThis as { strataScratchDirs?: Set<string> };
shared.strataScratchDirs ??= watchedAtExit(new Set<string>());
const made = shared.strataScratchDirs;

function watchedAtExit(dirs: Set<string>): Set<string> {
  process.once('exit', () => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  return dirs;
}

/**
 * A new folder under the system's temporary folder for a test's files. The archives tests write
 * (up to a few hundred megabytes) must not pile up run after run: the folder goes when the unit
 * test file ends (`removeScratchDirs`, called by src/testing/unit-setup.ts) or when the process
 * exits (Playwright's workers).
 */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.add(dir);
  return dir;
}

/** Removes every folder scratchDir made in this process. */
export function removeScratchDirs(): void {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
  made.clear();
}
