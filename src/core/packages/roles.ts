import { isJavaArchive } from './java.ts';
import { isInstalledNpmManifest } from './npm.ts';

/** What a file is to the catalogers, decided by its path (and, for Go binaries, mode and size). */
export type Role =
  | 'dpkg-status'
  | 'dpkg-status-d'
  | 'dpkg-files'
  | 'dpkg-copyright'
  | 'apk'
  | 'rpm-bdb'
  | 'rpm-ndb'
  | 'rpm-sqlite'
  | 'os-release'
  | 'python-metadata'
  | 'python-record'
  | 'npm'
  | 'java'
  | 'go';

const DPKG_SCRIPTS =
  /\.(md5sums|list|conffiles|preinst|postinst|prerm|postrm|triggers|shlibs|symbols|templates|config|triggers)$/;

/** Paths are as the path table holds them: no leading `/`. */
export function roleByPath(path: string): Role | null {
  switch (path) {
    case 'var/lib/dpkg/status':
      return 'dpkg-status';
    case 'lib/apk/db/installed':
      return 'apk';
    case 'var/lib/rpm/Packages':
    case 'usr/lib/sysimage/rpm/Packages':
      return 'rpm-bdb';
    case 'var/lib/rpm/Packages.db':
    case 'usr/lib/sysimage/rpm/Packages.db':
      return 'rpm-ndb';
    case 'var/lib/rpm/rpmdb.sqlite':
    case 'usr/lib/sysimage/rpm/rpmdb.sqlite':
      return 'rpm-sqlite';
    case 'etc/os-release':
    case 'usr/lib/os-release':
      return 'os-release';
  }
  if (path.startsWith('var/lib/dpkg/status.d/')) {
    const name = path.slice('var/lib/dpkg/status.d/'.length);
    if (name.includes('/')) return null;
    if (name.endsWith('.md5sums')) return 'dpkg-files';
    return DPKG_SCRIPTS.test(name) ? null : 'dpkg-status-d';
  }
  // Cheap tests before each pattern: most of a million paths are none of these.
  if (path.startsWith('usr/share/doc/') && /^usr\/share\/doc\/[^/]+\/copyright$/.test(path))
    return 'dpkg-copyright';
  if (path.startsWith('var/lib/dpkg/info/'))
    return /^var\/lib\/dpkg\/info\/[^/]+\.(list|md5sums|conffiles)$/.test(path)
      ? 'dpkg-files'
      : null;
  if (path.includes('-info')) {
    if (/\.dist-info\/METADATA$|\.egg-info\/PKG-INFO$|\.egg-info$/.test(path))
      return 'python-metadata';
    if (/\.(dist-info|egg-info)\/(RECORD|installed-files\.txt)$/.test(path)) return 'python-record';
  }
  if (path.endsWith('/package.json') && isInstalledNpmManifest(path)) return 'npm';
  if (path.charCodeAt(path.length - 4) === 46 /* . */ && isJavaArchive(path)) return 'java';
  return null;
}

/** Go binaries have no name to go by: executables of a plausible size, checked for build info. */
export function mayBeGoBinary(mode: number, size: number): boolean {
  return (mode & 0o111) !== 0 && size >= 256 << 10 && size <= 512 << 20;
}

/** Bodies larger than this are not read: the file is named in a warning instead. */
export const LARGEST_BODY: Record<Role, number> = {
  'dpkg-status': 256 << 20,
  'dpkg-status-d': 16 << 20,
  'dpkg-files': 64 << 20,
  'dpkg-copyright': 4 << 20,
  apk: 256 << 20,
  'rpm-bdb': 512 << 20,
  'rpm-ndb': 512 << 20,
  'rpm-sqlite': 512 << 20,
  'os-release': 64 << 10,
  'python-metadata': 16 << 20,
  'python-record': 64 << 20,
  npm: 16 << 20,
  java: 256 << 20,
  go: 512 << 20,
};

/** Every role, in one order (a role can be kept as its index). */
export const ROLES = Object.keys(LARGEST_BODY) as readonly Role[];
