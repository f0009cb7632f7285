import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportOf } from './fixtures.ts';
import { docker25Archive, legacyArchive, sampleImage } from './sample-image.ts';

const publicSample = (name: string) =>
  new Uint8Array(readFileSync(join(import.meta.dirname, '..', '..', 'public', 'sample', name)));
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('the sample image', () => {
  it('is rebuilt byte for byte by npm run make-sample (the committed files are current)', () => {
    expect(sha256(legacyArchive())).toBe(sha256(publicSample('investitest.tar')));
    expect(sha256(docker25Archive())).toBe(sha256(publicSample('investitest-docker25.tar')));
  });

  it('has the empty layer of `echo hihi` with its well-known digest', () => {
    expect(sampleImage().diffIds[1]).toBe(
      'sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef',
    );
  });

  for (const [layout, make] of [
    ['legacy', legacyArchive],
    ['docker 25+', docker25Archive],
  ] as const) {
    it(`reads back in the ${layout} layout: tag, 6 history steps, 4 layers, 2 empty steps`, async () => {
      const report = await reportOf(make());
      const [image] = report.images;
      expect(report.images).toHaveLength(1);
      expect(image?.tags).toEqual(['investitest:latest']);
      expect(image?.id).toBe(`sha256:${sampleImage().imageId}`);
      expect(image?.platform).toBe('linux/amd64');
      expect(image?.history.map((h) => h.layer)).toEqual([0, null, 1, 2, 3, null]);
      expect(image?.layers.map((l) => l.entries)).toEqual([22, 0, 1, 1]);
      expect(image?.layers.map((l) => l.diffId)).toEqual(sampleImage().diffIds);
      expect(image?.config.cmd).toEqual(['echo', 'hello']);
      expect(report.warnings).toEqual([]);
    });
  }
});
