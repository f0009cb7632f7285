import type { Catalogued } from './model.ts';

/**
 * An installed npm package: `node_modules/NAME/package.json` or `node_modules/@SCOPE/NAME/...`.
 * The licence is `license` (a string or `{type}`), else the old `licenses` list.
 */
export function parseNpmPackageJson(text: string, source: string): Catalogued {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return {
      packages: [],
      problems: [{ path: source, message: `not JSON (${(error as Error).message})` }],
    };
  }
  if (!json || typeof json !== 'object')
    return { packages: [], problems: [{ path: source, message: 'not a JSON object' }] };
  const pkg = json as Record<string, unknown>;
  const name = typeof pkg.name === 'string' ? pkg.name : '';
  const version = typeof pkg.version === 'string' ? pkg.version : '';
  if (!name || !version)
    return { packages: [], problems: [{ path: source, message: 'no name or version' }] };
  const scope = name.startsWith('@') ? name.slice(0, name.indexOf('/')) : undefined;
  return {
    packages: [
      {
        type: 'npm',
        name,
        version,
        arch: null,
        license: licenseOf(pkg),
        ...(scope ? { namespace: scope } : {}),
        source,
        files: [],
      },
    ],
    problems: [],
  };
}

function licenseOf(pkg: Record<string, unknown>): string | null {
  const one = (v: unknown): string | null =>
    typeof v === 'string'
      ? v
      : v && typeof v === 'object' && typeof (v as { type?: unknown }).type === 'string'
        ? (v as { type: string }).type
        : null;
  const license = one(pkg.license);
  if (license) return license;
  if (Array.isArray(pkg.licenses)) {
    const all = pkg.licenses.map(one).filter((l): l is string => !!l);
    if (all.length > 0) return all.join(' OR ');
  }
  return null;
}

/** Whether a path is the manifest of an installed package (inside a node_modules folder). */
export function isInstalledNpmManifest(path: string): boolean {
  return /(^|\/)node_modules\/(@[^/]+\/)?[^/@][^/]*\/package\.json$/.test(path);
}
