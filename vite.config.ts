/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Relative asset paths (`base: './'`) so the built app works from any sub-path of any static host.
// `vite build --ssr` compiles the command line (`npm run build:cli`): no public files for it. The
// packages it loads at start are bundled into it: loading them from node_modules cost 8 MB more of
// resident memory (63 MB against 55 MB for `strata --help`); those loaded on demand stay outside.
export default defineConfig(({ isSsrBuild }) => ({
  base: './',
  publicDir: isSsrBuild ? false : 'public',
  plugins: [react()],
  worker: { format: 'es' },
  ssr: isSsrBuild ? { noExternal: ['hash-wasm', 'yaml', 'packageurl-js', 'fflate'] } : undefined,
  build: { target: 'es2022', sourcemap: true },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
  test: {
    include: ['src/**/*.test.ts'],
    setupFiles: ['src/testing/unit-setup.ts'],
    testTimeout: 60_000,
  },
}));
