import { isObject, parseJson, stringAt } from './json.ts';
import { type ArchiveModel, platformText } from './model.ts';
import type { OuterIndex } from './outer-index.ts';
import { blobPath } from './outer-index.ts';

/**
 * What each file of the outer archive is for, in a sentence, and how each layer is named in every
 * place the format names it. This answers the questions people open these tarballs with: which
 * folder is which layer, why `docker history` IDs differ from folder names, why there are more
 * history steps than layers.
 */
export interface LayerNames {
  index: number;
  /** The path manifest.json (or the OCI manifest) lists for the layer, and its position there. */
  listedPath: string | null;
  /** The file actually holding it after links were followed. */
  blobPath: string | null;
  diffId: string | null;
  digest: string | null;
  /** The history step that made it, and its command. */
  historyStep: number | null;
  createdBy: string | null;
  /** Legacy archives: the v1 layer ID (the folder name) and its parent's. */
  v1Id: string | null;
  v1Parent: string | null;
}

export function layerNames(model: ArchiveModel, index: OuterIndex, image: number): LayerNames[] {
  const record = model.images[image];
  if (!record) return [];
  return record.layers.map((layer) => {
    const step = record.history.findIndex((h) => h.layer === layer.index);
    const folder = layer.listedPath?.endsWith('/layer.tar')
      ? layer.listedPath.slice(0, -'/layer.tar'.length)
      : null;
    let v1Parent: string | null = null;
    if (folder) {
      const body = index.body(`${folder}/json`);
      try {
        const json = body ? parseJson(body, `${folder}/json`) : undefined;
        v1Parent = stringAt(json, 'parent') ?? null;
      } catch {
        v1Parent = null;
      }
    }
    return {
      index: layer.index,
      listedPath: layer.listedPath,
      blobPath: layer.blobPath,
      diffId: layer.diffId,
      digest: layer.digest,
      historyStep: step < 0 ? null : step,
      createdBy: step < 0 ? null : (record.history[step]?.createdBy ?? null),
      v1Id: folder,
      v1Parent,
    };
  });
}

const imageName = (model: ArchiveModel, i: number) => {
  const image = model.images[i]!;
  const name = image.tags[0] ?? `image ${image.id.slice(7, 19)}`;
  return model.images.length > 1 ? `${name} (${platformText(image.platform)})` : name;
};

/** A one-line explanation of every outer entry, by path. */
export function entryRoles(model: ArchiveModel, index: OuterIndex): Map<string, string> {
  const roles = new Map<string, string>();
  model.images.forEach((image, i) => {
    const name = imageName(model, i);
    if (image.configPath) {
      roles.set(
        image.configPath,
        `The image config of ${name}: platform, environment, command, the history of every build step and the diff_id of every layer. Its sha256 is the image ID (${image.id.slice(7, 19)}).`,
      );
    }
    if (image.manifestDigest) {
      roles.set(
        blobPath(image.manifestDigest),
        `The OCI manifest of ${name}: the config's digest and each layer's digest, media type and size.`,
      );
    }
    for (const layer of image.layers) {
      const step = image.history.find((h) => h.layer === layer.index);
      const what = `Layer ${layer.index} of ${name}${step ? `, made by: ${step.createdBy.replace(/^\/bin\/sh -c (#\(nop\) )?/, '')}` : ''}.`;
      if (layer.blobPath && !roles.has(layer.blobPath)) roles.set(layer.blobPath, what);
      if (layer.listedPath && layer.listedPath !== layer.blobPath) {
        roles.set(
          layer.listedPath,
          `${what} A link: the same layer's bytes were already written as ${layer.blobPath}.`,
        );
      }
      if (layer.listedPath?.endsWith('/layer.tar')) {
        const folder = layer.listedPath.slice(0, -'/layer.tar'.length);
        roles.set(
          folder,
          `Folder of layer ${layer.index} of ${name}, named by its v1 layer ID: a digest of the layer chain and its parent, not the diff_id, which is why docker history shows other IDs.`,
        );
        roles.set(`${folder}/VERSION`, 'Version of the v1 layer folder format ("1.0").');
        roles.set(
          `${folder}/json`,
          `v1 layer JSON of layer ${layer.index}: its v1 ID, its parent's, and when it was made (the top layer's carries the container config too). Kept for old docker load.`,
        );
      }
    }
  });
  for (const entry of index.entries) {
    if (roles.has(entry.path)) continue;
    roles.set(entry.path, genericRole(entry.path, entry.kind, index));
  }
  return roles;
}

function genericRole(path: string, kind: string, index: OuterIndex): string {
  switch (path) {
    case 'manifest.json':
      return "docker's list of the images in this file: for each, its config file, its tags (RepoTags) and its layer files in order. docker load starts here.";
    case 'repositories':
      return 'Tags for old docker load: image name → tag → the v1 ID of the top layer.';
    case 'index.json':
      return 'The OCI index: the entry point of the OCI image layout, listing image manifests (or further indexes) by digest, with tags and platforms.';
    case 'oci-layout':
      return 'Marks the archive as an OCI image layout and gives the layout version.';
    case 'blobs':
    case 'blobs/sha256':
      return 'Content-addressed blobs: every file in here is named by the sha256 of its bytes.';
  }
  if (kind === 'dir') return 'A folder.';
  const body = index.body(path);
  if (body && path.startsWith('blobs/')) {
    try {
      const json = parseJson(body, path);
      if (isObject(json) && Array.isArray(json.manifests))
        return 'An image index (or manifest list): points to one manifest per platform.';
      if (isObject(json) && Array.isArray(json.layers))
        return 'An image manifest for an image this view does not list (an attestation or another artifact).';
      if (isObject(json) && isObject(json.rootfs))
        return 'An image config no manifest in this file uses.';
      if (isObject(json) && typeof json.id === 'string')
        return 'A legacy v1 layer JSON blob, written by Docker 25+ for old docker load.';
    } catch {
      // not JSON: fall through
    }
  }
  return 'Not referenced by any image manifest.';
}
