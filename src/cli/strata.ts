#!/usr/bin/env node
import { decodeGzipWith } from '../core/compression.ts';
import { main, scanLayersInThreadsOf } from './analyze.ts';
import { nodeGunzip } from './node-gunzip.ts';
import { isScanThread, serveScans } from './scan-threads.ts';

/**
 * The `strata` command (package.json `bin`): `strata analyze FILE [options]`. The same file runs
 * the threads that scan layers (scan-threads.ts). Both decode gzip with Node's zlib.
 */
decodeGzipWith(nodeGunzip);
if (isScanThread) serveScans();
else {
  scanLayersInThreadsOf(new URL(import.meta.url));
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`strata: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
