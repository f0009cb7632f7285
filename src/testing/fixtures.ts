import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bytesSource } from '../core/bytes.ts';
import { readArchive } from '../core/read-archive.ts';
import { analyzeReport } from '../core/report.ts';

/** The shared fixtures sit beside the project's root; tests read them there, never copies. */
export const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'shared', 'fixtures');

export function fixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, name)));
}

export async function readBytes(bytes: Uint8Array, chunkSize = 1 << 20) {
  return readArchive(bytesSource(bytes, chunkSize));
}

/**
 * A report as the command prints it (JSON): the form two reads are compared in, since its objects
 * also hold the path table, whose caches depend on which paths were asked for before.
 */
export function printed(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

export async function reportOf(bytes: Uint8Array, chunkSize = 1 << 20) {
  return analyzeReport(await readBytes(bytes, chunkSize));
}
