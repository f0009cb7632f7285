import { describe, expect, it } from 'vitest';
import { hostileCases, structuralPoints } from '../testing/hostile.ts';
import { imageOfLayers } from '../testing/package-images.ts';
import { legacyArchive } from '../testing/sample-image.ts';
import { bytesSource } from './bytes.ts';
import { type Problem, StrataError } from './errors.ts';
import { analyzeImage } from './fs/analyze-image.ts';
import { Change } from './fs/versions.ts';
import type { Limits } from './limits.ts';
import { type ArchiveRead, readArchive } from './read-archive.ts';
import { analyzeReport } from './report.ts';
import { verifyDigests } from './verify.ts';

/** Lower bomb limits than the defaults, so that a test-sized bomb trips them. */
const LIMITS: Limits = {
  entries: 4_000_000,
  pathDepth: 2048,
  expansionRatio: 100,
  expansionFloor: 16 << 20,
};

type Outcome =
  | { refused: string; message: string }
  | { loaded: true; warnings: string[]; problems: Problem[]; read: ArchiveRead };

/** What a user gets for these bytes: a refusal with a message, or an image and its warnings. */
async function outcome(bytes: Uint8Array): Promise<Outcome> {
  try {
    const source = bytesSource(bytes);
    const read = await readArchive(source, { limits: LIMITS });
    for (const image of read.model.images) if (image.included) analyzeImage(image, read.scans);
    const problems = [...read.model.warnings, ...(await verifyDigests(source, read.model))];
    return { loaded: true, warnings: problems.map((w) => w.code), problems, read };
  } catch (error) {
    if (!(error instanceof StrataError)) throw error;
    expect(error.message.length).toBeGreaterThan(10);
    return { refused: error.code, message: error.message };
  }
}

/** The one image's first layer, as the scan read it. */
function firstLayer(read: ArchiveRead) {
  const blob = read.model.images[0]!.layers[0]!.blobPath!;
  return read.scans.get(blob)!.entries;
}
const layerFacts = (read: ArchiveRead) => {
  const entries = firstLayer(read);
  return Array.from({ length: entries.length }, (_, i) => entries.get(i));
};

