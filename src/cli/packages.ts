import type { ByteSource } from '../core/bytes.ts';
import { LayerContent } from '../core/content.ts';
import type { Problem } from '../core/errors.ts';
import { analyzeImage, type ImageAnalysis } from '../core/fs/analyze-image.ts';
import { catalogImage, type ImagePackages } from '../core/packages/catalog.ts';
import { imageBodies } from '../core/packages/image-bodies.ts';
import { cycloneDx, type SbomFormat, spdx } from '../core/packages/sbom.ts';
import type { ArchiveRead } from '../core/read-archive.ts';
import type { AnalyzeReport } from '../core/report.ts';

/** One image's packages, read back from the archive. */
export async function catalogOf(
  read: ArchiveRead,
  source: ByteSource,
  image: number,
  analyses: Map<number, ImageAnalysis>,
): Promise<ImagePackages> {
  let analysis = analyses.get(image);
  if (!analysis) {
    analysis = analyzeImage(read.model.images[image]!, read.scans);
    analyses.set(image, analysis);
  }
  const content = new LayerContent(source);
  return catalogImage(analysis.versions, imageBodies(read, image, analysis.versions, content));
}

/** `--packages`: each image's packages, and what each layer did to them, added to the report. */
export async function addPackages(
  report: AnalyzeReport,
  read: ArchiveRead,
  source: ByteSource,
  analyses: Map<number, ImageAnalysis>,
): Promise<void> {
  for (const [index, image] of report.images.entries()) {
    if (!image.included) continue;
    const found = await catalogOf(read, source, index, analyses);
    Object.assign(image, {
      packages: found.packages.map(
        ({ type, name, version, arch, license, purl, layer, files, bytes, source }) => ({
          type,
          name,
          version,
          arch,
          license,
          purl,
          layer,
          files,
          bytes,
          source,
        }),
      ),
    });
    for (const layer of image.layers) {
      const changes = found.layers[layer.index];
      if (changes)
        Object.assign(layer, {
          packageChanges: {
            added: changes.added,
            removed: changes.removed,
            changed: changes.changed,
          },
        });
    }
    report.warnings.push(...packageWarnings(found));
  }
}

export function packageWarnings(found: ImagePackages): Problem[] {
  return found.problems.map((p) => ({
    code: 'package-data',
    message: `${p.path}: ${p.message}`,
    detail: p.path,
  }));
}

/** `--sbom cyclonedx|spdx`: the SBOM of one image. */
export async function sbomOf(
  read: ArchiveRead,
  source: ByteSource,
  image: number,
  format: SbomFormat,
): Promise<{ document: Record<string, unknown>; warnings: Problem[] }> {
  const found = await catalogOf(read, source, image, new Map());
  const record = read.model.images[image]!;
  const subject = {
    name: record.tags[0] ?? record.id,
    id: record.id,
    diffIds: record.layers.map((l) => l.diffId),
  };
  return {
    document:
      format === 'cyclonedx' ? cycloneDx(subject, found.packages) : spdx(subject, found.packages),
    warnings: packageWarnings(found),
  };
}
