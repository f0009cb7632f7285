import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { readCiConfigFile } from '../core/ci/config-file.ts';
import { type GateResult, gateText, junitReport, markdownReport } from '../core/ci/reports.ts';
import { type CiConfig, configProblems, DEFAULT_CI_CONFIG, evaluateCi } from '../core/ci/rules.ts';
import { analyzeImage } from '../core/fs/analyze-image.ts';
import type { ArchiveRead } from '../core/read-archive.ts';
import type { CliArgs } from './args.ts';

/** Exit codes of the gate, as dive's CI mode uses them (2: the input could not be judged). */
export const PASS = 0;
export const FAIL = 1;
export const UNREADABLE = 2;

export class GateInputError extends Error {}

/**
 * The rules in force: dive's defaults, then the config file (`--ci-config`, or `./.dive-ci` when
 * present, as dive does), then flags. A configuration with a bad value is refused before any
 * archive is read.
 */
export function gateConfig(args: CliArgs, log: (line: string) => void): CiConfig {
  const path = args.ciConfig ?? (existsSync('.dive-ci') ? '.dive-ci' : undefined);
  let fromFile: Partial<CiConfig> = {};
  if (path) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new GateInputError(`cannot read the CI config ${path}: ${(error as Error).message}`);
    }
    try {
      const read = readCiConfigFile(text);
      fromFile = read.config;
      for (const key of read.ignored) log(`warning: ${path}: unknown rule "${key}" ignored`);
    } catch (error) {
      throw new GateInputError(`${path}: ${(error as Error).message}`);
    }
  }
  const config = { ...DEFAULT_CI_CONFIG, ...fromFile, ...args.rules };
  const problems = configProblems(config);
  if (problems.length > 0) throw new GateInputError(`CI misconfigured: ${problems.join('; ')}`);
  return config;
}

/** Judges every image of the archive (or the one `--image` names) and writes the reports asked for. */
export function runGate(read: ArchiveRead, args: CliArgs, config: CiConfig): GateResult[] {
  const images = read.model.images
    .map((image, index) => ({ image, index }))
    .filter(({ image, index }) =>
      args.image === undefined ? image.included : index === args.image,
    );
  if (images.length === 0)
    throw new GateInputError(
      args.image === undefined
        ? 'the archive holds no image to judge'
        : `the archive has no image ${args.image} (it has ${read.model.images.length})`,
    );
  const results = images.map(({ image, index }): GateResult => {
    if (!image.included) throw new GateInputError(`image ${index} is not included in this file`);
    for (const layer of image.layers) {
      const error = layer.blobPath ? read.scans.get(layer.blobPath)?.error : undefined;
      if (error)
        throw new GateInputError(
          `layer ${layer.index} could not be read in full: ${error.message}`,
        );
    }
    const { efficiency } = analyzeImage(image, read.scans);
    return {
      image: image.tags[0] ?? image.id.slice(7, 19),
      efficiency,
      verdict: evaluateCi(efficiency, config),
    };
  });
  for (const report of args.reports)
    writeFileSync(
      report.file,
      report.format === 'junit' ? junitReport(results) : markdownReport(results),
    );
  return results;
}

export { gateText };
