import type { DiveEfficiency } from '../fs/dive-efficiency.ts';
import { parseByteSize } from './byte-size.ts';

/**
 * dive's CI gate (wagoodman/dive runtime/ci/rule.go): the same three rules, names, defaults and
 * comparisons, so that a `.dive-ci` file and its verdicts carry over unchanged. Each rule's
 * setting is a string, as dive reads it; `disabled` turns a rule off.
 */
export const RULE_NAMES = [
  'lowestEfficiency',
  'highestWastedBytes',
  'highestUserWastedPercent',
] as const;
export type RuleName = (typeof RULE_NAMES)[number];
export type CiConfig = Record<RuleName, string>;

/** dive's defaults (cmd/root.go): efficiency at least 0.9, user-wasted share at most 0.1. */
export const DEFAULT_CI_CONFIG: CiConfig = {
  lowestEfficiency: '0.9',
  highestWastedBytes: 'disabled',
  highestUserWastedPercent: '0.1',
};

export type RuleStatus = 'pass' | 'fail' | 'skip';

export interface RuleResult {
  name: RuleName;
  status: RuleStatus;
  /** What the image measures, in words (`0.9844`, `32025 bytes`). */
  measured: string;
  /** The threshold as configured, or `disabled`. */
  allowed: string;
  message: string;
}

export interface CiVerdict {
  pass: boolean;
  rules: RuleResult[];
}

/** A ratio between 0 and 1, as dive's validators demand (strconv.ParseFloat, then the range). */
function ratio(name: RuleName, value: string): number {
  const n = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(n))
    throw new Error(`${name}: "${value}" is not a number`);
  if (n < 0 || n > 1) throw new Error(`${name}: ${value} is outside the allowed range 0-1`);
  return n;
}

/** Every problem with a configuration, before anything is measured (dive: "CI Misconfigured"). */
export function configProblems(config: CiConfig): string[] {
  const problems: string[] = [];
  for (const name of RULE_NAMES) {
    const value = config[name];
    if (value === 'disabled') continue;
    try {
      if (name === 'highestWastedBytes') parseByteSize(value);
      else ratio(name, value);
    } catch (error) {
      problems.push(
        name === 'highestWastedBytes'
          ? `${name}: ${(error as Error).message}`
          : (error as Error).message,
      );
    }
  }
  return problems;
}

const fixed = (n: number) =>
  Number.isNaN(n) ? 'not defined (one layer)' : String(Number(n.toFixed(4)));

/** Evaluates a valid configuration against dive's figures for one image. */
export function evaluateCi(efficiency: DiveEfficiency, config: CiConfig): CiVerdict {
  const rules = RULE_NAMES.map((name): RuleResult => {
    const allowed = config[name];
    if (allowed === 'disabled')
      return {
        name,
        status: 'skip',
        measured: measuredOf(name, efficiency),
        allowed,
        message: 'rule disabled',
      };
    let failed: boolean;
    let message: string;
    if (name === 'lowestEfficiency') {
      failed = ratio(name, allowed) > efficiency.score;
      message = failed
        ? `image efficiency is too low (efficiency=${fixed(efficiency.score)} < threshold=${allowed})`
        : `efficiency ${fixed(efficiency.score)} is at least ${allowed}`;
    } else if (name === 'highestWastedBytes') {
      const limit = parseByteSize(allowed);
      failed = efficiency.wastedBytes > limit;
      message = failed
        ? `too many bytes wasted (wasted-bytes=${efficiency.wastedBytes} > threshold=${limit})`
        : `${efficiency.wastedBytes} wasted bytes are at most ${limit}`;
    } else {
      // dive compares `threshold < wasted`: a one-layer image (NaN) never fails this rule.
      const share = efficiency.wastedUserPercent;
      failed = ratio(name, allowed) < share;
      message = failed
        ? `too many bytes wasted, relative to the user bytes added (%-user-wasted-bytes=${fixed(share)} > threshold=${allowed})`
        : `user-wasted share ${fixed(share)} is at most ${allowed}`;
    }
    return {
      name,
      status: failed ? 'fail' : 'pass',
      measured: measuredOf(name, efficiency),
      allowed,
      message,
    };
  });
  return { pass: rules.every((r) => r.status !== 'fail'), rules };
}

function measuredOf(name: RuleName, efficiency: DiveEfficiency): string {
  if (name === 'lowestEfficiency') return fixed(efficiency.score);
  if (name === 'highestWastedBytes') return `${efficiency.wastedBytes} bytes`;
  return fixed(efficiency.wastedUserPercent);
}
