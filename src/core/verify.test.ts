import { describe, expect, it } from 'vitest';
import { fixtureBytes, readBytes } from '../testing/fixtures.ts';
import { legacyArchive } from '../testing/sample-image.ts';
import { bytesSource } from './bytes.ts';
import { verifyDigests } from './verify.ts';

async function problemsOf(bytes: Uint8Array) {
  const read = await readBytes(bytes);
  return verifyDigests(bytesSource(bytes), read.model);
}

describe('digest verification', () => {
  it('passes for real archives: uncompressed, gzip and zstd layers, gzip outside, estargz', async () => {
    for (const name of [
      'dive__test-docker-image.tar',
      'snyk__containerd-archives__alpine.tar',
      'dive__test-oci-zstd-image.tar',
      'dive__test-oci-estargz-image.tar',
      'trivy__alpine-310.tar.gz',
    ]) {
      expect(await problemsOf(fixtureBytes(name)), name).toEqual([]);
    }
  });

  it('a byte changed inside a layer is a warning naming the layer, and the image still loads', async () => {
    const bytes = legacyArchive();
    const text = new TextDecoder('latin1').decode(bytes);
    const at = text.indexOf('investitest\n'); // etc/hostname inside the base layer
    expect(at).toBeGreaterThan(0);
    const tampered = bytes.slice();
    tampered[at] = 'I'.charCodeAt(0);
    const problems = await problemsOf(tampered);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.code).toBe('digest-mismatch');
    expect(problems[0]?.message).toMatch(/layer 0 of investitest:latest.*not to its diff_id/);
  });
});
