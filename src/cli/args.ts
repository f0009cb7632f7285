import { parseArgs } from 'node:util';
import { type CiConfig, RULE_NAMES } from '../core/ci/rules.ts';

/**
 * The one argument parser of the command line (Node's `util.parseArgs`, so `--flag value` and
 * `--flag=value` both work). `--report FORMAT FILE` takes two values: the file is the argument
 * that follows the format.
 */
export interface CliArgs {
  command: 'analyze' | 'help';
  file: string | undefined;
  json: boolean;
  verify: boolean;
  ci: boolean;
  /** Print each image's history as a Dockerfile. */
  dockerfile: boolean;
  ciConfig: string | undefined;
  /** Rule thresholds given as flags; they override the config file. */
  rules: Partial<CiConfig>;
  reports: { format: 'junit' | 'markdown'; file: string }[];
  image: number | undefined;
  /** A second archive to compare with, and which of its images. */
  compare: string | undefined;
  compareImage: number | undefined;
  /** Catalogue each image's packages (and what each layer did to them). */
  packages: boolean;
  /** Print the SBOM of one image instead of the analysis. */
  sbom: 'cyclonedx' | 'spdx' | undefined;
}

export class UsageError extends Error {}

export const USAGE = `usage: strata analyze FILE [options]
  --json                    print the analysis as JSON
  --no-verify               skip the layer digest checks
  --image N                 only image N of the archive (from 0, in the archive's order)
  --dockerfile              print each image's history as a Dockerfile
  --packages                add each image's packages and each layer's package changes
  --sbom cyclonedx|spdx     print the SBOM (CycloneDX 1.6 or SPDX 2.3 JSON) of the image
  --compare FILE2           compare the image with one of FILE2 (FILE2 may be FILE itself)
  --compare-image N         which image of FILE2 (default: its first; --image picks FILE's)
  --ci                      evaluate dive's CI rules; exit 0 pass, 1 fail, 2 unreadable input
  --ci-config FILE          dive's .dive-ci YAML (default: ./.dive-ci when it exists)
  --lowestEfficiency V      0-1 or "disabled" (default 0.9)
  --highestWastedBytes V    a size like 20MB, or "disabled" (default disabled)
  --highestUserWastedPercent V  0-1 or "disabled" (default 0.1)
  --report junit|markdown FILE  also write a report (with --ci)
`;

export function parseCli(argv: string[]): CliArgs {
  const options = {
    json: { type: 'boolean' },
    'no-verify': { type: 'boolean' },
    ci: { type: 'boolean' },
    dockerfile: { type: 'boolean' },
    'ci-config': { type: 'string' },
    report: { type: 'string', multiple: true },
    image: { type: 'string' },
    compare: { type: 'string' },
    packages: { type: 'boolean' },
    sbom: { type: 'string' },
    'compare-image': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
    lowestEfficiency: { type: 'string' },
    highestWastedBytes: { type: 'string' },
    highestUserWastedPercent: { type: 'string' },
  } as const;
  const parse = () =>
    parseArgs({ args: argv, options, allowPositionals: true, strict: true, tokens: true });
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, tokens } = parsed;
  // The positional right after `--report FORMAT` (or `--report=FORMAT`) is its file.
  const positionals: string[] = [];
  const reports: CliArgs['reports'] = [];
  let wantsFile: 'junit' | 'markdown' | undefined;
  for (const token of tokens) {
    if (token.kind === 'option' && token.name === 'report') {
      if (wantsFile) throw new UsageError(`--report ${wantsFile} needs a file`);
      const format = token.value;
      if (format !== 'junit' && format !== 'markdown')
        throw new UsageError(`--report takes "junit" or "markdown", not "${format ?? ''}"`);
      wantsFile = format;
    } else if (token.kind === 'positional') {
      if (wantsFile) {
        reports.push({ format: wantsFile, file: token.value });
        wantsFile = undefined;
      } else positionals.push(token.value);
    } else if (wantsFile) throw new UsageError(`--report ${wantsFile} needs a file`);
  }
  if (wantsFile) throw new UsageError(`--report ${wantsFile} needs a file`);
  let command: CliArgs['command'] = 'analyze';
  if (positionals[0] === 'analyze') positionals.shift();
  if (values.help) command = 'help';
  if (positionals.length > 1)
    throw new UsageError(`one archive at a time (got ${positionals.join(', ')})`);
  const rules: Partial<CiConfig> = {};
  for (const name of RULE_NAMES) {
    const value = values[name];
    if (value !== undefined) rules[name] = value;
  }
  const imageNumber = (flag: string, value: string | undefined) => {
    if (value === undefined) return undefined;
    if (!/^\d+$/.test(value)) throw new UsageError(`--${flag} takes a number, not "${value}"`);
    return Number(value);
  };
  const sbom = values.sbom;
  if (sbom !== undefined && sbom !== 'cyclonedx' && sbom !== 'spdx')
    throw new UsageError(`--sbom takes "cyclonedx" or "spdx", not "${sbom}"`);
  return {
    command,
    file: positionals[0],
    json: values.json ?? false,
    verify: !values['no-verify'],
    ci: values.ci ?? false,
    dockerfile: values.dockerfile ?? false,
    ciConfig: values['ci-config'],
    rules,
    reports,
    image: imageNumber('image', values.image),
    compare: values.compare,
    compareImage: imageNumber('compare-image', values['compare-image']),
    packages: values.packages ?? false,
    sbom,
  };
}
