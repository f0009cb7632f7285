import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { fixtureBytes } from '../testing/fixtures.ts';
import { fixChecksum, legacyWithLayerBlob } from '../testing/hostile.ts';
import { docker25Archive, legacyArchive } from '../testing/sample-image.ts';
import { writeTar } from '../testing/tar-writer.ts';
import { bytesSource, concatBytes } from './bytes.ts';
import { StrataError } from './errors.ts';
import { analyzeImage } from './fs/analyze-image.ts';
import { filesystemTar } from './fs/export-tar.ts';
import { readArchive } from './read-archive.ts';

/**
 * Mutations of real archives, run through the reader and the change model. The property: every
 * input ends, either with an image or with a StrataError (a message for the user); nothing else is
 * ever thrown, and nothing hangs. Two fuzzers: byte flips, cuts and insertions over real archives,
 * and a structure-aware one that rewrites tar header fields (sizes, types, names, link names,
 * base-256 numbers, PAX records, sparse maps) and fixes the checksum, so that the numeric paths
 * behind the checksum are reached. The seed changes every run and is printed; `FUZZ_SEED=N`
 * reproduces a run, `FUZZ_RUNS=N` makes it longer. A failure found here becomes a named test in
 * hostile.test.ts.
 */
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
console.log(`fuzz seed ${SEED}: FUZZ_SEED=${SEED} npx vitest run src/core/fuzz.test.ts reproduces`);
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
        entries: 100_000,
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
        { numRuns: RUNS, seed: SEED },
      );
    });
  }
});

