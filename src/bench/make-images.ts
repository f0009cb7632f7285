import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { gzipWhole, makeImage } from './make-image.ts';

/** Builds the bench images once into .strata-bench/ (kept between runs: they take a while). */
export const BENCH_DIR = join(import.meta.dirname, '..', '..', '.strata-bench');

export async function benchImages(
  files = 150_000,
  bytes = 2.2e9,
): Promise<{ plain: string; gzip: string; zstd: string; wrapped: string; fewLarge: string }> {
  const name = (kind: string) => `image-${files}${kind}`;
  const path = (kind: string) => join(BENCH_DIR, name(kind));
  const plain = path('.tar');
  const gzip = path('-gzip.tar');
  const zstd = path('-zstd.tar');
  const wrapped = path('.tar.gz');
  if (!existsSync(plain))
    await makeImage({ files, bytes, layers: 'none' }, BENCH_DIR, name('.tar'));
  if (!existsSync(gzip))
    await makeImage({ files, bytes, layers: 'gzip' }, BENCH_DIR, name('-gzip.tar'));
  if (!existsSync(zstd))
    await makeImage({ files, bytes, layers: 'zstd' }, BENCH_DIR, name('-zstd.tar'));
  if (!existsSync(wrapped)) await gzipWhole(plain, wrapped);
  const fewLarge = path('-few-large.tar');
  if (!existsSync(fewLarge))
    await makeImage(
      { files, bytes, layers: 'none', shape: 'few-large' },
      BENCH_DIR,
      name('-few-large.tar'),
    );
  return { plain, gzip, zstd, wrapped, fewLarge };
}

if (process.argv[1]?.endsWith('make-images.ts')) {
  const t = Date.now();
  const paths = await benchImages();
  console.log(paths, `${((Date.now() - t) / 1000).toFixed(1)} s`);
}
