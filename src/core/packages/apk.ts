import type { Catalogued, FoundPackage } from './model.ts';

/**
 * Alpine's `lib/apk/db/installed`: one stanza a package of `X:value` lines (P name, V version, A
 * arch, L licence, o origin), files as `F:folder` followed by its `R:file` lines. A stanza without
 * a name or version is skipped and reported.
 */
export function parseApkInstalled(text: string, source: string): Catalogued {
  const packages: FoundPackage[] = [];
  const problems: Catalogued['problems'] = [];
  let fields = new Map<string, string>();
  let files: string[] = [];
  let folder = '';
  const flush = () => {
    if (fields.size > 0) {
      const name = fields.get('P');
      const version = fields.get('V');
      if (name && version) {
        const origin = fields.get('o');
        packages.push({
          type: 'apk',
          name,
          version,
          arch: fields.get('A') ?? null,
          license: fields.get('L') ?? null,
          qualifiers: origin && origin !== name ? { upstream: origin } : {},
          source,
          files,
        });
      } else
        problems.push({
          path: source,
          message: `a package entry without ${name ? 'a version' : 'a name'}${name ? ` (${name})` : ''} was skipped`,
        });
    }
    fields = new Map();
    files = [];
    folder = '';
  };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line === '') {
      flush();
      continue;
    }
    if (line[1] !== ':') continue;
    const key = line[0]!;
    const value = line.slice(2);
    if (key === 'F') folder = value;
    else if (key === 'R') files.push(`/${folder ? `${folder}/` : ''}${value}`);
    else if (!fields.has(key)) fields.set(key, value);
  }
  flush();
  return { packages, problems };
}
