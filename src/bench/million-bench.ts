import { describeMillion, millionImage, timedAnalyze } from './million-image.ts';

/** `npm run bench:million`: the command line on one layer of a million entries (million-image.ts). */
const path = await millionImage();
console.log(describeMillion(path));
for (const line of timedAnalyze(path, 2)) console.log(line);
