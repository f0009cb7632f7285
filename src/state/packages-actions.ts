import { cycloneDx, type SbomFormat, spdx } from '../core/packages/sbom.ts';
import { saveBlob } from './save-blob.ts';
import { tracked } from './session.ts';
import { useStore } from './store.ts';

/**
 * The image's packages: asked of the worker once the archive is read (it reads only the package
 * databases and manifests), with progress; kept with the image they belong to.
 */
const get = () => useStore.getState();

export async function loadPackages(image: number): Promise<void> {
  if (get().packages?.image === image) return;
  useStore.setState({
    packages: null,
    packageOwners: null,
    packagesProgress: { done: 0, total: 0 },
  });
  const answer = await tracked('packages', (s, signal) =>
    s.request({ type: 'packages', image }, signal, (done, total) => {
      if (get().imageIndex === image) useStore.setState({ packagesProgress: { done, total } });
    }),
  );
  if (!answer || get().imageIndex !== image) return;
  const owners = new Map<number, number>();
  answer.ownedPaths.forEach((path, i) => {
    owners.set(path, answer.ownerOf[i]!);
  });
  useStore.setState({ packages: answer, packageOwners: owners, packagesProgress: null });
}

/** Downloads the open image's SBOM, built on the page from the catalogued packages. */
export function downloadSbom(format: SbomFormat): void {
  const found = get().packages;
  const image = get().model?.images[found?.image ?? -1];
  if (!found || !image) return;
  const subject = {
    name: image.tags[0] ?? image.id,
    id: image.id,
    diffIds: image.layers.map((l) => l.diffId),
  };
  const document =
    format === 'cyclonedx' ? cycloneDx(subject, found.packages) : spdx(subject, found.packages);
  const base = (image.tags[0] ?? image.id.slice(7, 19)).replace(/[^\w.-]+/g, '_');
  const name = `${base}.${format === 'cyclonedx' ? 'cdx' : 'spdx'}.json`;
  saveBlob(new Blob([JSON.stringify(document, null, 2)], { type: 'application/json' }), name);
}
