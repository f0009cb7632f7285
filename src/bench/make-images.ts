import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { makeImage } from './make-image.ts';

/** Builds the bench images once into .strata-bench/ (kept between runs: they take a while). */
export const BENCH_DIR = join(import.meta.dirname, '..', '..', '.strata-bench');

export async function benchImages(
  files = 150_000,
  bytes = 2.2e9,
): Promise<{ plain: string; gzip: string }> {
  const plain = join(BENCH_DIR, `image-${files}.tar`);
  const gzip = join(BENCH_DIR, `image-${files}-gzip.tar`);
  if (!existsSync(plain))
    await makeImage({ files, bytes, gzip: false }, BENCH_DIR, `image-${files}.tar`);
  if (!existsSync(gzip))
    await makeImage({ files, bytes, gzip: true }, BENCH_DIR, `image-${files}-gzip.tar`);
  return { plain, gzip };
}

if (process.argv[1]?.endsWith('make-images.ts')) {
  const t = Date.now();
  const paths = await benchImages();
  console.log(paths, `${((Date.now() - t) / 1000).toFixed(1)} s`);
}
