#!/usr/bin/env node
import { main } from './analyze.ts';

/** The `strata` command (package.json `bin`): `strata analyze FILE [options]`. */
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`strata: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
