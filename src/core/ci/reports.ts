import type { DiveEfficiency } from '../fs/dive-efficiency.ts';
import type { CiVerdict, RuleResult } from './rules.ts';

/** One image's verdict, with what names it in a report. */
export interface GateResult {
  image: string;
  efficiency: DiveEfficiency;
  verdict: CiVerdict;
}

const tally = (rules: RuleResult[]) => ({
  total: rules.length,
  passed: rules.filter((r) => r.status === 'pass').length,
  failed: rules.filter((r) => r.status === 'fail').length,
  skipped: rules.filter((r) => r.status === 'skip').length,
});

/** The lines the gate prints: one per rule, then a result line in dive's shape. */
export function gateText(results: GateResult[]): string {
  const lines: string[] = [];
  for (const { image, verdict } of results) {
    if (results.length > 1) lines.push(`${image}:`);
    for (const rule of verdict.rules) {
      const word = rule.status === 'pass' ? 'PASS' : rule.status === 'fail' ? 'FAIL' : 'SKIP';
      lines.push(
        `  ${word}: ${rule.name}: ${rule.status === 'skip' ? 'rule disabled' : rule.message} (measured ${rule.measured}, allowed ${rule.allowed})`,
      );
    }
  }
  const t = tally(results.flatMap((r) => r.verdict.rules));
  const pass = results.every((r) => r.verdict.pass);
  lines.push(
    `Result:${pass ? 'PASS' : 'FAIL'} [Total:${t.total}] [Passed:${t.passed}] [Failed:${t.failed}] [Warn:0] [Skipped:${t.skipped}]`,
  );
  return `${lines.join('\n')}\n`;
}

const xml = (text: string) =>
  text
    .replace(/[^\t\n\r\u0020-\ud7ff\ue000-\ufffd]/gu, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

/** JUnit XML: a test suite per image, a test case per rule; disabled rules are skipped cases. */
export function junitReport(results: GateResult[]): string {
  const all = tally(results.flatMap((r) => r.verdict.rules));
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="strata image gate" tests="${all.total}" failures="${all.failed}" skipped="${all.skipped}" errors="0">`,
  ];
  for (const { image, verdict } of results) {
    const t = tally(verdict.rules);
    out.push(
      `  <testsuite name="${xml(image)}" tests="${t.total}" failures="${t.failed}" skipped="${t.skipped}" errors="0">`,
    );
    for (const rule of verdict.rules) {
      const open = `    <testcase classname="${xml(image)}" name="${rule.name}"`;
      if (rule.status === 'pass') out.push(`${open}/>`);
      else if (rule.status === 'skip')
        out.push(`${open}>`, '      <skipped message="rule disabled"/>', '    </testcase>');
      else
        out.push(
          `${open}>`,
          `      <failure message="${xml(rule.message)}" type="${rule.name}">measured ${xml(rule.measured)}, allowed ${xml(rule.allowed)}</failure>`,
          '    </testcase>',
        );
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

/** JUnit XML for a gate that could not judge: one test case in error, with the reason. */
export function junitError(message: string): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<testsuites name="strata image gate" tests="1" failures="0" errors="1" skipped="0">',
    '  <testsuite name="archive" tests="1" failures="0" errors="1" skipped="0">',
    `    <testcase classname="archive" name="read the archive and the CI config"><error message="${xml(message)}" type="unreadable"/></testcase>`,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
const kb = (bytes: number) =>
  bytes < 1000
    ? `${bytes} B`
    : bytes < 1e6
      ? `${(bytes / 1e3).toPrecision(3)} kB`
      : `${(bytes / 1e6).toPrecision(3)} MB`;

/** A short Markdown summary for a pull-request comment: the rules, then the largest wasted files. */
export function markdownReport(results: GateResult[], topFiles = 10): string {
  const pass = results.every((r) => r.verdict.pass);
  const out = [`## Image gate: ${pass ? 'passed' : 'failed'}`, ''];
  for (const { image, efficiency, verdict } of results) {
    out.push(
      `### ${cell(image)}`,
      '',
      `Efficiency ${(efficiency.score * 100).toFixed(2)} %, ${kb(efficiency.wastedBytes)} wasted.`,
      '',
      '| Rule | Result | Measured | Allowed |',
      '| --- | --- | --- | --- |',
    );
    for (const rule of verdict.rules)
      out.push(
        `| ${rule.name} | ${rule.status === 'pass' ? 'pass' : rule.status === 'fail' ? '**fail**' : 'skipped'} | ${cell(rule.measured)} | ${cell(rule.allowed)} |`,
      );
    const files = [...efficiency.inefficientFiles]
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, topFiles);
    out.push('');
    if (files.length === 0) out.push('No file is stored more than once.');
    else {
      out.push('Largest wasted files (every copy counted, as dive counts them):', '');
      out.push('| Copies | Bytes | Path |', '| ---: | ---: | --- |');
      for (const f of files)
        out.push(`| ${f.count} | ${kb(f.bytes)} | \`${cell(f.path).replace(/`/g, "'")}\` |`);
    }
    out.push('');
  }
  return `${out.join('\n')}`;
}
