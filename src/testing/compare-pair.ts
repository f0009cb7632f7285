import { imageFrom, legacyArchive } from './sample-image.ts';
import { type TarInput, writeTar } from './tar-writer.ts';

/**
 * A base image and an image built on it, for comparison tests: the derived image keeps both base
 * layers and adds one that rewrites a text file, changes a mode, an owner and a symlink's target,
 * deletes a file and a folder (replaced by a file), adds a hardlink, and changes the environment.
 */
const dir = (name: string): TarInput => ({ name: `${name}/`, kind: 'dir', mode: 0o755 });

export const BASE_LAYERS: TarInput[][] = [
  [
    dir('etc'),
    { name: 'etc/hostname', data: 'box\n' },
    { name: 'etc/group', data: 'root:x:0:\n' },
    { name: 'etc/mtab', kind: 'symlink', linkname: '/proc/mounts', mode: 0o777 },
    dir('app'),
    { name: 'app/config.txt', data: 'mode=slow\nlevel=1\n' },
    { name: 'app/bin', data: 'binary v1', mode: 0o755 },
    dir('app/cache'),
    { name: 'app/cache/a', data: 'aaaa' },
  ],
  [dir('srv'), { name: 'srv/index.html', data: '<h1>hi</h1>' }],
];

export const DERIVED_LAYERS: TarInput[][] = [
  ...BASE_LAYERS,
  [
    dir('app'),
    { name: 'app/config.txt', data: 'mode=fast\nlevel=1\n' },
    { name: 'app/bin', data: 'binary v1', mode: 0o700 },
    { name: 'app/.wh.cache' },
    { name: 'app/cache', data: 'now a file' },
    { name: 'etc/.wh.group' },
    { name: 'etc/mtab', kind: 'symlink', linkname: '/proc/self/mounts', mode: 0o777 },
    { name: 'etc/hostname', data: 'box\n', uid: 1000, gid: 1000 },
    { name: 'app/new', kind: 'hardlink', linkname: 'srv/index.html' },
  ],
];

export const BASE_ENV = ['PATH=/bin', 'MODE=slow'];
export const DERIVED_ENV = ['PATH=/bin', 'MODE=fast', 'NEW=1'];

/** A `docker save` archive of an image made of these layers. */
export function archiveOfLayers(layers: TarInput[][], env: string[], tag: string): Uint8Array {
  const image = imageFrom(
    layers.map((l, i) => ({ command: `step ${i}`, layer: writeTar(l) })),
    ['sh'],
    env,
  );
  return legacyArchive(image, tag);
}
