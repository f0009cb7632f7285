import type { Catalogued, FoundPackage } from './model.ts';
import { controlStanzas } from './stanzas.ts';

/**
 * dpkg's database: `var/lib/dpkg/status` (only `install ok installed` stanzas count), or one file
 * per package in distroless's `var/lib/dpkg/status.d/` (no Status field: all are installed).
 * `Source` may carry a version in parentheses: the name alone is the upstream.
 */
export function parseDpkgStatus(text: string, source: string, perPackage: boolean): Catalogued {
  const packages: FoundPackage[] = [];
  for (const stanza of controlStanzas(text)) {
    const name = stanza.get('Package');
    if (!name) continue;
    const status = stanza.get('Status');
    if (!perPackage || status !== undefined) {
      const words = (status ?? '').split(/\s+/);
      if (words[2] !== 'installed') continue;
    }
    const upstream = (stanza.get('Source') ?? '').replace(/\s*\(.*\)\s*$/, '');
    packages.push({
      type: 'deb',
      name,
      version: stanza.get('Version') ?? '',
      arch: stanza.get('Architecture') ?? null,
      license: null,
      qualifiers: upstream && upstream !== name ? { upstream } : {},
      source,
      files: [],
    });
  }
  return { packages, problems: [] };
}

/**
 * A package's file list: `info/NAME.list` (every path, folders included), `NAME.md5sums` (`md5
 * path` per file, relative to the root) or `NAME.conffiles`. Paths come back absolute.
 */
export function parseDpkgFileList(text: string, kind: 'list' | 'md5sums' | 'conffiles'): string[] {
  const paths: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    let path = line;
    if (kind === 'md5sums') {
      const m = /^[0-9a-f]{32}\s+(.*)$/.exec(line);
      if (!m) continue;
      path = m[1]!;
    } else if (kind === 'conffiles')
      path = line.replace(/\s+(obsolete|remove-on-upgrade)$/, '').replace(/\s+[0-9a-f]{32}$/, '');
    if (path === '/.' || path === '.') continue;
    paths.push(path.startsWith('/') ? path : `/${path}`);
  }
  return paths;
}

/**
 * The licences a Debian copyright file names, in the machine-readable format (DEP-5): each
 * `License:` field's first line, once each, in order. A free-form file names none.
 */
export function dpkgCopyrightLicenses(text: string): string[] {
  const found: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^License:\s*(.+?)\s*$/.exec(line);
    if (m && !found.includes(m[1]!)) found.push(m[1]!);
  }
  return found;
}
