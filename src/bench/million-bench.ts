import { describeMillion, MILLION_SHAPES, millionImage, timedAnalyze } from './million-image.ts';

/** `npm run bench:million`: the command line on one layer of a million entries (million-image.ts). */
for (const shape of MILLION_SHAPES) {
  const path = await millionImage(shape);
  console.log(describeMillion(path, shape));
  for (const line of timedAnalyze(path, 2)) console.log(line);
}