/** What each archive that loads must show: the behaviour, not just that it loads. */
const FACTS: Record<string, (read: ArchiveRead, problems: Problem[]) => void> = {
  'negative-size-in-a-layer': (_, problems) => {
    const bad = problems.find((p) => p.code === 'bad-header')!;
    expect(bad.message).toContain('impossible size (-512)');
    expect(bad.detail).toBe('layer/layer.tar, header at byte 0');
  },
  'pax-size-not-decimal': (_, problems) => {
    expect(problems.find((p) => p.code === 'bad-header')?.message).toContain(
      'A PAX "size" of "0x1f" is not a count.',
    );
  },
  'zero-block-then-header': (read, problems) => {
    // What came before the damage is kept; the damage says where it is.
    expect(layerFacts(read).map((e) => e.path)).toEqual(['a']);
    expect(problems.find((p) => p.code === 'bad-header')?.detail).toBe(
      'layer/layer.tar, zero block at byte 1024, header after it at byte 1536',
    );
  },
  'same-layer-twice': (read) => {
    const image = read.model.images[0]!;
    expect(image.layers.map((l) => l.diffId)).toEqual([
      image.layers[0]!.diffId,
      image.layers[0]!.diffId,
    ]);
    // The second copy writes the same file again: it adds and changes nothing.
    const a = analyzeImage(image, read.scans);
    expect([...a.versions.changes[1]!.changes]).toEqual([Change.Unchanged]);
    expect(a.final.files).toBe(1);
  },
  'deep-path': (read, problems) => {
    const limit = problems.find((p) => p.code === 'limit')!;
    expect(limit.message).toContain('deeper than 2048 folders');
    expect(limit.detail).toMatch(/^(d[0-9]\/){50}/); // the deep path itself, shortened
    expect(layerFacts(read).map((e) => e.path)).toEqual(['ok']);
  },
  'name-64k': (read) => {
    expect(layerFacts(read).map((e) => e.path.length)).toEqual([65536]);
  },
  'names-control-html-rtl-invalid-utf8': (read) => {
    expect(layerFacts(read).map((e) => e.path)).toEqual([
      'bell\u0007and\u001b[31mred',
      '<img src=x onerror=alert(1)>',
      'evil\u202egnp.exe',
    ]);
  },
  'name-invalid-utf8': (read) => {
    expect(layerFacts(read).map((e) => e.path)).toEqual(['bad-utf8-\ufffd(']);
  },
  'absolute-and-dotdot': (read, problems) => {
    // Clamped at the root: nothing names a place outside the image, and the user is told.
    expect(layerFacts(read).map((e) => e.path)).toEqual(['etc/abs', 'escape', 'y']);
    expect(problems.find((p) => p.code === 'unsafe-name')).toMatchObject({
      message: expect.stringContaining('2 entries of layer'),
      detail: '../../escape',
    });
  },
  'symlink-cycle': (read) => {
    expect(layerFacts(read).map((e) => [e.path, e.kind, e.linkTarget])).toEqual([
      ['a', 'symlink', 'b'],
      ['b', 'symlink', 'a'],
      ['self', 'symlink', 'self'],
    ]);
  },
  'hardlink-to-missing': (read) => {
    const a = analyzeImage(read.model.images[0]!, read.scans);
    expect(a.versions.oddities).toEqual([
      { layer: 0, path: 'link', what: 'hardlink to a missing target nowhere' },
    ]);
    // The analyze JSON says so among its warnings.
    expect(analyzeReport(read).warnings).toContainEqual({
      code: 'broken-hardlink',
      message:
        '/link in layer 0 of hostile:test is a hardlink to a missing target nowhere: it is shown as an empty file.',
      detail: '/link',
    });
  },
  'duplicate-entries': (read) => {
    // The later entry of a path wins, as when a tar is extracted.
    const a = analyzeImage(read.model.images[0]!, read.scans);
    const v = a.versions;
    expect(v.describe(v.versionAt(v.table.get('dup')!, 0)).size).toBe('second'.length);
    expect(v.describe(v.versionAt(v.table.get('d')!, 0)).mode).toBe(0o700);
  },
};

describe('hostile and broken archives: a message, never a crash', () => {
  for (const c of hostileCases()) {
    it(c.name, async () => {
      const result = await outcome(c.bytes());
      if ('refused' in c.expect) expect(result).toMatchObject({ refused: c.expect.refused });
      else if ('warned' in c.expect)
        expect('warnings' in result && result.warnings).toContain(c.expect.warned);
      else expect(result).toMatchObject({ loaded: true });
      const facts = FACTS[c.name.startsWith('layer-of-') ? 'many' : c.name];
      if (facts && 'read' in result) facts(result.read, result.problems);
      if (c.name.startsWith('layer-of-') && 'read' in result)
        expect(firstLayer(result.read).length).toBe(Number(c.name.split('-')[2]));
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

describe('the entry limit counts the whole archive', () => {
  it('layers of 60 entries under a limit of 100: the first whole, the second cut at 40, a warning naming it', async () => {
    const layer = (n: number) =>
      Array.from({ length: 60 }, (_, i) => ({ name: `l${n}/f${i}`, data: 'x' }));
    const bytes = imageOfLayers([layer(0), layer(1), layer(2)]);
    const read = await readArchive(bytesSource(bytes), { limits: { ...LIMITS, entries: 100 } });
    const counts = read.model.images[0]!.layers.map((l) => read.scans.get(l.blobPath!)!);
    expect(counts.map((s) => s.entries.length)).toEqual([60, 40, 0]);
    expect(counts.map((s) => s.error?.code)).toEqual([undefined, 'limit', 'limit']);
    const warnings = read.model.warnings.filter((w) => w.code === 'limit');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]!.message).toContain('more than 100 entries in all its layers');
  });
});
