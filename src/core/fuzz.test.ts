import fc from 'fast-check';
import { describe, it } from 'vitest';
import { fixtureBytes } from '../testing/fixtures.ts';
import { docker25Archive, legacyArchive } from '../testing/sample-image.ts';
import { bytesSource } from './bytes.ts';
import { StrataError } from './errors.ts';
import { analyzeImage } from './fs/analyze-image.ts';
import { filesystemTar } from './fs/export-tar.ts';
import { readArchive } from './read-archive.ts';

/**
 * Mutations of real archives, run through the reader and the change model. The property: every
 * input ends, either with an image or with a StrataError (a message for the user); nothing else is
 * ever thrown. A bounded run in CI (fixed seed, a few hundred inputs); a failure found here becomes
 * a named test in hostile.test.ts.
 */
const seeds: [string, Uint8Array][] = [
  ['sample legacy', legacyArchive()],
  ['sample docker 25', docker25Archive()],
  ['crane gzip layers', fixtureBytes('ggcr__mutate__whiteout_dir.tar')],
  ['OCI zstd', fixtureBytes('dive__test-oci-zstd-image.tar')],
  ['OCI estargz', fixtureBytes('dive__test-oci-estargz-image.tar')],
  ['nested index', fixtureBytes('stereoscope__multiplatform_oci_dir.tar')],
  ['kaniko pax', fixtureBytes('snyk__kaniko-archives__kaniko-busybox.tar')],
];

const mutation = fc.oneof(
  fc.record({
    kind: fc.constant('flip' as const),
    at: fc.nat(),
    xor: fc.integer({ min: 1, max: 255 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 600 }),
  }),
  fc.record({ kind: fc.constant('repeat-block' as const), at: fc.nat() }),
);

type Mutation = {
  kind: 'flip' | 'truncate' | 'insert' | 'repeat-block';
  at: number;
  xor?: number;
  bytes?: Uint8Array;
};

function mutate(input: Uint8Array, mutations: Mutation[]): Uint8Array {
  let bytes = input;
  for (const m of mutations) {
    const at = bytes.length === 0 ? 0 : m.at % bytes.length;
    if (m.kind === 'flip') {
      bytes = bytes.slice();
      bytes[at] = bytes[at]! ^ m.xor!;
    } else if (m.kind === 'truncate') bytes = bytes.subarray(0, at);
    else if (m.kind === 'insert')
      bytes = Uint8Array.from([...bytes.subarray(0, at), ...m.bytes!, ...bytes.subarray(at)]);
    else {
      const block = at - (at % 512);
      bytes = Uint8Array.from([...bytes.subarray(0, block + 512), ...bytes.subarray(block)]);
    }
  }
  return bytes;
}

async function survives(bytes: Uint8Array): Promise<void> {
  try {
    const read = await readArchive(bytesSource(bytes, 4096), {
      limits: {
        entriesPerLayer: 100_000,
        pathDepth: 2048,
        expansionRatio: 100,
        expansionFloor: 8 << 20,
      },
    });
    for (const image of read.model.images) {
      if (!image.included) continue;
      const analysis = analyzeImage(image, read.scans);
      // The export walks every layer again: it must cope with whatever the scan accepted.
      const top = image.layers.length - 1;
      if (top >= 0) {
        const open = (l: number) => {
          const entry = image.layers[l]?.blobPath
            ? read.index.resolve(image.layers[l]!.blobPath!)
            : undefined;
          return entry && read.model.compression === 'none'
            ? bytesSource(bytes).read(entry.dataOffset, entry.dataOffset + entry.size)
            : (async function* () {})();
        };
        try {
          for await (const _ of filesystemTar(analysis.versions, top, open)) {
            // drained
          }
        } catch (error) {
          if (!(error instanceof StrataError)) throw error;
        }
      }
    }
  } catch (error) {
    if (!(error instanceof StrataError)) throw error;
  }
}

describe('fuzzing the reader and the change model with mutated real archives', () => {
  for (const [name, seed] of seeds) {
    it(`${name}: every mutation ends with an image or a clear error`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (mutations) => {
          await survives(mutate(seed, mutations));
        }),
        {
          numRuns: Number(process.env.FUZZ_RUNS ?? 60),
          seed: Number(process.env.FUZZ_SEED ?? 424242),
        },
      );
    });
  }
});
