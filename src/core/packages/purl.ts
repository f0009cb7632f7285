import { PackageURL } from 'packageurl-js';
import type { FoundPackage } from './model.ts';
import { type Distro, distroQualifier } from './os-release.ts';

/**
 * A package's purl (package-url spec, built with packageurl-js). OS packages take the distribution
 * as namespace and `distro=` qualifier and their architecture as `arch=`; rpm's epoch is a
 * qualifier, not part of the purl's version; Maven and npm scopes and Go module prefixes are
 * namespaces.
 */
export function purlOf(p: FoundPackage, distro: Distro | null): string {
  let namespace: string | undefined = p.namespace;
  let name = p.name;
  let version = p.version || undefined;
  const qualifiers: Record<string, string> = { ...(p.qualifiers ?? {}) };
  if (p.type === 'deb' || p.type === 'apk' || p.type === 'rpm') {
    namespace =
      distro?.id ?? (p.type === 'deb' ? 'debian' : p.type === 'apk' ? 'alpine' : undefined);
    if (p.arch) qualifiers.arch = p.arch;
    Object.assign(qualifiers, distroQualifier(distro));
    if (p.type === 'rpm' && version) version = version.replace(/^\d+:/, '');
  } else if (p.type === 'npm' && namespace) name = p.name.slice(namespace.length + 1);
  else if (p.type === 'maven' && namespace) name = p.name.slice(namespace.length + 1);
  else if (p.type === 'golang') {
    const slash = p.name.lastIndexOf('/');
    namespace = slash > 0 ? p.name.slice(0, slash) : undefined;
    name = slash > 0 ? p.name.slice(slash + 1) : p.name;
  }
  return new PackageURL(
    p.type,
    namespace,
    name,
    version,
    Object.keys(qualifiers).length > 0 ? qualifiers : undefined,
    undefined,
  ).toString();
}
