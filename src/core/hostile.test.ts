import { describe, expect, it } from 'vitest';
import { hostileCases, structuralPoints } from '../testing/hostile.ts';
import { legacyArchive } from '../testing/sample-image.ts';
import { bytesSource } from './bytes.ts';
import { StrataError } from './errors.ts';
import { analyzeImage } from './fs/analyze-image.ts';
import type { Limits } from './limits.ts';
import { readArchive } from './read-archive.ts';
import { verifyDigests } from './verify.ts';

/** Lower bomb limits than the defaults, so that a test-sized bomb trips them. */
const LIMITS: Limits = {
  entriesPerLayer: 4_000_000,
  pathDepth: 2048,
  expansionRatio: 100,
  expansionFloor: 16 << 20,
};

type Outcome = { refused: string; message: string } | { loaded: true; warnings: string[] };

/** What a user gets for these bytes: a refusal with a message, or an image and its warnings. */
async function outcome(bytes: Uint8Array): Promise<Outcome> {
  try {
    const source = bytesSource(bytes);
    const read = await readArchive(source, { limits: LIMITS });
    for (const image of read.model.images) if (image.included) analyzeImage(image, read.scans);
    const warnings = [...read.model.warnings, ...(await verifyDigests(source, read.model))];
    return { loaded: true, warnings: warnings.map((w) => w.code) };
  } catch (error) {
    if (!(error instanceof StrataError)) throw error;
    expect(error.message.length).toBeGreaterThan(10);
    return { refused: error.code, message: error.message };
  }
}

describe('hostile and broken archives: a message, never a crash', () => {
  for (const c of hostileCases()) {
    it(c.name, async () => {
      const start = Date.now();
      const result = await outcome(c.bytes());
      if ('refused' in c.expect) expect(result).toMatchObject({ refused: c.expect.refused });
      else if ('warned' in c.expect)
        expect('warnings' in result && result.warnings).toContain(c.expect.warned);
      else expect(result).toMatchObject({ loaded: true });
      expect(Date.now() - start).toBeLessThan(20_000);
    });
  }

  it('the sample truncated at every header, inside every header and inside every body', async () => {
    const sample = legacyArchive();
    const points = structuralPoints(sample);
    expect(points.length).toBeGreaterThan(60);
    for (const at of points) {
      const result = await outcome(sample.subarray(0, at));
      // Cut before manifest.json: refused with a reason. Cut after: the image, with a warning.
      if ('refused' in result)
        expect(['truncated', 'empty', 'not-an-image']).toContain(result.refused);
      else expect(result.warnings.length).toBeGreaterThan(0);
    }
  });
});
