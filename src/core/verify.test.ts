import { describe, expect, it } from 'vitest';
import { fixtureBytes, readBytes } from '../testing/fixtures.ts';
import { reusedSource } from '../testing/reused-source.ts';
import { legacyArchive } from '../testing/sample-image.ts';
import { bytesSource } from './bytes.ts';
import { verifyDigests, verifyShares } from './verify.ts';

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

  it('gzip layers known to be one member are decoded natively and check the same', async () => {
    const bytes = fixtureBytes('dive__test-oci-gzip-image.tar');
    const read = await readBytes(bytes);
    const gzip = [...read.scans].filter(([, scan]) => scan.compression === 'gzip');
    expect(gzip.length).toBeGreaterThan(0);
    const oneMember = new Set(gzip.map(([path]) => path));
    expect(await verifyDigests(bytesSource(bytes), read.model, { oneMember })).toEqual([]);
    // A byte changed in a layer's compressed data is still found (it no longer decodes, or its
    // digest differs).
    const [path] = gzip[0]!;
    const entry = read.model.entries.find((e) => e.path === path)!;
    const tampered = bytes.slice();
    tampered[entry.dataOffset + Math.floor(entry.size / 2)]! ^= 0x55;
    const problems = await verifyDigests(bytesSource(tampered), read.model, { oneMember });
    expect(problems.map((p) => p.detail)).toEqual([path]);
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

  it('reads a plain layer into one reused buffer and finds what fresh reads find', async () => {
    const bytes = legacyArchive();
    const at = new TextDecoder('latin1').decode(bytes).indexOf('investitest\n');
    const tampered = bytes.slice();
    tampered[at] = 'I'.charCodeAt(0);
    for (const archive of [bytes, tampered, fixtureBytes('dive__test-docker-image.tar')]) {
      const read = await readBytes(archive);
      const fresh = await verifyDigests(bytesSource(archive, 700), read.model);
      expect(await verifyDigests(reusedSource(archive, 700), read.model)).toEqual(fresh);
    }
    expect(
      await verifyDigests(reusedSource(tampered, 700), (await readBytes(tampered)).model),
    ).toHaveLength(1);
  });

  it('checked in shares by bytes, on as many checkers, finds what one checker finds', async () => {
    const bytes = legacyArchive();
    const at = new TextDecoder('latin1').decode(bytes).indexOf('investitest\n');
    const tampered = bytes.slice();
    tampered[at] = 'I'.charCodeAt(0);
    const read = await readBytes(tampered);
    const whole = await verifyDigests(bytesSource(tampered), read.model);
    const shares = verifyShares(read.model, 2);
    expect(shares).toHaveLength(2);
    const blobs = [
      ...new Set(read.model.images.flatMap((i) => i.layers.flatMap((l) => l.blobPath ?? []))),
    ];
    // Every blob in exactly one share, the largest alone if it outweighs the rest.
    expect(shares.flatMap((s) => s ?? []).sort()).toEqual([...blobs].sort());
    const sizes = new Map(read.model.entries.map((e) => [e.path, e.size]));
    const bytesOf = (share: string[] | undefined) =>
      (share ?? []).reduce((n, p) => n + (sizes.get(p) ?? 0), 0);
    const largest = Math.max(...blobs.map((b) => sizes.get(b) ?? 0));
    expect(Math.abs(bytesOf(shares[0]) - bytesOf(shares[1]))).toBeLessThanOrEqual(largest);
    const found = [];
    for (const only of shares)
      found.push(...(await verifyDigests(bytesSource(tampered), read.model, { only })));
    expect(found).toEqual(whole);
    expect(whole).toHaveLength(1);
  });

  it('is one share of everything for a compressed archive or a single blob', async () => {
    const gzip = await readBytes(fixtureBytes('trivy__alpine-310.tar.gz'));
    expect(verifyShares(gzip.model, 4)).toEqual([undefined]);
    const one = await readBytes(fixtureBytes('snyk__containerd-archives__alpine.tar'));
    expect(verifyShares(one.model, 4)).toEqual([undefined]);
    expect(verifyShares((await readBytes(legacyArchive())).model, 1)).toEqual([undefined]);
  });
});
