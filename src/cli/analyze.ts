import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { junitError } from '../core/ci/reports.ts';
import { toProblem } from '../core/errors.ts';
import { dockerfileText } from '../core/image/dockerfile.ts';
import { readArchive } from '../core/read-archive.ts';
import { analyzeReport } from '../core/report.ts';
import { verifyDigests } from '../core/verify.ts';
import { type CliArgs, parseCli, USAGE, UsageError } from './args.ts';
import { chosenImage, compareReads, comparisonText, ImageChoiceError } from './compare.ts';
import { fileSource } from './file-source.ts';
import { FAIL, GateInputError, gateConfig, gateText, PASS, runGate, UNREADABLE } from './gate.ts';
import { writeJson } from './json-out.ts';
import { addPackages, sbomOf } from './packages.ts';
import { scanThreads } from './scan-threads.ts';

/**
 * `strata analyze FILE [--json] [--no-verify] [--ci …]` (also `npm run analyze -- FILE …`): the same
 * core the browser runs, for scripts and CI. Layer digests are checked after the scan unless
 * `--no-verify`. A file that is not an image exits with status 1 and a one-line reason on stderr;
 * with `--ci` the exit status is the gate's (0 pass, 1 fail, 2 unreadable archive or config).
 */
export async function main(argv: string[]): Promise<number> {
  const err = (line: string) => process.stderr.write(`${line}\n`);
  let args: CliArgs;
  try {
    args = parseCli(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    err(`strata: ${error.message}`);
    process.stderr.write(USAGE);
    return 2;
  }
  if (args.command === 'help' || !args.file) {
    process.stderr.write(USAGE);
    return args.command === 'help' ? 0 : 2;
  }
  const unreadable = args.ci ? UNREADABLE : 1;
  try {
    const config = args.ci ? gateConfig(args, err) : undefined;
    const { read, source } = await readFile(args.file, args.verify);
    if (args.sbom) {
      const image = chosenImage(read, args.image, '--image');
      const { document, warnings } = await sbomOf(read, source, image, args.sbom);
      for (const w of [...read.model.warnings, ...warnings]) err(`warning: ${w.message}`);
      process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
      return 0;
    }
    if (args.compare !== undefined) {
      const other =
        args.compare === args.file ? read : (await readFile(args.compare, args.verify)).read;
      const { fileFacts, ...comparison } = compareReads(
        read,
        chosenImage(read, args.image, '--image'),
        other,
        chosenImage(other, args.compareImage, '--compare-image'),
      );
      const warnings = [...read.model.warnings, ...(other === read ? [] : other.model.warnings)];
      if (args.json)
        process.stdout.write(`${JSON.stringify({ ...comparison, warnings }, null, 2)}\n`);
      else {
        for (const w of warnings) err(`warning: ${w.message}`);
        process.stdout.write(comparisonText(comparison));
      }
      return 0;
    }
    if (config) {
      for (const w of read.model.warnings) err(`warning: ${w.message}`);
      const results = runGate(read, args, config);
      process.stdout.write(gateText(results));
      return results.every((r) => r.verdict.pass) ? PASS : FAIL;
    }
    if (args.dockerfile) {
      const texts = read.model.images
        .map((image, index) => ({ image, index }))
        .filter(({ image, index }) =>
          args.image === undefined ? image.included : index === args.image,
        )
        .map(({ image }) =>
          dockerfileText(image, (l) => {
            const blob = image.layers[l]?.blobPath;
            return blob ? (read.scans.get(blob)?.size ?? null) : null;
          }),
        );
      if (texts.length === 0) throw new GateInputError(`the archive has no image ${args.image}`);
      process.stdout.write(texts.join('\n'));
      return 0;
    }
    const analyses = new Map();
    const report = analyzeReport(read, analyses);
    if (args.packages) await addPackages(report, read, source, analyses);
    if (args.json) await writeJson(report, process.stdout);
    else process.stdout.write(textReport(report));
    return 0;
  } catch (error) {
    const ownError = error instanceof GateInputError || error instanceof ImageChoiceError;
    const problem = ownError ? undefined : toProblem(error);
    const line = problem
      ? `${problem.message}${problem.detail ? ` (${problem.detail})` : ''}`
      : (error as Error).message;
    err(`strata: ${line}`);
    // A CI system that shows JUnit files shows why the gate could not judge, too.
    if (args.ci)
      for (const r of args.reports) if (r.format === 'junit') writeJunitError(r.file, line);
    return ownError ? UNREADABLE : unreadable;
  }
}

/** The command's entry file, which also runs scan threads; unset, layers are scanned here. */
let threadEntry: URL | undefined;
export function scanLayersInThreadsOf(entry: URL): void {
  threadEntry = entry;
}
/** Below this, starting threads costs more than they save. */
const THREADS_FROM = 64 << 20;
/** Scan threads: one per CPU, or STRATA_SCAN_THREADS (0: layers are scanned on the main thread). */
function threadCount(): number {
  const set = Number(process.env.STRATA_SCAN_THREADS);
  return process.env.STRATA_SCAN_THREADS && Number.isInteger(set) && set >= 0
    ? set
    : availableParallelism();
}

async function readFile(file: string, verify: boolean) {
  const source = fileSource(file);
  const count = threadCount();
  const threads =
    threadEntry && source.size >= THREADS_FROM && count > 0
      ? scanThreads(file, threadEntry, count)
      : undefined;
  let read: Awaited<ReturnType<typeof readArchive>>;
  try {
    read = await readArchive(source, threads ? { scanElsewhere: threads.scan } : {});
  } finally {
    threads?.end();
  }
  if (verify) read.model.warnings.push(...(await verifyDigests(source, read.model)));
  return { read, source };
}

function writeJunitError(file: string, message: string): void {
  try {
    writeFileSync(file, junitError(message));
  } catch (error) {
    process.stderr.write(`strata: the JUnit report could not be written: ${String(error)}\n`);
  }
}

function textReport(report: ReturnType<typeof analyzeReport>): string {
  const lines: string[] = [`${report.variant}, outer compression ${report.compression}`];
  for (const image of report.images) {
    lines.push('');
    lines.push(
      `${image.tags.join(', ') || '(untagged)'}  ${image.id.slice(7, 19)}  ${image.platform}${image.included ? '' : '  (not included)'}`,
    );
    for (const layer of image.layers) {
      lines.push(
        `  layer ${layer.index}: ${layer.entries ?? '-'} entries, ${layer.size ?? '-'} bytes, ${layer.compression ?? (layer.included ? '?' : 'not included')}`,
      );
    }
  }
  for (const w of report.warnings) lines.push(`warning: ${w.message}`);
  return `${lines.join('\n')}\n`;
}
