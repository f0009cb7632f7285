import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * `vite preview` of the built app on `port`, for the benchmarks that drive it. It runs in a process
 * group of its own, and `close` ends the whole group: killing npx alone leaves vite serving.
 */
export async function previewServer(port: number): Promise<{ url: string; close: () => void }> {
  const server = spawn(
    'npx',
    ['vite', 'preview', '--port', String(port), '--strictPort', '--host', '127.0.0.1'],
    { cwd: ROOT, stdio: 'ignore', detached: true },
  );
  await new Promise((r) => setTimeout(r, 1500));
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => {
      try {
        if (server.pid) process.kill(-server.pid);
      } catch {
        // already gone
      }
    },
  };
}
