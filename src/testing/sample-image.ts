import { createHash } from 'node:crypto';
import { type TarInput, writeTar } from './tar-writer.ts';

/**
 * The sample image, in the two layouts `docker save` writes, from the well-known walk-through of
 * the format:
 *
 *   FROM <a tiny busybox-like root>
 *   RUN echo hihi          # a layer that changes nothing (the 1024-byte empty tar)
 *   RUN touch /hi          # adds the empty file /hi
 *   RUN rm /hi             # deletes it: the layer holds only the whiteout .wh.hi
 *   CMD ["echo", "hello"]  # no layer: an empty_layer history entry
 *
 * Everything is derived from fixed inputs, so the bytes are the same on every run, and every
 * digest is the real sha256 of the bytes it names.
 */
export const SAMPLE_TAG = 'investitest:latest';
const CREATED = '2026-01-05T10:00:00Z';
const BASE_MTIME = Date.parse('2026-01-01T00:00:00Z') / 1000;
const STEP_MTIME = Date.parse(CREATED) / 1000;

export const sha256Hex = (bytes: Uint8Array | string) =>
  createHash('sha256').update(bytes).digest('hex');
const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

const BUSYBOX_APPLETS = ['cat', 'echo', 'ls', 'rm', 'sh', 'touch'];

function baseLayer(): Uint8Array {
  const dir = (name: string, mode = 0o755): TarInput => ({
    name: `${name}/`,
    kind: 'dir',
    mode,
    mtime: BASE_MTIME,
  });
  const file = (name: string, data: string, mode = 0o644): TarInput => ({
    name,
    data,
    mode,
    mtime: BASE_MTIME,
  });
  const entries: TarInput[] = [
    dir('bin'),
    file('bin/busybox', '\x7fELF stand-in for the busybox multi-call binary\n', 0o755),
    ...BUSYBOX_APPLETS.map(
      (applet): TarInput => ({
        name: `bin/${applet}`,
        kind: 'hardlink',
        linkname: 'bin/busybox',
        mode: 0o755,
        mtime: BASE_MTIME,
      }),
    ),
    dir('dev'),
    dir('etc'),
    file('etc/group', 'root:x:0:\nnogroup:x:65534:\n'),
    file('etc/hostname', 'investitest\n'),
    { name: 'etc/mtab', kind: 'symlink', linkname: '/proc/mounts', mode: 0o777, mtime: BASE_MTIME },
    file(
      'etc/passwd',
      'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n',
    ),
    dir('home'),
    dir('root', 0o700),
    dir('tmp', 0o1777),
    dir('usr'),
    dir('usr/sbin'),
    dir('var'),
    dir('var/spool'),
    dir('var/spool/mail'),
  ];
  return writeTar(entries);
}

export interface SampleImage {
  layers: Uint8Array[];
  diffIds: string[];
  config: Uint8Array;
  imageId: string;
}

/**
 * Any image from layer tars and the commands that made them (tests build edge cases with it).
 * Steps without a layer are given as `null` entries in `layers`.
 */
export function imageFrom(
  steps: { command: string; layer: Uint8Array | null }[],
  cmd: string[] = ['sh'],
  env: string[] = [],
): SampleImage {
  const layers = steps.flatMap((s) => (s.layer ? [s.layer] : []));
  const diffIds = layers.map((l) => `sha256:${sha256Hex(l)}`);
  const config = json({
    architecture: 'amd64',
    config: { Cmd: cmd, ...(env.length > 0 ? { Env: env } : {}) },
    created: CREATED,
    history: steps.map((s) => ({
      created: CREATED,
      created_by: `/bin/sh -c ${s.command}`,
      ...(s.layer ? {} : { empty_layer: true }),
    })),
    os: 'linux',
    rootfs: { type: 'layers', diff_ids: diffIds },
  });
  return { layers, diffIds, config, imageId: sha256Hex(config) };
}

export function sampleImage(): SampleImage {
  const layers = [
    baseLayer(),
    // `RUN echo hihi` changes nothing; docker still records a layer: the empty tar, 1024 zero bytes,
    // whose sha256 5f70bf18... is the best-known digest in the format.
    new Uint8Array(1024),
    writeTar([{ name: 'hi', data: '', mode: 0o644, mtime: STEP_MTIME }]),
    writeTar([{ name: '.wh.hi', data: '', mode: 0o644, mtime: STEP_MTIME }]),
  ];
  const diffIds = layers.map((l) => `sha256:${sha256Hex(l)}`);
  const history = [
    {
      created: '2026-01-01T00:00:00Z',
      created_by: `/bin/sh -c #(nop) ADD file:${sha256Hex(layers[0]!)} in / `,
    },
    {
      created: '2026-01-01T00:00:01Z',
      created_by: '/bin/sh -c #(nop)  CMD ["sh"]',
      empty_layer: true,
    },
    { created: '2026-01-05T09:59:57Z', created_by: '/bin/sh -c echo hihi' },
    { created: '2026-01-05T09:59:58Z', created_by: '/bin/sh -c touch /hi' },
    { created: '2026-01-05T09:59:59Z', created_by: '/bin/sh -c rm /hi' },
    { created: CREATED, created_by: '/bin/sh -c #(nop)  CMD ["echo" "hello"]', empty_layer: true },
  ];
  const config = json({
    architecture: 'amd64',
    config: {
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      Cmd: ['echo', 'hello'],
      WorkingDir: '',
      Labels: null,
    },
    created: CREATED,
    docker_version: '24.0.7',
    history,
    os: 'linux',
    rootfs: { type: 'layers', diff_ids: diffIds },
  });
  return { layers, diffIds, config, imageId: sha256Hex(config) };
}

