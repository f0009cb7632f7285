import { type ImageRecord, platformText } from '../../core/image/model.ts';

/** An image as a person names it: its first tag (or short ID), with its platform. */
export function imageLabel(image: ImageRecord, index: number): string {
  const name = image.tags[0] ?? image.id.slice(7, 19);
  const platform = platformText(image.platform);
  return `${index}: ${name}${platform === 'unknown' ? '' : ` (${platform})`}`;
}