/** Offsets of the header blocks of a tar (extension headers included), walking the sizes. */
function headerOffsets(tar: Uint8Array): number[] {
  const out: number[] = [];
  for (let at = 0; at + 512 <= tar.length; ) {
    if (tar.subarray(at, at + 512).every((b) => b === 0)) break;
    out.push(at);
    const size =
      Number.parseInt(new TextDecoder().decode(tar.subarray(at + 124, at + 135)), 8) || 0;
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

const text = (bytes: Uint8Array, at: number, length: number, value: string) => {
  bytes.fill(0, at, at + length);
  bytes.set(new TextEncoder().encode(value).subarray(0, length), at);
};

const NUMBER_FIELDS = [
  [100, 8],
  [108, 8],
  [116, 8],
  [124, 12],
  [136, 12],
] as const;
const PAX_KEYS = [
  'size',
  'uid',
  'gid',
  'mtime',
  'path',
  'linkpath',
  'GNU.sparse.major',
  'GNU.sparse.minor',
  'GNU.sparse.name',
  'GNU.sparse.realsize',
  'GNU.sparse.size',
  'GNU.sparse.map',
  'GNU.sparse.numblocks',
  'GNU.sparse.offset',
  'GNU.sparse.numbytes',
];
const PAX_VALUES = [
  '',
  '-512',
  '0x1f',
  '1e3',
  '5',
  '0',
  '99999999999999999999',
  '1,2,3,4',
  'a',
  '../../x',
  '1',
];

const fieldEdit = fc.oneof(
  fc.record({
    kind: fc.constant('number' as const),
    field: fc.nat({ max: NUMBER_FIELDS.length - 1 }),
    value: fc.oneof(
      fc.bigInt({ min: 0n, max: 2n ** 40n }).map((n) => ({ octal: n.toString(8) })),
      fc.uint8Array({ minLength: 12, maxLength: 12 }).map((b) => ({ base256: b })),
      fc.string({ maxLength: 12 }).map((t) => ({ raw: t })),
    ),
  }),
  fc.record({
    kind: fc.constant('type' as const),
    flag: fc.constantFrom(
      '0',
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      'x',
      'g',
      'L',
      'K',
      'S',
      'V',
      '\0',
      'Z',
    ),
  }),
  fc.record({
    kind: fc.constantFrom('name' as const, 'link' as const),
    value: fc.oneof(
      fc.constantFrom(
        '..',
        '../../etc/passwd',
        '/',
        './',
        'a//b',
        '.wh..wh..opq',
        '.wh.x',
        'x/.wh.y',
      ),
      fc.stringMatching(/^[a-z./]{0,20}$/),
    ),
  }),
  fc.record({
    kind: fc.constant('sparse' as const),
    slots: fc.array(fc.tuple(fc.nat({ max: 5000 }), fc.nat({ max: 5000 })), { maxLength: 4 }),
    extended: fc.boolean(),
    realSize: fc.nat({ max: 1 << 20 }),
  }),
);

type FieldEdit = typeof fieldEdit extends fc.Arbitrary<infer T> ? T : never;

function edit(tar: Uint8Array, at: number, e: FieldEdit): void {
  if (e.kind === 'number') {
    const [offset, length] = NUMBER_FIELDS[e.field]!;
    const v = e.value;
    if ('octal' in v) text(tar, at + offset, length, v.octal.padStart(length - 1, '0'));
    else if ('base256' in v) {
      tar.set(v.base256.subarray(0, length), at + offset);
      tar[at + offset] = 0x80 | (tar[at + offset]! & 0x7f);
    } else text(tar, at + offset, length, v.raw);
  } else if (e.kind === 'type') tar[at + 156] = e.flag.charCodeAt(0);
  else if ('value' in e) text(tar, e.kind === 'name' ? at : at + 157, 100, e.value);
  else {
    tar[at + 156] = 'S'.charCodeAt(0);
    e.slots.forEach(([o, n], i) => {
      text(tar, at + 386 + i * 24, 12, o.toString(8).padStart(11, '0'));
      text(tar, at + 398 + i * 24, 12, n.toString(8).padStart(11, '0'));
    });
    tar[at + 482] = e.extended ? 1 : 0;
    text(tar, at + 483, 12, e.realSize.toString(8).padStart(11, '0'));
  }
  fixChecksum(tar, at);
}

const paxInsert = fc.record({
  records: fc.array(fc.tuple(fc.constantFrom(...PAX_KEYS), fc.constantFrom(...PAX_VALUES)), {
    minLength: 1,
    maxLength: 5,
  }),
  lengthSkew: fc.constantFrom(0, 0, 0, 1, -1, 7),
});

/** A PAX header with these records (lengths skewed if asked) put before the header at `at`. */
function withPax(
  tar: Uint8Array,
  at: number,
  p: typeof paxInsert extends fc.Arbitrary<infer T> ? T : never,
): Uint8Array {
  const body = p.records
    .map(([k, v], i) => {
      const rest = ` ${k}=${v}\n`;
      let n = rest.length + 1;
      while (`${n}${rest}`.length !== n) n++;
      return `${i === 0 ? n + p.lengthSkew : n}${rest}`;
    })
    .join('');
  const bytes = new TextEncoder().encode(body);
  const header = writeTar([{ name: 'PaxHeaders/x', data: bytes }]).subarray(
    0,
    512 + Math.ceil(bytes.length / 512) * 512,
  );
  header[156] = 'x'.charCodeAt(0);
  fixChecksum(header, 0);
  return concatBytes([tar.subarray(0, at), header, tar.subarray(at)]);
}

const layerEntries = [
  { name: 'etc/', kind: 'dir' as const },
  { name: 'etc/passwd', data: 'root:x:0:0' },
  { name: 'bin/sh', data: 'ELF' },
  { name: 'bin/ash', kind: 'hardlink' as const, linkname: 'bin/sh' },
  { name: 'lib', kind: 'symlink' as const, linkname: 'usr/lib' },
  { name: 'usr/lib/x', data: 'x'.repeat(700) },
  { name: 'etc/.wh.gone', data: '' },
  { name: 'tail', data: 'end' },
];

describe('structure-aware fuzzing of tar headers (fields rewritten, checksums fixed)', () => {
  it('every rewritten layer ends with an image or a clear error', async () => {
    const plain = writeTar(layerEntries);
    const offsets = headerOffsets(plain);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(), fieldEdit), { minLength: 1, maxLength: 3 }),
        fc.option(fc.tuple(fc.nat(), paxInsert)),
        fc.boolean(),
        async (edits, pax, gzip) => {
          let layer: Uint8Array = plain.slice();
          for (const [which, e] of edits) edit(layer, offsets[which % offsets.length]!, e);
          if (pax) layer = withPax(layer, offsets[pax[0] % offsets.length]!, pax[1]);
          const blob = gzip ? gzipSync(layer) : layer;
          await survives(
            legacyWithLayerBlob(blob, `sha256:${createHash('sha256').update(layer).digest('hex')}`),
          );
        },
      ),
      { numRuns: RUNS * 4, seed: SEED },
    );
  });

  it('every rewritten outer archive ends with an image or a clear error', async () => {
    const outer = legacyArchive();
    const offsets = headerOffsets(outer);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(), fieldEdit), { minLength: 1, maxLength: 2 }),
        async (edits) => {
          const bytes = outer.slice();
          for (const [which, e] of edits) edit(bytes, offsets[which % offsets.length]!, e);
          await survives(bytes);
        },
      ),
      { numRuns: RUNS * 2, seed: SEED },
    );
  });
});
