import { describe, expect, it } from 'vitest';
import { fixtureBytes, readBytes } from '../../testing/fixtures.ts';
import { analyzeImage } from '../fs/analyze-image.ts';
import { parseByteSize } from './byte-size.ts';
import { readCiConfigFile } from './config-file.ts';
import { configProblems, DEFAULT_CI_CONFIG, evaluateCi } from './rules.ts';

async function diveEfficiency() {
  const read = await readBytes(fixtureBytes('dive__test-docker-image.tar'));
  return analyzeImage(read.model.images[0]!, read.scans).efficiency;
}

describe('dive CI rules', () => {
  // The threshold pairs of dive's own CI tests (runtime/ci/evaluator_test.go) and this issue,
  // on dive's test image: efficiency 0.98442, 32,025 wasted bytes, user-wasted share 0.4835.
  it.each([
    ['lowestEfficiency', '0.99', 'fail'],
    ['lowestEfficiency', '0.9', 'pass'],
    ['highestWastedBytes', '1B', 'fail'],
    ['highestWastedBytes', '50kB', 'pass'],
    ['highestUserWastedPercent', '0.01', 'fail'],
    ['highestUserWastedPercent', '0.5', 'pass'],
  ] as const)(
    'on dive’s test image %s %s gives dive’s verdict: %s',
    async (rule, value, verdict) => {
      const config = {
        lowestEfficiency: 'disabled',
        highestWastedBytes: 'disabled',
        highestUserWastedPercent: 'disabled',
        [rule]: value,
      };
      const result = evaluateCi(await diveEfficiency(), config);
      expect(result.rules.find((r) => r.name === rule)?.status).toBe(verdict);
      expect(result.pass).toBe(verdict === 'pass');
      expect(result.rules.filter((r) => r.status === 'skip')).toHaveLength(2);
    },
  );

  it('all disabled: every rule skipped and the gate passes', async () => {
    const off = {
      lowestEfficiency: 'disabled',
      highestWastedBytes: 'disabled',
      highestUserWastedPercent: 'disabled',
    };
    const result = evaluateCi(await diveEfficiency(), off);
    expect(result).toMatchObject({ pass: true });
    expect(result.rules.map((r) => r.status)).toEqual(['skip', 'skip', 'skip']);
  });

  it('defaults are dive’s: efficiency 0.9, wasted bytes disabled, user share 0.1', async () => {
    expect(DEFAULT_CI_CONFIG).toEqual({
      lowestEfficiency: '0.9',
      highestWastedBytes: 'disabled',
      highestUserWastedPercent: '0.1',
    });
    const result = evaluateCi(await diveEfficiency(), DEFAULT_CI_CONFIG);
    expect(result.rules.map((r) => r.status)).toEqual(['pass', 'skip', 'fail']);
  });

  it('a one-layer image has no user-wasted share and never fails that rule, as in dive', () => {
    const one = {
      score: 1,
      sizeBytes: 10,
      userSizeBytes: 0,
      wastedBytes: 0,
      wastedUserPercent: Number.NaN,
      inefficientFiles: [],
    };
    expect(evaluateCi(one, { ...DEFAULT_CI_CONFIG, highestUserWastedPercent: '0' }).pass).toBe(
      true,
    );
  });

  it('values outside 0-1, non-numbers and unknown size units are configuration errors', () => {
    expect(
      configProblems({
        lowestEfficiency: '1.5',
        highestWastedBytes: '20 parsecs',
        highestUserWastedPercent: 'lots',
      }),
    ).toEqual([
      'lowestEfficiency: 1.5 is outside the allowed range 0-1',
      'highestWastedBytes: "20 parsecs" has an unknown size unit "parsecs"',
      'highestUserWastedPercent: "lots" is not a number',
    ]);
    expect(configProblems(DEFAULT_CI_CONFIG)).toEqual([]);
  });
});

describe('sizes read as go-humanize ParseBytes reads them', () => {
  it.each([
    ['1B', 1],
    ['50kB', 50_000],
    ['20MB', 20_000_000],
    ['20Mb', 20_000_000],
    ['20MiB', 20 * 2 ** 20],
    ['1.5 GB', 1_500_000_000],
    ['1,000', 1000],
    ['42', 42],
    ['2k', 2000],
    ['0.5KiB', 512],
  ])('%s is %i bytes', (text, bytes) => {
    expect(parseByteSize(text)).toBe(bytes);
  });
  it.each(['', 'MB', '1.2.3MB', '-5MB', '5 XB'])('"%s" is refused', (text) => {
    expect(() => parseByteSize(text)).toThrow();
  });
});

describe('the .dive-ci file', () => {
  it('reads dive’s example: numbers and sizes become the strings dive compares', () => {
    const text =
      'rules:\n  # below 95% fails\n  lowestEfficiency: 0.95\n  highestWastedBytes: 20MB\n  highestUserWastedPercent: 0.20\n';
    expect(readCiConfigFile(text)).toEqual({
      config: {
        lowestEfficiency: '0.95',
        highestWastedBytes: '20MB',
        highestUserWastedPercent: '0.2',
      },
      ignored: [],
    });
  });
  it('keeps "disabled", names unknown rules, and refuses what is not YAML', () => {
    expect(
      readCiConfigFile('rules:\n  lowestEfficiency: disabled\n  lowestEfficency: 0.5\n'),
    ).toEqual({
      config: { lowestEfficiency: 'disabled' },
      ignored: ['lowestEfficency'],
    });
    expect(() => readCiConfigFile('rules: [\n')).toThrow(/not valid YAML/);
    expect(() => readCiConfigFile('rules:\n  lowestEfficiency: [1]\n')).toThrow(/must be a number/);
  });
});
