import { parseApkInstalled } from './apk.ts';
import { parseDpkgStatus } from './dpkg.ts';
import { isElf, parseGoBinary } from './golang.ts';
import { parseJavaArchive } from './java.ts';
import type { Catalogued } from './model.ts';
import { parseNpmPackageJson } from './npm.ts';
import type { Role } from './roles.ts';
import { berkeleyBlobs, ndbBlobs } from './rpm-db.ts';
import { parseRpmHeader } from './rpm-header.ts';
import { sqliteBlobs } from './rpm-sqlite.ts';

/**
 * What one file body gives, by its role: packages (databases, manifests, binaries), or text kept
 * for the catalogue to combine (file lists, RECORDs, os-release). Never throws: a body that cannot
 * be read gives a problem naming the file, with the packages read before the damage.
 */
export type ParsedBody = { kind: 'packages'; result: Catalogued } | { kind: 'text'; text: string };

const decoder = new TextDecoder();

export async function parseBody(role: Role, bytes: Uint8Array, path: string): Promise<ParsedBody> {
  const source = `/${path}`;
  switch (role) {
    case 'dpkg-status':
      return packages(parseDpkgStatus(decoder.decode(bytes), source, false));
    case 'dpkg-status-d':
      return packages(parseDpkgStatus(decoder.decode(bytes), source, true));
    case 'apk':
      return packages(parseApkInstalled(decoder.decode(bytes), source));
    case 'npm':
      return packages(parseNpmPackageJson(decoder.decode(bytes), source));
    case 'java':
      return packages(parseJavaArchive(bytes, source));
    case 'go':
      return packages(isElf(bytes) ? parseGoBinary(bytes, source) : { packages: [], problems: [] });
    case 'rpm-bdb':
    case 'rpm-ndb':
    case 'rpm-sqlite':
      return packages(await rpmPackages(role, bytes, source));
    default:
      return { kind: 'text', text: decoder.decode(bytes) };
  }
}

const packages = (result: Catalogued): ParsedBody => ({ kind: 'packages', result });

async function rpmPackages(role: Role, bytes: Uint8Array, source: string): Promise<Catalogued> {
  const out: Catalogued = { packages: [], problems: [] };
  try {
    const blobs =
      role === 'rpm-sqlite'
        ? await sqliteBlobs(bytes)
        : role === 'rpm-ndb'
          ? ndbBlobs(bytes)
          : berkeleyBlobs(bytes);
    for (const blob of blobs) {
      try {
        const found = parseRpmHeader(blob, source);
        // The public keys rpm imports are stored as packages; they are not software.
        if (found && found.name !== 'gpg-pubkey') out.packages.push(found);
      } catch (error) {
        out.problems.push({
          path: source,
          message: `a damaged package header (${(error as Error).message})`,
        });
      }
    }
  } catch (error) {
    out.problems.push({
      path: source,
      message: `the database is damaged (${(error as Error).message}); ${out.packages.length} package(s) were read before it`,
    });
  }
  return out;
}
