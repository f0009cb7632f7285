import { join } from 'node:path';
import { defineConfig } from 'vite';

/** Builds the bench page (not part of the app) into .strata-test/bench-dist. */
export default defineConfig({
  root: join(import.meta.dirname, 'page'),
  base: './',
  worker: { format: 'es' },
  logLevel: 'warn',
  build: {
    outDir: join(import.meta.dirname, '..', '..', '.strata-test', 'bench-dist'),
    emptyOutDir: true,
    target: 'es2022',
  },
});
