import type { Catalogued } from './model.ts';
import { headerFields } from './stanzas.ts';

/**
 * An installed Python distribution: `*.dist-info/METADATA` (wheels) or `*.egg-info/PKG-INFO` (or an
 * `*.egg-info` file), with the files listed in `RECORD` (or `installed-files.txt`), relative to the
 * folder that holds the metadata folder. The licence is `License-Expression`, else `License`, else
 * the `License ::` classifiers.
 */
export function parsePythonMetadata(
  text: string,
  source: string,
  listed: { text: string; root: string } | null,
): Catalogued {
  const fields = headerFields(text);
  const name = fields.get('name')?.[0];
  const version = fields.get('version')?.[0];
  if (!name || !version)
    return { packages: [], problems: [{ path: source, message: 'no Name or Version field' }] };
  const classifiers = (fields.get('classifier') ?? [])
    .filter((c) => c.startsWith('License ::'))
    .map((c) => c.split('::').at(-1)!.trim());
  const license =
    fields.get('license-expression')?.[0] ||
    (fields.get('license')?.[0] && fields.get('license')![0] !== 'UNKNOWN'
      ? fields.get('license')![0]!.split('\n')[0]!
      : '') ||
    classifiers.join(' AND ') ||
    null;
  return {
    packages: [
      {
        type: 'pypi',
        name,
        version,
        arch: null,
        license,
        source,
        files: listed === null ? [] : recordPaths(listed.text, listed.root),
      },
    ],
    problems: [],
  };
}

/** RECORD is CSV (`path,hash,size`); `installed-files.txt` one path a line. Both relative to `root`. */
export function recordPaths(text: string, root: string): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (!line.trim()) continue;
    let path = line;
    if (line.startsWith('"')) {
      const end = line.indexOf('"', 1);
      path = line.slice(1, end < 0 ? undefined : end);
    } else {
      const comma = line.indexOf(',');
      if (comma >= 0) path = line.slice(0, comma);
    }
    out.push(joinPath(root, path));
  }
  return out;
}

/** `root` + a relative path with `..` resolved; absolute paths stay as they are. */
function joinPath(root: string, path: string): string {
  const parts = path.startsWith('/') ? [] : root.split('/').filter(Boolean);
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}
