import { openAsBlob } from 'node:fs';
import { blobSource } from '../core/bytes.ts';
import { toProblem } from '../core/errors.ts';
import { readArchive } from '../core/read-archive.ts';
import { analyzeReport } from '../core/report.ts';
import { verifyDigests } from '../core/verify.ts';

/**
 * `npm run analyze -- FILE [--json] [--no-verify]`: the same core the browser runs, for scripts
 * and CI. Layer digests are checked after the scan unless `--no-verify`.
 * A file that is not an image exits with status 1 and a one-line reason on stderr.
 */
async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  const file = argv.find((a) => !a.startsWith('--'));
  if (!file) {
    process.stderr.write('usage: npm run analyze -- FILE [--json] [--no-verify]\n');
    return 2;
  }
  try {
    const blob = await openAsBlob(file);
    const source = blobSource(blob);
    const read = await readArchive(source);
    if (!argv.includes('--no-verify'))
      read.model.warnings.push(...(await verifyDigests(source, read.model)));
    const report = analyzeReport(read);
    if (json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      process.stdout.write(textReport(report));
    }
    return 0;
  } catch (error) {
    const problem = toProblem(error);
    process.stderr.write(
      `strata: ${problem.message}${problem.detail ? ` (${problem.detail})` : ''}\n`,
    );
    return 1;
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

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