/**
 * The v1 IDs that name legacy layer folders: a digest over the layer's chain ID and its parent's
 * v1 ID, so they differ from diff_ids and from `docker history` IDs (moby image/v1 CreateID).
 */
function v1Ids(diffIds: string[]): string[] {
  const ids: string[] = [];
  let chain = '';
  diffIds.forEach((diffId, i) => {
    chain = i === 0 ? diffId : `sha256:${sha256Hex(`${chain} ${diffId}`)}`;
    ids.push(
      sha256Hex(JSON.stringify({ created: CREATED, layer_id: chain, parent: ids[i - 1] ?? '' })),
    );
  });
  return ids;
}

/** `docker save` before Docker 25: `<v1id>/layer.tar`, `<image id>.json`, manifest.json, repositories. */
export function legacyArchive(image = sampleImage(), tag = SAMPLE_TAG): Uint8Array {
  const ids = v1Ids(image.diffIds);
  const mtime = STEP_MTIME;
  const files: TarInput[] = [];
  ids.forEach((id, i) => {
    const parent = ids[i - 1];
    const v1 = {
      id,
      ...(parent ? { parent } : {}),
      created: CREATED,
      container_config: { Cmd: null },
      os: 'linux',
      ...(i === ids.length - 1
        ? { architecture: 'amd64', config: { Cmd: ['echo', 'hello'] } }
        : {}),
    };
    files.push(
      { name: `${id}/`, kind: 'dir', mode: 0o755, mtime },
      { name: `${id}/VERSION`, data: '1.0', mtime },
      { name: `${id}/json`, data: json(v1), mtime },
      { name: `${id}/layer.tar`, data: image.layers[i], mtime },
    );
  });
  const [name, version] = tag.split(':') as [string, string];
  files.push(
    { name: `${image.imageId}.json`, data: image.config, mtime },
    {
      name: 'manifest.json',
      data: json([
        {
          Config: `${image.imageId}.json`,
          RepoTags: [tag],
          Layers: ids.map((id) => `${id}/layer.tar`),
        },
      ]),
      mtime: 0,
    },
    { name: 'repositories', data: json({ [name]: { [version]: ids.at(-1) } }), mtime: 0 },
  );
  // docker writes the folder it built in lexical order (Go's filepath.Walk).
  files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return writeTar(files);
}

/** `docker save` from Docker 25 on: an OCI image layout plus manifest.json and repositories. */
export function docker25Archive(image = sampleImage()): Uint8Array {
  const layerDescriptors = image.layers.map((layer, i) => ({
    mediaType: 'application/vnd.oci.image.layer.v1.tar',
    digest: image.diffIds[i]!,
    size: layer.length,
  }));
  const manifest = json({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: `sha256:${image.imageId}`,
      size: image.config.length,
    },
    layers: layerDescriptors,
  });
  const manifestDigest = `sha256:${sha256Hex(manifest)}`;
  const blob = (digest: string) => `blobs/sha256/${digest.replace('sha256:', '')}`;
  const [name, tag] = SAMPLE_TAG.split(':') as [string, string];
  const blobs = new Map<string, Uint8Array>();
  for (const [i, layer] of image.layers.entries()) blobs.set(blob(image.diffIds[i]!), layer);
  blobs.set(blob(image.imageId), image.config);
  blobs.set(blob(manifestDigest), manifest);
  const files: TarInput[] = [
    { name: 'blobs/', kind: 'dir', mode: 0o755 },
    { name: 'blobs/sha256/', kind: 'dir', mode: 0o755 },
    ...[...blobs.keys()]
      .sort()
      .map((path): TarInput => ({ name: path, data: blobs.get(path), mode: 0o644 })),
    {
      name: 'index.json',
      data: json({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            digest: manifestDigest,
            size: manifest.length,
            annotations: {
              'io.containerd.image.name': `docker.io/library/${SAMPLE_TAG}`,
              'org.opencontainers.image.ref.name': tag,
            },
            platform: { architecture: 'amd64', os: 'linux' },
          },
        ],
      }),
    },
    {
      name: 'manifest.json',
      data: json([
        {
          Config: blob(image.imageId),
          RepoTags: [SAMPLE_TAG],
          Layers: image.diffIds.map(blob),
          LayerSources: Object.fromEntries(layerDescriptors.map((d) => [d.digest, d])),
        },
      ]),
    },
    { name: 'oci-layout', data: json({ imageLayoutVersion: '1.0.0' }) },
    { name: 'repositories', data: json({ [name]: { [tag]: image.imageId } }) },
  ];
  return writeTar(files);
}
