import { compareImages, type ImageComparison } from '../core/compare/compare-images.ts';
import { compareSide } from '../core/compare/side.ts';
import { analyzeImage } from '../core/fs/analyze-image.ts';
import type { ArchiveRead } from '../core/read-archive.ts';
import { formatBytes } from '../views/format.ts';

/** An image number that names no image of the archive: the input cannot be judged. */
export class ImageChoiceError extends Error {}

/** The image `--image N` names, else the archive's first image held in the file. */
export function chosenImage(read: ArchiveRead, wanted: number | undefined, flag: string): number {
  const images = read.model.images;
  if (wanted !== undefined) {
    if (!images[wanted])
      throw new ImageChoiceError(`${flag} ${wanted}: the archive has ${images.length} image(s)`);
    if (!images[wanted].included)
      throw new ImageChoiceError(`${flag} ${wanted}: that image's layers are not in the archive`);
    return wanted;
  }
  const first = images.findIndex((image) => image.included);
  if (first < 0) throw new ImageChoiceError('the archive holds no image with its layers');
  return first;
}

export function compareReads(
  left: ArchiveRead,
  leftImage: number,
  right: ArchiveRead,
  rightImage: number,
): ImageComparison {
  const side = (read: ArchiveRead, image: number) => {
    const record = read.model.images[image]!;
    return compareSide(record, read.scans, analyzeImage(record, read.scans));
  };
  return compareImages(side(left, leftImage), side(right, rightImage));
}

/** The comparison for a person: what is shared, what differs, then the paths (at most 50 each). */
export function comparisonText(c: Omit<ImageComparison, 'fileFacts'>): string {
  const name = (side: { id: string; tags: string[] }) => side.tags[0] ?? side.id.slice(7, 19);
  const lines = [`${name(c.left)}  →  ${name(c.right)}`];
  if (c.identical) lines.push('identical: same configuration and the same files');
  lines.push(
    `shared layers: ${c.sharedLayers.length} (common base: ${c.commonBase})`,
    `bytes: left ${formatBytes(c.bytes.left)}, right ${formatBytes(c.bytes.right)}, shared ${formatBytes(c.bytes.shared)}, only left ${formatBytes(c.bytes.onlyLeft)}, only right ${formatBytes(c.bytes.onlyRight)}`,
  );
  for (const [field, diff] of Object.entries(c.config)) {
    if (field === 'env') {
      const env = c.config.env!;
      for (const v of env.added) lines.push(`env + ${v}`);
      for (const v of env.removed) lines.push(`env - ${v}`);
      for (const v of env.changed) lines.push(`env ~ ${v.name}: ${v.left} → ${v.right}`);
    } else {
      const { left, right } = diff as { left: unknown; right: unknown };
      lines.push(`${field}: ${JSON.stringify(left)} → ${JSON.stringify(right)}`);
    }
  }
  const { added, removed, changed } = c.files;
  lines.push(`files: ${added.length} added, ${removed.length} removed, ${changed.length} changed`);
  const some = <T>(list: T[], show: (item: T) => string) => {
    for (const item of list.slice(0, 50)) lines.push(show(item));
    if (list.length > 50) lines.push(`  … and ${list.length - 50} more`);
  };
  some(added, (p) => `  + ${p}`);
  some(removed, (p) => `  - ${p}`);
  some(changed, (p) => `  ~ ${p.path} (${p.kinds.join(', ')})`);
  return `${lines.join('\n')}\n`;
}
