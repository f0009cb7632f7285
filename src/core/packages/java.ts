import { unzipSync } from 'fflate';
import type { Catalogued, FoundPackage } from './model.ts';

/**
 * A Java archive (`.jar`, `.war`, `.ear`): a zip read with fflate, taking only its metadata. Each
 * `META-INF/maven/GROUP/ARTIFACT/pom.properties` is a package (a shaded jar holds several), with
 * the licence its `pom.xml` names when it names exactly one; without any, the manifest's
 * `Implementation-Title` / `Implementation-Version` (or `Bundle-*`) names the jar. Jars nested in
 * `WEB-INF/lib` or `BOOT-INF/lib` are read one level deep.
 */
export function isJavaArchive(path: string): boolean {
  return /\.(jar|war|ear|jpi|hpi)$/i.test(path);
}

export function parseJavaArchive(bytes: Uint8Array, source: string, depth = 0): Catalogued {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (f) =>
        f.originalSize < 4 << 20 &&
        (f.name === 'META-INF/MANIFEST.MF' ||
          /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.(properties|xml)$/.test(f.name) ||
          (depth === 0 && /^(WEB-INF|BOOT-INF)\/lib\/[^/]+\.jar$/.test(f.name))),
    });
  } catch (error) {
    return {
      packages: [],
      problems: [{ path: source, message: `not a readable zip (${(error as Error).message})` }],
    };
  }
  const text = (name: string) => (files[name] ? new TextDecoder().decode(files[name]) : null);
  const packages: FoundPackage[] = [];
  const problems: Catalogued['problems'] = [];
  for (const name of Object.keys(files).sort()) {
    const m = /^META-INF\/maven\/([^/]+)\/([^/]+)\/pom\.properties$/.exec(name);
    if (!m) continue;
    const props = properties(text(name) ?? '');
    const group = props.get('groupId') ?? m[1]!;
    const artifact = props.get('artifactId') ?? m[2]!;
    const version = props.get('version');
    if (!version) continue;
    packages.push(
      maven(group, artifact, version, pomLicense(text(name.replace(/properties$/, 'xml'))), source),
    );
  }
  if (packages.length === 0) {
    const manifest = manifestFields(text('META-INF/MANIFEST.MF') ?? '');
    const title =
      manifest.get('Implementation-Title') ?? manifest.get('Bundle-SymbolicName')?.split(';')[0];
    const version = manifest.get('Implementation-Version') ?? manifest.get('Bundle-Version');
    const fromName = /([^/]+?)-(\d[^/]*)\.[a-z]+$/i.exec(source);
    const artifact = title ?? fromName?.[1];
    const v = version ?? fromName?.[2];
    if (artifact && v)
      packages.push(
        maven(manifest.get('Implementation-Vendor-Id') ?? '', artifact, v, null, source),
      );
  }
  for (const name of Object.keys(files)) {
    if (!name.endsWith('.jar')) continue;
    const inner = parseJavaArchive(files[name]!, `${source}:${name}`, depth + 1);
    packages.push(...inner.packages.map((p) => ({ ...p, files: [source] })));
    problems.push(...inner.problems);
  }
  return { packages, problems };
}

function maven(
  group: string,
  artifact: string,
  version: string,
  license: string | null,
  source: string,
): FoundPackage {
  return {
    type: 'maven',
    name: group ? `${group}:${artifact}` : artifact,
    version,
    arch: null,
    license,
    ...(group ? { namespace: group } : {}),
    source,
    files: [source],
  };
}

function properties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*([^#!=:\s]+)\s*[=:]\s*(.*?)\s*$/.exec(line);
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

/** MANIFEST.MF: `Key: value`, a line starting with one space continues the one before. */
function manifestFields(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let last = '';
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.startsWith(' ') && last) out.set(last, `${out.get(last)}${line.slice(1)}`);
    else {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      last = line.slice(0, colon);
      if (!out.has(last)) out.set(last, line.slice(colon + 1).trim());
    }
  }
  return out;
}

/** The one licence a pom names (none when it names several: the owner is then unclear). */
function pomLicense(xml: string | null): string | null {
  if (!xml) return null;
  const names = [...xml.matchAll(/<license>\s*<name>([^<]+)<\/name>/g)].map((m) => m[1]!.trim());
  return names.length === 1 ? names[0]! : null;
}
